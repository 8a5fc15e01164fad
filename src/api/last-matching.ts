/**
 * Where a reader starts for "the last N messages that match": `from: {last: N}` with a
 * filter (tags, a --where evaluator) means the newest N *matching* retained messages, not
 * the newest N messages filtered afterwards. Exports `lastMatchingStartSeq` (synchronous,
 * over the core engine, for tag filters) and `lastMatchingStartOf` (async, over any
 * Pool and any batch predicate, for --where).
 *
 * Both walk backwards in windows that double in size (read forward inside each window), and
 * stop as soon as N matches are found: the work is bounded by the retained messages, each
 * read at most once, and by far less when matches are recent. The start seq they return is
 * the seq of the Nth newest match (or the oldest retained seq when fewer match), so the
 * reader's own filter then yields exactly those matches and goes on from there.
 */
import type { Message } from "../core/message.js";
import type { PoolHandle } from "../core/pool.js";
import type { Pool, StartAt } from "./types.js";

/** The first window's size; windows double up to WINDOW_MAX messages. */
const WINDOW_MIN = 256;
const WINDOW_MAX = 65_536;

interface Bounds {
  oldestSeq: number;
  nextSeq: number;
}

/** Newest-first windows [fromSeq, toSeq) that cover the retained seqs once. */
function* windowsBackwards(bounds: Bounds, last: number): Generator<{ fromSeq: number; toSeq: number }> {
  let toSeq = bounds.nextSeq;
  let size = Math.min(WINDOW_MAX, Math.max(WINDOW_MIN, last * 2));
  while (toSeq > bounds.oldestSeq) {
    const fromSeq = Math.max(bounds.oldestSeq, toSeq - size);
    yield { fromSeq, toSeq };
    toSeq = fromSeq;
    size = Math.min(WINDOW_MAX, size * 2);
  }
}

/** Tracks matches newest-first across windows; `startSeq` once N are found. */
class MatchCounter {
  private found = 0;
  startSeq: number | null = null;

  constructor(private readonly last: number) {}

  /** Takes one window's matching seqs (ascending); true once the Nth newest match is known. */
  take(matchingSeqs: readonly number[]): boolean {
    const needed = this.last - this.found;
    if (matchingSeqs.length >= needed) {
      this.startSeq = matchingSeqs[matchingSeqs.length - needed] as number;
      return true;
    }
    this.found += matchingSeqs.length;
    return false;
  }
}

/** Start seq for the newest `last` messages carrying every tag, read through the engine. */
export function lastMatchingStartSeq(handle: PoolHandle, last: number, tags: readonly string[]): number {
  const state = handle.bounds();
  const bounds = { oldestSeq: state.oldestSeq ?? state.nextSeq, nextSeq: state.nextSeq };
  if (last === 0) return bounds.nextSeq;
  const counter = new MatchCounter(last);
  for (const window of windowsBackwards(bounds, last)) {
    const cursor = handle.cursor(window.fromSeq, "continue");
    const matching: number[] = [];
    for (;;) {
      const step = cursor.next();
      if (step.kind === "none") break;
      if (step.kind === "gap") continue; // left the ring meanwhile: nothing to match there
      if (step.message.seq >= window.toSeq) break;
      if (tags.every((t) => step.message.tags.includes(t))) matching.push(step.message.seq);
    }
    if (counter.take(matching)) return counter.startSeq as number;
  }
  return bounds.oldestSeq;
}

/** Decides, for a batch of messages, which match (a --where evaluator, say). */
export type BatchPredicate = (messages: readonly Message[]) => Promise<readonly boolean[]>;

/**
 * Where to start for the newest `last` messages that carry every tag and pass `matches`,
 * read through the Pool interface (so a served pool works too); the pool's info gives the
 * bounds. "live" for none, "oldest" when the pool holds fewer matches (or none at all).
 */
export async function lastMatchingStartOf(
  pool: Pool,
  options: { last: number; tags?: readonly string[]; matches: BatchPredicate },
): Promise<StartAt> {
  if (options.last === 0) return "live";
  const { oldest, newest } = (await pool.info()).bounds;
  if (oldest === null || newest === null) return "oldest";
  const counter = new MatchCounter(options.last);
  for (const window of windowsBackwards({ oldestSeq: oldest, nextSeq: newest + 1 }, options.last)) {
    const batch: Message[] = [];
    const read = pool.read({
      from: { seq: window.fromSeq },
      limit: window.toSeq - window.fromSeq, // an upper bound: a served pool then ends its stream there
      ...(options.tags && options.tags.length > 0 ? { tags: options.tags } : {}),
    });
    for await (const message of read) {
      if (message.seq >= window.toSeq) break;
      batch.push(message);
    }
    const keep = batch.length === 0 ? [] : await options.matches(batch);
    if (counter.take(batch.filter((_, i) => keep[i]).map((m) => m.seq))) return { seq: counter.startSeq as number };
  }
  return "oldest";
}
