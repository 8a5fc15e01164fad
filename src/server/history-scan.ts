/**
 * One page of history: the newest matching messages before a seq, or the oldest after
 * one, read through the api's Pool.read in windows and filtered by tags and jq. The work
 * of one request is bounded: at most SCAN_MESSAGES_MAX messages looked at and about
 * SCAN_TIME_MS spent; the event loop gets a turn between windows. A page that stopped on
 * a bound says where to continue (`next`), so a sparse filter walks the pool in steps the
 * client asks for, never in one unbounded request.
 */
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { WhereFilter } from "../api/filter/where-filter.js";
import type { Message, Pool } from "../api/types.js";

/** Messages one request looks at, at most (about 0.1–0.3 s of reading on this machine). */
export const SCAN_MESSAGES_MAX = 50_000;
/** Wall time after which a scan stops at the next window boundary. */
export const SCAN_TIME_MS = 1_500;
/** Messages read per window; jq sees a window at once. */
const WINDOW = 1_000;

export interface ScanRequest {
  pool: Pool;
  /** Half-open seq range the page may come from (time range and retention applied). */
  lo: number;
  hi: number;
  direction: { before: number } | { after: number };
  tags: readonly string[];
  where: WhereFilter | null;
  limit: number;
}

export interface Page {
  /** Matching messages, oldest first. */
  messages: Message[];
  /** Seq to pass as before_seq/after_seq (same direction) to continue; null at the range's end. */
  next: number | null;
  /** Messages looked at. */
  scanned: number;
}

async function readWindow(pool: Pool, from: number, to: number): Promise<Message[]> {
  const out: Message[] = [];
  if (to <= from) return out;
  for await (const message of pool.read({ from: { seq: from } })) {
    if (message.seq >= to) break;
    out.push(message);
  }
  return out;
}

async function keep(window: Message[], tags: readonly string[], where: WhereFilter | null): Promise<Message[]> {
  const tagged = tags.length === 0 ? window : window.filter((m) => tags.every((t) => m.tags.includes(t)));
  return where === null || tagged.length === 0 ? tagged : await where.select(tagged);
}

export async function scanPage(request: ScanRequest): Promise<Page> {
  const { pool, lo, hi, tags, where, limit } = request;
  const startedAt = performance.now();
  const overBudget = (scanned: number) => scanned >= SCAN_MESSAGES_MAX || performance.now() - startedAt >= SCAN_TIME_MS;
  let scanned = 0;
  if ("before" in request.direction) {
    // Windows walk down from the page's upper edge; matches of a window are older than the last one's.
    let top = Math.min(request.direction.before, hi);
    let found: Message[] = [];
    while (top > lo && found.length < limit) {
      const bottom = Math.max(lo, top - WINDOW);
      const window = await readWindow(pool, bottom, top);
      scanned += top - bottom;
      found = [...(await keep(window, tags, where)), ...found];
      top = bottom;
      if (overBudget(scanned)) break;
      await yieldToLoop();
    }
    if (found.length > limit) {
      const page = found.slice(found.length - limit);
      return { messages: page, next: (page[0] as Message).seq, scanned };
    }
    return { messages: found, next: top > lo ? top : null, scanned };
  }
  let bottom = Math.max(request.direction.after + 1, lo);
  const found: Message[] = [];
  while (bottom < hi && found.length < limit) {
    const top = Math.min(hi, bottom + WINDOW);
    const window = await readWindow(pool, bottom, top);
    scanned += top - bottom;
    found.push(...(await keep(window, tags, where)));
    bottom = top;
    if (overBudget(scanned)) break;
    await yieldToLoop();
  }
  if (found.length > limit) {
    const page = found.slice(0, limit);
    return { messages: page, next: (page[page.length - 1] as Message).seq, scanned };
  }
  return { messages: found, next: bottom < hi ? bottom - 1 : null, scanned };
}
