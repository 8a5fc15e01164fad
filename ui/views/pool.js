// The live page of one pool: storage and seq stats, then message cards arriving live over
// SSE (seq, relative time, tag pills, expandable JSON). Tag filters restart the stream with
// the server's own AND filter; pause holds new cards back; history is bounded.
import { streamEvents } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { formatBytes, formatCount, formatRate, RateMeter, relativeTime } from "../lib/format.js";
import { jsonPreview, jsonTree } from "../lib/json-view.js";
import { RateSeries, sparkline } from "../lib/sparkline.js";

const INITIAL_LAST = 100;
const HISTORY_CHOICES = [100, 500, 2000];

function statBlock(label, testid) {
  const value = h("div.stat-value", { "data-testid": testid, text: "–" });
  return { el: h("div.stat", {}, value, h("div.stat-label", { text: label })), value };
}

export const poolView = {
  title: ([name]) => name,
  mount(container, [name], app) {
    const state = { tags: [], paused: false, pending: [], historyMax: 500, shown: 0 };
    const rate = new RateMeter();
    const series = new RateSeries();
    const sparkSlot = h("div.spark-slot", { title: "messages per second, last two minutes" });
    let stop = null;

    // ---- header and stats
    const liveBadge = h("span.badge.live-badge", { "data-testid": "stream-state", text: "connecting" });
    const meterFill = h("div.meter-fill");
    const storageText = h("span.small.muted", { "data-testid": "storage" });
    const messages = statBlock("messages", "pool-messages");
    const range = statBlock("seq range", "pool-range");
    const rateStat = statBlock("rate", "pool-rate");
    const watchers = statBlock("watching", "pool-watchers");
    const oldest = statBlock("oldest", "pool-oldest");

    // ---- toolbar
    const chips = h("div.chips", { "data-testid": "filter-chips" });
    const filterInput = h("input.filter-input", {
      type: "text",
      placeholder: "filter by tag, then Enter",
      "data-testid": "tag-filter",
      "aria-label": "filter by tag",
      spellcheck: "false",
    });
    const pauseButton = h("button.ghost", { type: "button", "data-testid": "pause", text: "Pause" });
    const clearButton = h("button.ghost", { type: "button", "data-testid": "clear", text: "Clear" });
    const historySelect = h(
      "select",
      { "aria-label": "history size", "data-testid": "history" },
      HISTORY_CHOICES.map((n) => h("option", { value: n, selected: n === state.historyMax }, `keep ${n}`)),
    );
    const shownText = h("span.small.muted", { "data-testid": "shown" });
    const list = h("ol.messages", { "data-testid": "messages", "aria-live": "polite" });
    const emptyHint = h(
      "div.empty.small",
      { "data-testid": "messages-empty" },
      h("p.muted", { text: "Waiting for messages…" }),
      h("pre.command", { text: `cairn feed ${name} '{"hello":"world"}'` }),
    );
    const errorBox = h("div.banner.error", { hidden: true, "data-testid": "pool-error" });

    container.append(
      h(
        "div.page-head",
        {},
        h(
          "h1",
          {},
          h("a.crumb", { href: "#/", text: "Pools" }),
          h("span.crumb-sep", { text: "/" }),
          h("span", { "data-testid": "pool-title", text: name }),
        ),
        liveBadge,
      ),
      errorBox,
      h(
        "section.pool-stats",
        {},
        h(
          "div.storage",
          {},
          h("div.stat-label", { text: "storage" }),
          h("div.meter.wide", {}, meterFill),
          storageText,
          sparkSlot,
        ),
        h("div.stats", {}, messages.el, range.el, rateStat.el, watchers.el, oldest.el),
      ),
      h(
        "div.toolbar",
        {},
        h("div.filter", {}, chips, filterInput),
        h("div.toolbar-right", {}, shownText, historySelect, pauseButton, clearButton),
      ),
      emptyHint,
      list,
    );

    // ---- message cards
    function tagPill(tag) {
      return h("button.tag", {
        type: "button",
        title: `filter by ${tag}`,
        onclick: (e) => {
          e.stopPropagation();
          addTag(tag);
        },
        text: tag,
      });
    }

    function card(message) {
      const body = h("div.card-body");
      const time = h("time.rel", { datetime: message.time, title: message.time, text: relativeTime(message.time) });
      const el = h(
        "li.card",
        { "data-testid": "message-card", "data-seq": message.seq, tabindex: "0" },
        h(
          "div.card-head",
          {},
          h("span.seq", { text: `#${message.seq}` }),
          time,
          h("span.tags", {}, (message.meta?.tags ?? []).map(tagPill)),
          h("span.preview", { text: jsonPreview(message.data) }),
        ),
        body,
      );
      const toggle = () => {
        const open = el.classList.toggle("open");
        clear(body);
        if (open) {
          const copy = h("button.ghost.small", {
            type: "button",
            text: "copy JSON",
            onclick: (e) => {
              e.stopPropagation();
              navigator.clipboard?.writeText(JSON.stringify(message, null, 2));
            },
          });
          body.append(jsonTree(message.data), h("div.card-actions", {}, copy));
        }
      };
      el.addEventListener("click", (e) => {
        if (e.target.closest("pre.json") && window.getSelection()?.toString()) return;
        toggle();
      });
      el.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          toggle();
        }
      });
      return el;
    }

    function updateShown() {
      state.shown = list.childElementCount;
      shownText.textContent = `${state.shown} shown`;
      emptyHint.hidden = state.shown > 0;
      pauseButton.textContent = state.paused
        ? `Resume${state.pending.length ? ` · ${state.pending.length} new` : ""}`
        : "Pause";
    }

    function render(messagesToAdd) {
      const fragment = document.createDocumentFragment();
      for (let i = messagesToAdd.length - 1; i >= 0; i--) {
        const el = card(messagesToAdd[i]);
        el.classList.add("fresh");
        fragment.append(el);
      }
      list.prepend(fragment);
      while (list.childElementCount > state.historyMax) list.lastElementChild.remove();
      updateShown();
    }

    let batch = [];
    let batchScheduled = false;
    function onMessage(message) {
      if (state.paused) {
        state.pending.push(message);
        if (state.pending.length > state.historyMax) state.pending.shift();
        updateShown();
        return;
      }
      batch.push(message);
      if (!batchScheduled) {
        batchScheduled = true;
        requestAnimationFrame(() => {
          batchScheduled = false;
          const items = batch.slice(-state.historyMax);
          batch = [];
          render(items);
        });
      }
    }

    function onInfo({ pool, streams }) {
      const u = pool.metrics.utilization;
      meterFill.style.width = `${u.used_percent}%`;
      meterFill.classList.toggle("hot", u.used_percent > 90);
      storageText.textContent = `${formatBytes(u.used_bytes)} used · ${formatBytes(u.free_bytes)} free · ${u.used_percent.toFixed(1)}%`;
      messages.value.textContent = formatCount(pool.metrics.message_count);
      range.value.textContent = pool.bounds.oldest == null ? "empty" : `${pool.bounds.oldest} – ${pool.bounds.newest}`;
      rate.add(pool.bounds.newest ?? 0);
      series.add(pool.bounds.newest ?? 0);
      clear(sparkSlot);
      sparkSlot.append(sparkline(series.rates, { width: 320, height: 30 }));
      rateStat.value.textContent = formatRate(rate.rate());
      watchers.value.textContent = String(streams);
      oldest.value.textContent = relativeTime(pool.metrics.age.oldest_time);
    }

    // ---- stream
    function connect() {
      if (stop) stop();
      const q = new URLSearchParams({ last: String(INITIAL_LAST) });
      for (const tag of state.tags) q.append("tag", tag);
      stop = streamEvents(`/v0/ui/pools/${encodeURIComponent(name)}/events?${q}`, {
        onEvent(event, data) {
          if (event === "message") onMessage(data);
          else if (event === "info") onInfo(data);
          else if (event === "gap") liveBadge.title = `${data.count} messages left the pool before they were shown`;
          else if (event === "error") {
            errorBox.hidden = false;
            errorBox.textContent = `${data.error.kind}: ${data.error.message}`;
          }
        },
        onState(s) {
          liveBadge.textContent = s;
          liveBadge.dataset.state = s;
          if (s === "live") errorBox.hidden = true;
          app.setConnection(s === "live" ? "live" : s === "error" ? "error" : "connecting", s === "live" ? "live" : s);
        },
      });
    }

    function renderChips() {
      clear(chips);
      for (const tag of state.tags) {
        chips.append(
          h(
            "span.chip",
            { "data-testid": "filter-chip" },
            tag,
            h("button", { type: "button", "aria-label": `remove ${tag}`, text: "×", onclick: () => removeTag(tag) }),
          ),
        );
      }
    }

    function restart() {
      clear(list);
      state.pending = [];
      batch = [];
      renderChips();
      updateShown();
      connect();
    }

    function addTag(tag) {
      if (!tag || state.tags.includes(tag)) return;
      state.tags.push(tag);
      restart();
    }

    function removeTag(tag) {
      state.tags = state.tags.filter((t) => t !== tag);
      restart();
    }

    filterInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        addTag(filterInput.value.trim());
        filterInput.value = "";
      } else if (e.key === "Backspace" && filterInput.value === "" && state.tags.length > 0) {
        removeTag(state.tags[state.tags.length - 1]);
      }
    });
    pauseButton.addEventListener("click", () => {
      state.paused = !state.paused;
      if (!state.paused && state.pending.length > 0) {
        const pending = state.pending;
        state.pending = [];
        render(pending);
      }
      updateShown();
    });
    clearButton.addEventListener("click", () => {
      clear(list);
      updateShown();
    });
    historySelect.addEventListener("change", () => {
      state.historyMax = Number(historySelect.value);
      while (list.childElementCount > state.historyMax) list.lastElementChild.remove();
      updateShown();
    });

    const ticker = setInterval(() => {
      for (const t of list.querySelectorAll("time.rel")) t.textContent = relativeTime(t.getAttribute("datetime"));
    }, 5000);

    updateShown();
    connect();
    return () => {
      clearInterval(ticker);
      if (stop) stop();
    };
  },
};
