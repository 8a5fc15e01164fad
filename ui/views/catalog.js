// The pool catalog: one card per pool with size, utilization, newest seq, message count,
// live rate and watchers, refreshed every two seconds.
import { api } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { formatBytes, formatCount, formatRate, RateMeter, relativeTime } from "../lib/format.js";
import { RateSeries, sparkline } from "../lib/sparkline.js";

const REFRESH_MS = 2000;

function utilizationBar(percent) {
  const bar = h("div.meter", { role: "meter", "aria-valuenow": percent, "aria-valuemin": 0, "aria-valuemax": 100 });
  const fill = h("div.meter-fill");
  fill.style.width = `${Math.min(100, Math.max(0, percent))}%`;
  if (percent > 90) fill.classList.add("hot");
  bar.append(fill);
  return bar;
}

function stat(label, value, testid) {
  return h(
    "div.stat",
    {},
    h("div.stat-value", { "data-testid": testid, text: value }),
    h("div.stat-label", { text: label }),
  );
}

function poolCard(pool, rate, series) {
  const href = `#/pools/${encodeURIComponent(pool.name)}`;
  if (pool.error) {
    return h(
      "a.pool-card.broken",
      { href, "data-testid": "pool-card", "data-pool": pool.name },
      h(
        "div.pool-card-head",
        {},
        h("span.pool-name", { text: pool.name }),
        h("span.badge.bad", { text: pool.error.kind }),
      ),
      h("p.muted.small", { text: pool.error.message }),
    );
  }
  const m = pool.metrics;
  const live = rate > 0;
  return h(
    "a.pool-card",
    { href, "data-testid": "pool-card", "data-pool": pool.name },
    h(
      "div.pool-card-head",
      {},
      h("span.pool-name", { text: pool.name }),
      h("span.pulse", { class: live ? "on" : "", title: live ? "receiving messages" : "quiet" }),
      pool.streams > 0 ? h("span.badge", { "data-testid": "watchers", text: `${pool.streams} watching` }) : null,
    ),
    h(
      "div.pool-card-meter",
      {},
      utilizationBar(m.utilization.used_percent),
      // Capacity is used + free: every backend reports both (only a pool file has ring_size).
      h("span.small.muted", {
        text: `${m.utilization.used_percent.toFixed(1)}% of ${formatBytes(m.utilization.used_bytes + m.utilization.free_bytes)}`,
      }),
    ),
    h(
      "div.stats",
      {},
      stat("messages", formatCount(m.message_count), "message-count"),
      stat("newest", formatCount(pool.bounds.newest), "newest-seq"),
      stat("rate", formatRate(rate), "rate"),
      stat("last", relativeTime(m.age.newest_time), "last"),
    ),
    h(
      "div.pool-card-foot",
      {},
      h("span.small.muted", {
        title: pool.path ?? pool.name,
        text: [pool.file_size === undefined ? null : formatBytes(pool.file_size), pool.codec]
          .filter(Boolean)
          .join(" · "),
      }),
      sparkline(series.rates, { width: 120, height: 22 }),
    ),
  );
}

export const catalogView = {
  title: () => "Pools",
  mount(container, _params, app) {
    const meters = new Map();
    const series = new Map();
    const summary = h("span.muted", { "data-testid": "catalog-summary" });
    const grid = h("div.pool-grid", { "data-testid": "pool-grid" });
    const errorBox = h("div.banner.error", { hidden: true });
    container.append(h("div.page-head", {}, h("h1", { text: "Pools" }), summary), errorBox, grid);
    let timer = null;
    let stopped = false;

    const refresh = async () => {
      try {
        const { pools, streams_in_use, streams_max } = await api("/v0/ui/pools");
        if (stopped) return;
        errorBox.hidden = true;
        app.setConnection("live", "connected");
        const now = Date.now();
        clear(grid);
        if (pools.length === 0) {
          grid.append(
            h(
              "div.empty",
              { "data-testid": "catalog-empty" },
              h("h2", { text: "No pools yet" }),
              h("p.muted", { text: "Create one and it appears here within a couple of seconds:" }),
              h("pre.command", { text: 'cairn feed demo --create \'{"hello":"world"}\'' }),
            ),
          );
        }
        for (const pool of pools) {
          let meter = meters.get(pool.name);
          if (!meter) meters.set(pool.name, (meter = new RateMeter()));
          let history = series.get(pool.name);
          if (!history) series.set(pool.name, (history = new RateSeries()));
          if (pool.bounds) {
            meter.add(pool.bounds.newest ?? 0, now);
            history.add(pool.bounds.newest ?? 0, now);
          }
          grid.append(poolCard(pool, meter.rate(), history));
        }
        const total = pools.reduce((n, p) => n + (p.metrics?.message_count ?? 0), 0);
        summary.textContent = `${pools.length} pool${pools.length === 1 ? "" : "s"} · ${formatCount(total)} messages · ${streams_in_use}/${streams_max} streams`;
      } catch (err) {
        if (stopped) return;
        errorBox.hidden = false;
        errorBox.textContent = `${err.kind ?? "Error"}: ${err.message}`;
        app.setConnection("error", "offline");
      } finally {
        if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
      }
    };
    refresh();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  },
};
