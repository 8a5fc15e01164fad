/**
 * Message counts per time bucket, for the UI's volume histogram: bucket edges are turned
 * into seqs by binary search (history-seek.ts), and a bucket's count is the difference of
 * its edges' seqs, since retained seqs are consecutive. The work is buckets + 1 lookups of
 * O(log n) reads each, whatever the pool's size or the range's length.
 */
import type { Pool } from "../api/types.js";
import { formatTimeNs, parseTimeNs } from "../core/time.js";
import { seqAtOrAfter, seqBounds } from "./history-seek.js";

export interface Histogram {
  since_time: string | null;
  until_time: string | null;
  bucket_ms: number;
  /** One per bucket: its start, its message count and the first seq at or after its start. */
  buckets: Array<{ time: string; count: number; seq: number }>;
}

export async function histogram(
  pool: Pool,
  range: { sinceNs: bigint | null; untilNs: bigint | null },
  bucketCount: number,
): Promise<Histogram> {
  const info = await pool.info();
  const bounds = await seqBounds(pool);
  const oldestTime = info.metrics.age.oldest_time;
  const newestTime = info.metrics.age.newest_time;
  if (oldestTime === null || newestTime === null || oldestTime === undefined || newestTime === undefined) {
    return { since_time: null, until_time: null, bucket_ms: 0, buckets: [] };
  }
  const sinceNs = range.sinceNs ?? parseTimeNs(oldestTime);
  // The newest message belongs in the last bucket, so the default end lies just after it.
  const untilNs = range.untilNs ?? parseTimeNs(newestTime) + 1n;
  const spanNs = untilNs > sinceNs ? untilNs - sinceNs : 1n;
  // Whole milliseconds, at least one, so bucket starts print cleanly.
  const bucketNs = ((spanNs + BigInt(bucketCount) - 1n) / BigInt(bucketCount) / 1_000_000n + 1n) * 1_000_000n;
  // Edges never decrease, so each search starts at the previous edge's seq.
  const edges: number[] = [];
  let floorSeq = bounds.oldestSeq;
  for (let i = 0; i <= bucketCount; i++) {
    const edgeNs = sinceNs + bucketNs * BigInt(i);
    floorSeq = await seqAtOrAfter(pool, edgeNs >= untilNs ? untilNs : edgeNs, bounds.endSeq, floorSeq);
    edges.push(floorSeq);
  }
  const buckets = [];
  for (let i = 0; i < bucketCount; i++) {
    const from = edges[i] as number;
    buckets.push({
      time: formatTimeNs(sinceNs + bucketNs * BigInt(i)),
      count: (edges[i + 1] as number) - from,
      seq: from,
    });
  }
  return {
    since_time: formatTimeNs(sinceNs),
    until_time: formatTimeNs(untilNs),
    bucket_ms: Number(bucketNs / 1_000_000n),
    buckets,
  };
}
