// One pool: storage and seq stats, a volume histogram, and the message list — the newest
// page from /history, then live over SSE; scroll back through the whole retained pool a
// page at a time (the list keeps a bounded window), jump to a seq or a time, a time range,
// tag filters and a jq search evaluated by the server. Filters, search, range, position,
// density and order live in the address. Keys: / search, g jump, j/k next/previous,
// d dense, o order.
import { api, streamEvents } from "../lib/api.js";
import { clear, h } from "../lib/dom.js";
import { formatBytes, formatCount, formatRate, RateMeter, relativeTime } from "../lib/format.js";
import { histogramBars } from "../lib/histogram.js";
import { MessageList } from "../lib/message-list.js";
import { RateSeries, sparkline } from "../lib/sparkline.js";
import { readViewState, writeViewState } from "../lib/view-state.js";

const PAGE = 100;
const HISTORY_CHOICES = [100, 500, 2000];
const HISTOGRAM_REFRESH_MS = 10_000;
const NAVIGATE = { navigate: true };

function statBlock(label, testid) {
  const value = h("div.stat-value", { "data-testid": testid, text: "–" });
  return { el: h("div.stat", {}, value, h("div.stat-label", { text: label })), value };
}

/** A jump target typed by the user: a seq, or any time the browser can parse. */
function parseJump(text) {
  const t = text.trim().replace(/^#/, "").replaceAll(",", "");
  if (/^\d+$/.test(t)) return { seq: Number(t) };
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? null : { time: new Date(ms).toISOString() };
}

function isoOrEmpty(text) {
  if (!text.trim()) return "";
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export const poolView = {
  title: ([name]) => name,
  mount(container, [name], app) {
    const path = `/pools/${encodeURIComponent(name)}`;
    const state = { ...readViewState(app.query ?? ""), paused: false, pending: [], historyMax: 500 };
    const base = `/v0/pools/${encodeURIComponent(name)}`;
    const rate = new RateMeter();
    const series = new RateSeries();
    const sparkSlot = h("div.spark-slot", { title: "messages per second, last two minutes" });
    /** Cursors of the window's two ends: null means that end is reached (newer: the live edge). */
    let olderCursor = null;
    let newerCursor = null;
    let following = false;
    let newerWaiting = 0;
    let inflight = 0;
    let inflightMax = 0;
    let generation = 0;
    let stop = null;
    let liveFrom = 1; // with a where filter: the first seq the live poll has not looked at

    // ---- header and stats
    const liveBadge = h("span.badge.live-badge", { "data-testid": "stream-state", text: "connecting" });
    const meterFill = h("div.meter-fill");
    const storageText = h("span.small.muted", { "data-testid": "storage" });
    const messages = statBlock("messages", "pool-messages");
    const range = statBlock("seq range", "pool-range");
    const rateStat = statBlock("rate", "pool-rate");
    const watchers = statBlock("watching", "pool-watchers");
    const oldest = statBlock("oldest", "pool-oldest");
    const histogramSlot = h("div.histogram-slot", { "data-testid": "histogram" });
    const histogramCaption = h("div.small.muted.histogram-caption");

    // ---- toolbar
    const chips = h("div.chips", { "data-testid": "filter-chips" });
    const filterInput = h("input.filter-input", {
      type: "text",
      placeholder: "tag, then Enter",
      "data-testid": "tag-filter",
      "aria-label": "filter by tag",
      spellcheck: "false",
    });
    const whereInput = h("input.filter-input.mono", {
      type: "search",
      placeholder: 'jq search, e.g. .data.level == "error"',
      "data-testid": "where",
      "aria-label": "search with a jq expression",
      spellcheck: "false",
      value: state.where,
    });
    const jumpInput = h("input.jump-input.mono", {
      type: "text",
      placeholder: "jump: seq or time",
      "data-testid": "jump",
      "aria-label": "jump to a seq or a time",
      spellcheck: "false",
    });
    const sinceInput = h("input.range-input.mono", {
      type: "text",
      placeholder: "from (time)",
      "data-testid": "range-since",
      "aria-label": "range start",
      value: state.since,
    });
    const untilInput = h("input.range-input.mono", {
      type: "text",
      placeholder: "to (time)",
      "data-testid": "range-until",
      "aria-label": "range end",
      value: state.until,
    });
    const oldestButton = h("button.ghost", { type: "button", "data-testid": "go-oldest", text: "Oldest" });
    const latestButton = h("button.ghost", { type: "button", "data-testid": "go-latest", text: "Latest" });
    const denseButton = h("button.ghost", {
      type: "button",
      "data-testid": "dense",
      "aria-pressed": String(state.dense),
    });
    const orderButton = h("button.ghost", { type: "button", "data-testid": "order" });
    const pauseButton = h("button.ghost", { type: "button", "data-testid": "pause", text: "Pause" });
    const clearButton = h("button.ghost", { type: "button", "data-testid": "clear", text: "Clear" });
    const historySelect = h(
      "select",
      { "aria-label": "messages kept on the page", "data-testid": "history" },
      HISTORY_CHOICES.map((n) => h("option", { value: n, selected: n === state.historyMax }, `keep ${n}`)),
    );
    const shownText = h("span.small.muted", { "data-testid": "shown" });
    const newerButton = h("button.newer-banner", { type: "button", hidden: true, "data-testid": "newer" });
    const olderStatus = h("div.small.muted.edge-status", { "data-testid": "older-status" });
    const emptyHint = h(
      "div.empty.small",
      { "data-testid": "messages-empty" },
      h("p.muted", { text: "Waiting for messages…" }),
      h("pre.command", { text: `cairn feed ${name} '{"hello":"world"}'` }),
    );
    const errorBox = h("div.banner.error", { hidden: true, "data-testid": "pool-error" });

    const list = new MessageList({
      windowMax: state.historyMax,
      order: state.order,
      dense: state.dense,
      onTag: (tag) => addTag(tag),
      onNearOlder: () => void loadOlder(),
      onNearNewer: () => void loadNewer(),
    });
    list.olderEdge.append(olderStatus);
    list.newerEdge.append(newerButton);

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
        h("div.histogram-row", {}, histogramSlot, histogramCaption),
      ),
      h(
        "div.toolbar",
        {},
        h("div.filter", {}, chips, filterInput),
        h("div.filter.where", {}, whereInput),
        h("div.toolbar-right", {}, shownText, historySelect, pauseButton, clearButton),
      ),
      h(
        "div.toolbar.secondary",
        {},
        jumpInput,
        oldestButton,
        latestButton,
        h("span.range", {}, sinceInput, h("span.muted", { text: "–" }), untilInput),
        h("div.toolbar-right", {}, denseButton, orderButton),
      ),
      emptyHint,
      list.el,
    );

    // ---- small views of the state
    function saveState() {
      writeViewState(path, state);
    }

    function updateShown() {
      const n = list.items.length;
      shownText.textContent = `${formatCount(n)} shown`;
      emptyHint.hidden = n > 0 || olderCursor !== null || !following;
      pauseButton.textContent = state.paused
        ? `Resume${state.pending.length ? ` · ${formatCount(state.pending.length)} new` : ""}`
        : "Pause";
      denseButton.textContent = state.dense ? "Cards" : "Dense";
      denseButton.setAttribute("aria-pressed", String(state.dense));
      orderButton.textContent = state.order === "desc" ? "Newest first" : "Oldest first";
      newerButton.hidden = following;
      newerButton.textContent = newerWaiting > 0 ? `${formatCount(newerWaiting)} newer · back to live` : "back to live";
      olderStatus.textContent =
        olderCursor === null
          ? list.items.length > 0
            ? `start of ${state.since ? "range" : "pool"}`
            : ""
          : inflight > 0
            ? "loading older…"
            : `older messages before #${formatCount(olderCursor)}`;
      list.list.dataset.inflight = String(inflight);
      list.list.dataset.inflightMax = String(inflightMax);
      list.list.dataset.window = String(list.items.length);
    }

    function showError(err) {
      errorBox.hidden = false;
      errorBox.textContent = `${err.kind}: ${err.message}${err.hint ? ` — ${err.hint}` : ""}`;
    }

    // ---- pages from the server
    async function fetchPage(cursor, { limit = PAGE, since = state.since } = {}) {
      const q = new URLSearchParams({ limit: String(limit) });
      if ("before" in cursor) q.set("before_seq", String(cursor.before));
      if ("after" in cursor) q.set("after_seq", String(cursor.after));
      for (const tag of state.tags) q.append("tag", tag);
      if (state.where) q.append("where", state.where);
      if (since) q.set("since_time", since);
      if (state.until) q.set("until_time", state.until);
      inflight += 1;
      inflightMax = Math.max(inflightMax, inflight);
      updateShown();
      try {
        return await api(`${base}/history?${q}`);
      } finally {
        inflight -= 1;
        updateShown();
      }
    }

    /**
     * Runs one load at a time; errors go to the banner. A page load near an edge is skipped
     * while another runs, but a navigation (latest, oldest, a jump) waits for the running
     * load to end (its result is dropped: the generation moved on) and then runs, unless a
     * later navigation came in meanwhile. So a click is never lost, and requests stay one
     * at a time.
     */
    let running = null;
    async function guarded(load, { navigate = false } = {}) {
      const mine = generation;
      while (running) {
        if (!navigate) return;
        await running;
        if (mine !== generation) return;
      }
      const run = (async () => {
        try {
          await load(() => mine === generation);
          if (mine === generation) errorBox.hidden = true;
        } catch (err) {
          if (mine === generation) showError(err);
        }
      })();
      running = run;
      try {
        await run;
      } finally {
        running = null;
      }
      updateShown();
      if (mine === generation) requestAnimationFrame(() => list.checkEdges());
    }

    function loadOlder() {
      if (olderCursor === null) return;
      return guarded(async (current) => {
        const page = await fetchPage({ before: olderCursor });
        if (!current()) return;
        olderCursor = page.next;
        if (list.addOlder(page.messages) === 0) return;
        // The newer end was trimmed: continue there from the newest row held.
        if (following) leaveLive();
        else newerCursor = list.newestSeq ?? 0;
      });
    }

    function loadNewer() {
      if (following || newerCursor === null) return;
      return guarded(async (current) => {
        const page = await fetchPage({ after: newerCursor });
        if (!current()) return;
        list.addNewer(page.messages);
        if (list.items.length >= list.windowMax && page.messages.length > 0) olderCursor = list.oldestSeq;
        newerCursor = page.next;
        if (page.next === null) goLive(page.range.hi);
      });
    }

    function leaveLive() {
      following = false;
      newerCursor = list.newestSeq ?? 0;
      newerWaiting = 0;
      if (stop) stop();
      stop = null;
      liveBadge.textContent = "history";
      liveBadge.dataset.state = "history";
      // Keep a live count of what is waiting, without holding the messages.
      connect(newerCursor + 1, () => {
        newerWaiting += 1;
        updateShown();
      });
    }

    function goLive(sinceSeq) {
      following = true;
      newerCursor = null;
      newerWaiting = 0;
      liveFrom = sinceSeq;
      if (state.until) {
        if (stop) stop();
        stop = null;
        liveBadge.textContent = "range";
        liveBadge.dataset.state = "history";
        return;
      }
      connect(sinceSeq, onLiveMessage);
    }

    async function start() {
      generation += 1;
      if (stop) stop();
      stop = null;
      list.clear();
      state.pending = [];
      following = false;
      olderCursor = null;
      newerCursor = null;
      renderChips();
      updateShown();
      saveState();
      // The page of messages first, the histogram after it: both are one request each, and
      // the list is what the user came for (the histogram is a guide).
      if (state.seq !== null) await jumpToSeq(state.seq);
      else if (state.time) await jumpToTime(state.time);
      else await showLatest();
      refreshHistogram();
    }

    function showLatest() {
      return guarded(async (current) => {
        const page = await fetchPage({ before: Number.MAX_SAFE_INTEGER });
        if (!current()) return;
        list.replace(page.messages);
        olderCursor = page.next;
        window.scrollTo({ top: 0 });
        goLive(page.range.hi);
      }, NAVIGATE);
    }

    function showOldest() {
      return guarded(async (current) => {
        const page = await fetchPage({ after: 0 });
        if (!current()) return;
        list.replace(page.messages);
        olderCursor = null;
        if (page.next === null) goLive(page.range.hi);
        else leaveLive();
        newerCursor = page.next;
        if (list.oldestSeq !== null) list.reveal(list.oldestSeq);
      }, NAVIGATE);
    }

    function jumpToSeq(seq) {
      return guarded(async (current) => {
        const older = await fetchPage({ before: seq }, { limit: PAGE / 2 });
        const newer = await fetchPage({ after: seq - 1 }, { limit: PAGE / 2 });
        if (!current()) return;
        list.replace([...older.messages, ...newer.messages]);
        olderCursor = older.next;
        if (newer.next === null) goLive(newer.range.hi);
        else {
          leaveLive();
          newerCursor = newer.next;
        }
        list.reveal(seq);
      }, NAVIGATE);
    }

    async function jumpToTime(time) {
      const mine = generation;
      let first = null;
      await guarded(async (current) => {
        const page = await fetchPage({ after: 0 }, { limit: 1, since: time });
        if (current()) first = page.messages[0]?.seq ?? null;
      }, NAVIGATE);
      if (mine !== generation) return;
      if (first !== null) await jumpToSeq(first);
      else await showLatest();
    }

    // ---- live
    let liveBatch = [];
    let liveScheduled = false;
    function onLiveMessage(message) {
      if (state.where) return void pollWhere();
      if (state.paused) {
        state.pending.push(message);
        if (state.pending.length > state.historyMax) state.pending.shift();
        updateShown();
        return;
      }
      liveBatch.push(message);
      if (liveScheduled) return;
      liveScheduled = true;
      requestAnimationFrame(() => {
        liveScheduled = false;
        const items = liveBatch;
        liveBatch = [];
        if (following) list.addNewer(items, { fresh: true });
        updateShown();
      });
    }

    /** With a jq search, live messages are matched by the server: one bounded page at a time. */
    let whereAgain = false;
    let whereRunning = false;
    async function pollWhere() {
      if (whereRunning) {
        whereAgain = true;
        return;
      }
      whereRunning = true;
      const mine = generation;
      try {
        do {
          whereAgain = false;
          const page = await fetchPage({ after: liveFrom - 1 }, { limit: 500 });
          if (mine !== generation || !following) return;
          if (state.paused) state.pending.push(...page.messages);
          else list.addNewer(page.messages, { fresh: true });
          liveFrom = page.next === null ? page.range.hi : page.next + 1;
          if (page.next !== null) whereAgain = true;
        } while (whereAgain);
      } catch (err) {
        if (mine === generation) showError(err);
      } finally {
        whereRunning = false;
        updateShown();
      }
    }

    function onInfo({ pool, streams }) {
      const u = pool.metrics.utilization;
      meterFill.style.width = `${u.used_percent}%`;
      meterFill.classList.toggle("hot", u.used_percent > 90);
      storageText.textContent = `${formatBytes(u.used_bytes)} used · ${formatBytes(u.free_bytes)} free · ${u.used_percent.toFixed(1)}%`;
      messages.value.textContent = formatCount(pool.metrics.message_count);
      range.value.textContent =
        pool.bounds.oldest == null
          ? "empty"
          : `${formatCount(pool.bounds.oldest)} – ${formatCount(pool.bounds.newest)}`;
      rate.add(pool.bounds.newest ?? 0);
      series.add(pool.bounds.newest ?? 0);
      clear(sparkSlot);
      sparkSlot.append(sparkline(series.rates, { width: 320, height: 30 }));
      rateStat.value.textContent = formatRate(rate.rate());
      watchers.value.textContent = formatCount(streams);
      oldest.value.textContent = relativeTime(pool.metrics.age.oldest_time);
    }

    function connect(sinceSeq, onMessage) {
      if (stop) stop();
      const q = new URLSearchParams({ since_seq: String(Math.max(1, sinceSeq)) });
      for (const tag of state.tags) q.append("tag", tag);
      stop = streamEvents(`/v0/ui/pools/${encodeURIComponent(name)}/events?${q}`, {
        onEvent(event, data) {
          if (event === "message") onMessage(data);
          else if (event === "info") onInfo(data);
          else if (event === "gap") liveBadge.title = `${data.count} messages left the pool before they were shown`;
          else if (event === "error") showError(data.error);
        },
        onState(s) {
          if (s === "idle") return;
          liveBadge.textContent = following ? s : s === "live" ? "history" : s;
          liveBadge.dataset.state = following ? s : "history";
          if (s === "live" && following) errorBox.hidden = true;
          app.setConnection(s === "live" ? "live" : s === "error" ? "error" : "connecting", s === "live" ? "live" : s);
        },
      });
    }

    // ---- histogram
    async function refreshHistogram() {
      const mine = generation;
      const q = new URLSearchParams({ buckets: "60" });
      if (state.since) q.set("since_time", state.since);
      if (state.until) q.set("until_time", state.until);
      try {
        const { histogram } = await api(`${base}/histogram?${q}`);
        if (mine !== generation) return;
        clear(histogramSlot);
        if (histogram.buckets.length === 0) return;
        histogramSlot.append(histogramBars(histogram.buckets, { onPick: (bucket) => jump({ seq: bucket.seq }) }));
        const from = new Date(histogram.since_time).toLocaleString();
        const to = new Date(histogram.until_time).toLocaleString();
        histogramCaption.textContent = `${from} – ${to} · ${formatCount(histogram.buckets.reduce((n, b) => n + b.count, 0))} messages · click a bar to jump`;
      } catch {
        // The histogram is a guide; the list shows any error that matters.
      }
    }
    const histogramTimer = setInterval(() => following && refreshHistogram(), HISTOGRAM_REFRESH_MS);

    // ---- filters and navigation
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

    function addTag(tag) {
      if (!tag || state.tags.includes(tag)) return;
      state.tags.push(tag);
      state.seq = null;
      start();
    }

    function removeTag(tag) {
      state.tags = state.tags.filter((t) => t !== tag);
      start();
    }

    function jump(target) {
      state.seq = target.seq ?? null;
      state.time = target.time ?? "";
      start();
    }

    filterInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        addTag(filterInput.value.trim());
        filterInput.value = "";
      } else if (e.key === "Backspace" && filterInput.value === "" && state.tags.length > 0) {
        removeTag(state.tags[state.tags.length - 1]);
      }
    });
    whereInput.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      state.where = whereInput.value.trim();
      state.seq = null;
      start();
    });
    whereInput.addEventListener("search", () => {
      if (whereInput.value === "" && state.where) {
        state.where = "";
        start();
      }
    });
    jumpInput.addEventListener("keydown", (e) => {
      if (e.key !== "Enter") return;
      const target = parseJump(jumpInput.value);
      if (!target) return showError({ kind: "Usage", message: `"${jumpInput.value}" is neither a seq nor a time` });
      jumpInput.value = "";
      jump(target);
    });
    for (const input of [sinceInput, untilInput]) {
      input.addEventListener("keydown", (e) => {
        if (e.key !== "Enter") return;
        const since = isoOrEmpty(sinceInput.value);
        const until = isoOrEmpty(untilInput.value);
        if (since === null || until === null) return showError({ kind: "Usage", message: "the range takes times" });
        state.since = since;
        state.until = until;
        state.seq = null;
        state.time = "";
        start();
      });
    }
    oldestButton.addEventListener("click", () => {
      state.seq = null;
      state.time = "";
      generation += 1;
      showOldest();
    });
    latestButton.addEventListener("click", () => jump({}));
    newerButton.addEventListener("click", () => jump({}));
    denseButton.addEventListener("click", () => toggleDense());
    orderButton.addEventListener("click", () => toggleOrder());
    pauseButton.addEventListener("click", () => {
      state.paused = !state.paused;
      if (!state.paused && state.pending.length > 0) {
        const pending = state.pending;
        state.pending = [];
        list.addNewer(pending, { fresh: true });
      }
      updateShown();
    });
    clearButton.addEventListener("click", () => {
      list.clear();
      olderCursor = null;
      updateShown();
    });
    historySelect.addEventListener("change", () => {
      state.historyMax = Number(historySelect.value);
      list.setWindowMax(state.historyMax);
      updateShown();
    });

    function toggleDense() {
      state.dense = !state.dense;
      list.setDense(state.dense);
      saveState();
      updateShown();
    }

    function toggleOrder() {
      const seq = list.topVisibleSeq();
      state.order = state.order === "desc" ? "asc" : "desc";
      list.setOrder(state.order);
      saveState();
      updateShown();
      if (!following && seq !== null) list.reveal(seq);
    }

    // Position in the address while reading history; none while following the live edge.
    let positionTimer = null;
    const onScroll = () => {
      clearTimeout(positionTimer);
      positionTimer = setTimeout(() => {
        const seq = following ? null : list.topVisibleSeq();
        if (seq === state.seq) return;
        state.seq = seq;
        state.time = "";
        saveState();
      }, 250);
    };
    window.addEventListener("scroll", onScroll, { passive: true });

    const onKey = (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const typing = e.target.closest?.("input, select, textarea");
      if (typing) {
        if (e.key === "Escape") e.target.blur();
        return;
      }
      const move = (delta) => {
        const rows = [...list.list.children];
        const at = rows.indexOf(document.activeElement);
        const next = rows[Math.max(0, Math.min(rows.length - 1, at < 0 ? 0 : at + delta))];
        next?.focus();
        next?.scrollIntoView({ block: "nearest" });
      };
      const keys = {
        "/": () => whereInput.focus(),
        g: () => jumpInput.focus(),
        j: () => move(1),
        k: () => move(-1),
        d: toggleDense,
        o: toggleOrder,
      };
      if (!keys[e.key]) return;
      e.preventDefault();
      keys[e.key]();
    };
    document.addEventListener("keydown", onKey);

    const ticker = setInterval(() => list.refreshTimes(), 5000);

    updateShown();
    start();
    return () => {
      generation += 1;
      clearInterval(ticker);
      clearInterval(histogramTimer);
      clearTimeout(positionTimer);
      window.removeEventListener("scroll", onScroll);
      document.removeEventListener("keydown", onKey);
      list.destroy();
      if (stop) stop();
    };
  },
};
