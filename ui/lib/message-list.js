// The pool page's list: a window of at most `windowMax` messages (ascending by seq in
// memory) rendered as cards, newest-first or oldest-first, normal or dense (one line per
// message). Pages are added at either end and the far end is trimmed, so however far back
// a user scrolls the DOM holds at most windowMax rows. Sentinels at both ends tell the page
// when the user nears an end, so it can fetch the next page.
import { clear, h } from "./dom.js";
import { formatCount, relativeTime } from "./format.js";
import { jsonTree } from "./json-view.js";
import { smartPreview } from "./preview.js";
import { keepPlace } from "./scroll-anchor.js";

/** Loads start when an end is this close to the viewport, so the next page is there in time. */
const NEAR_PX = 900;

function clockTime(iso) {
  const d = new Date(iso);
  const pad = (n, w = 2) => String(n).padStart(w, "0");
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export class MessageList {
  constructor({ windowMax, order, dense, onTag, onNearOlder, onNearNewer }) {
    this.items = [];
    this.rows = new Map();
    this.windowMax = windowMax;
    this.order = order;
    this.onTag = onTag;
    this.onNearOlder = onNearOlder;
    this.onNearNewer = onNearNewer;
    this.list = h("ol.messages", { "data-testid": "messages", "aria-live": "polite" });
    this.newerEdge = h("div.list-edge", { "data-testid": "newer-edge" });
    this.olderEdge = h("div.list-edge", { "data-testid": "older-edge" });
    this.el = h("div.message-list");
    this.setDense(dense);
    this.layout();
    let scheduled = false;
    this.onScroll = () => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        this.checkEdges();
      });
    };
    window.addEventListener("scroll", this.onScroll, { passive: true });
  }

  destroy() {
    window.removeEventListener("scroll", this.onScroll);
  }

  get newestSeq() {
    return this.items.length ? this.items[this.items.length - 1].seq : null;
  }
  get oldestSeq() {
    return this.items.length ? this.items[0].seq : null;
  }

  /** Puts the edges where newer and older messages go for the current order. */
  layout() {
    clear(this.el);
    if (this.order === "desc") this.el.append(this.newerEdge, this.list, this.olderEdge);
    else this.el.append(this.olderEdge, this.list, this.newerEdge);
  }

  setOrder(order) {
    this.order = order;
    this.layout();
    this.rerender();
  }

  setDense(dense) {
    this.dense = dense;
    this.list.classList.toggle("dense", dense);
    this.rerender();
  }

  setWindowMax(max) {
    this.windowMax = max;
    this.trim("older");
  }

  replace(messages) {
    this.items = messages.slice(-this.windowMax);
    this.rerender();
  }

  clear() {
    this.replace([]);
  }

  rerender() {
    this.rows.clear();
    clear(this.list);
    const fragment = document.createDocumentFragment();
    const ordered = this.order === "desc" ? [...this.items].reverse() : this.items;
    for (const message of ordered) fragment.append(this.row(message));
    this.list.append(fragment);
  }

  /** Runs `change` keeping the reader's place (see scroll-anchor.js). */
  keepPosition(change) {
    return keepPlace(this.list, change);
  }

  /** Adds messages newer than every held one; trims the older end. */
  addNewer(messages, { fresh = false } = {}) {
    // Live cards at the top of a list whose head is in view stay in view: no anchoring.
    const live = fresh && this.order === "desc" && this.list.getBoundingClientRect().top >= 0;
    if (live) this.appendNewer(messages, fresh);
    else this.keepPosition(() => this.appendNewer(messages, fresh));
  }

  appendNewer(messages, fresh) {
    const newest = this.newestSeq ?? 0;
    const add = messages.filter((m) => m.seq > newest);
    if (add.length === 0) return;
    this.items.push(...add);
    const fragment = document.createDocumentFragment();
    const ordered = this.order === "desc" ? [...add].reverse() : add;
    for (const message of ordered) {
      const row = this.row(message);
      if (fresh) row.classList.add("fresh");
      fragment.append(row);
    }
    if (this.order === "desc") this.list.prepend(fragment);
    else this.list.append(fragment);
    this.trim("older");
  }

  /** Adds messages older than every held one; trims the newer end. Returns how many left. */
  addOlder(messages) {
    return this.keepPosition(() => this.appendOlder(messages));
  }

  appendOlder(messages) {
    const oldest = this.oldestSeq ?? Number.MAX_SAFE_INTEGER;
    const add = messages.filter((m) => m.seq < oldest);
    if (add.length === 0) return 0;
    this.items.unshift(...add);
    const fragment = document.createDocumentFragment();
    const ordered = this.order === "desc" ? [...add].reverse() : add;
    for (const message of ordered) fragment.append(this.row(message));
    if (this.order === "desc") this.list.append(fragment);
    else this.list.prepend(fragment);
    return this.trim("newer");
  }

  /** Drops rows from one end down to windowMax; returns how many were dropped. */
  trim(end) {
    let dropped = 0;
    while (this.items.length > this.windowMax) {
      const message = end === "older" ? this.items.shift() : this.items.pop();
      this.rows.get(message.seq)?.remove();
      this.rows.delete(message.seq);
      dropped += 1;
    }
    return dropped;
  }

  /** Scrolls the row of `seq` (or the nearest newer one held) into view and marks it. */
  reveal(seq) {
    const target = this.items.find((m) => m.seq >= seq) ?? this.items[this.items.length - 1];
    if (!target) return;
    const row = this.rows.get(target.seq);
    for (const old of this.list.querySelectorAll(".card.target")) old.classList.remove("target");
    row.classList.add("target");
    row.scrollIntoView({ block: "center" });
    row.focus({ preventScroll: true });
  }

  /** The seq of the first row visible at the top of the viewport. */
  topVisibleSeq() {
    for (const row of this.list.children) {
      const rect = row.getBoundingClientRect();
      if (rect.bottom > 60) return Number(row.dataset.seq);
    }
    return null;
  }

  checkEdges() {
    const near = (el) => {
      const rect = el.getBoundingClientRect();
      return rect.top < window.innerHeight + NEAR_PX && rect.bottom > -NEAR_PX;
    };
    if (near(this.olderEdge)) this.onNearOlder();
    if (near(this.newerEdge)) this.onNearNewer();
  }

  refreshTimes() {
    if (this.dense) return;
    for (const t of this.list.querySelectorAll("time.rel")) t.textContent = relativeTime(t.getAttribute("datetime"));
  }

  tagPill(tag) {
    return h("button.tag", {
      type: "button",
      title: `filter by ${tag}`,
      onclick: (e) => {
        e.stopPropagation();
        this.onTag(tag);
      },
      text: tag,
    });
  }

  preview(message) {
    const { kind, level, parts } = smartPreview(message.data);
    const el = h("span.preview", { "data-kind": kind });
    if (kind === "json") {
      el.textContent = parts[0];
      return el;
    }
    const [head, ...rest] = parts;
    el.append(h(`span.pv-head${level ? `.lv-${level}` : ""}`, { text: head }));
    if (rest.length > 0) el.append(" ", h("span.pv-rest", { text: rest.join("  ") }));
    return el;
  }

  row(message) {
    const body = h("div.card-body");
    const time = this.dense
      ? h("time.clock", { datetime: message.time, title: message.time, text: clockTime(message.time) })
      : h("time.rel", { datetime: message.time, title: message.time, text: relativeTime(message.time) });
    const el = h(
      "li.card",
      { "data-testid": "message-card", "data-seq": message.seq, tabindex: "0" },
      h(
        "div.card-head",
        {},
        h("span.seq", { text: `#${formatCount(message.seq)}` }),
        time,
        h(
          "span.tags",
          {},
          (message.meta?.tags ?? []).map((t) => this.tagPill(t)),
        ),
        this.preview(message),
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
      if (e.target !== el) return;
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        toggle();
      }
    });
    this.rows.set(message.seq, el);
    return el;
  }
}
