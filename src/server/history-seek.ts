/**
 * Seqs from times, through the api: the first retained seq at or after a time is a read
 * from `{timeNs}` with limit 1, which the engine answers by binary search over seqs (a
 * pool's times never decrease), so one lookup costs O(log n) reads whatever the pool size.
 */
import type { Pool } from "../api/types.js";

/** The first retained seq at or after `timeNs`, or `endSeq` (newest + 1) when none is. */
export async function seqAtOrAfter(pool: Pool, timeNs: bigint, endSeq: number): Promise<number> {
  for await (const message of pool.read({ from: { timeNs }, limit: 1 })) return message.seq;
  return endSeq;
}

export interface SeqBounds {
  /** Oldest retained seq (endSeq when the pool is empty). */
  oldestSeq: number;
  /** Newest retained seq + 1. */
  endSeq: number;
}

export async function seqBounds(pool: Pool): Promise<SeqBounds> {
  const info = await pool.info();
  const endSeq = (info.bounds.newest ?? 0) + 1;
  return { oldestSeq: info.bounds.oldest ?? endSeq, endSeq };
}

/** The half-open seq range [lo, hi) of a time range, clamped to what the pool retains. */
export async function seqRange(
  pool: Pool,
  bounds: SeqBounds,
  range: { sinceNs: bigint | null; untilNs: bigint | null },
): Promise<{ lo: number; hi: number }> {
  const lo = range.sinceNs === null ? bounds.oldestSeq : await seqAtOrAfter(pool, range.sinceNs, bounds.endSeq);
  const hi = range.untilNs === null ? bounds.endSeq : await seqAtOrAfter(pool, range.untilNs, bounds.endSeq);
  return { lo: Math.max(lo, bounds.oldestSeq), hi: Math.max(Math.min(hi, bounds.endSeq), bounds.oldestSeq) };
}
