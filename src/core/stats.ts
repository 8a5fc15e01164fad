/**
 * Pool statistics in the PoolInfo shape of the reference (snake_case, as on the wire):
 * geometry, bounds, message count, ring utilisation and message ages.
 */
import * as nodePath from "node:path";
import { CairnError } from "./errors.js";
import { INDEX_OFFSET, INDEX_SLOT_BYTES } from "./layout.js";
import type { PoolFile } from "./pool-file.js";
import { getMessage } from "./read.js";
import { formatTimeNs, nowNs } from "./time.js";

export interface PoolStats {
  name: string;
  path: string;
  format_version: number;
  codec: string;
  file_size: number;
  index_offset: number;
  index_capacity: number;
  index_size_bytes: number;
  ring_offset: number;
  ring_size: number;
  bounds: { oldest: number | null; newest: number | null };
  metrics: {
    message_count: number;
    seq_span: number;
    utilization: { used_bytes: number; free_bytes: number; used_percent: number };
    age: {
      oldest_time: string | null;
      newest_time: string | null;
      oldest_age_ms: number | null;
      newest_age_ms: number | null;
    };
  };
}

export function poolNameFromPath(path: string): string {
  return nodePath.basename(path).replace(/\.(cairn|plasmite)$/, "");
}

function timeOf(pool: PoolFile, seq: number | null): bigint | null {
  if (seq === null) return null;
  try {
    return getMessage(pool, seq).timeNs;
  } catch (err) {
    if (err instanceof CairnError) return null; // dropped meanwhile, or unreadable: doctor reports it
    throw err;
  }
}

export function poolStats(pool: PoolFile): PoolStats {
  const g = pool.geometry;
  const s = pool.readState();
  const empty = s.oldestSeq === 0;
  const oldest = empty ? null : s.oldestSeq;
  const newest = empty ? null : s.newestSeq;
  let used = 0;
  if (!empty) used = s.headOff > s.tailOff ? s.headOff - s.tailOff : g.ringSize - s.tailOff + s.headOff;
  const count = empty ? 0 : s.newestSeq - s.oldestSeq + 1;
  const now = nowNs();
  const oldestNs = timeOf(pool, oldest);
  const newestNs = timeOf(pool, newest);
  const ageMs = (ns: bigint | null) => (ns === null ? null : Math.max(0, Number((now - ns) / 1_000_000n)));
  return {
    name: poolNameFromPath(pool.path),
    path: pool.path,
    format_version: g.formatVersion,
    codec: pool.codec.name,
    file_size: g.fileSize,
    index_offset: INDEX_OFFSET,
    index_capacity: g.indexCapacity,
    index_size_bytes: g.indexCapacity * INDEX_SLOT_BYTES,
    ring_offset: g.ringOffset,
    ring_size: g.ringSize,
    bounds: { oldest, newest },
    metrics: {
      message_count: count,
      seq_span: count,
      utilization: {
        used_bytes: used,
        free_bytes: g.ringSize - used,
        used_percent: Math.round((used / g.ringSize) * 10000) / 100,
      },
      age: {
        oldest_time: oldestNs === null ? null : formatTimeNs(oldestNs),
        newest_time: newestNs === null ? null : formatTimeNs(newestNs),
        oldest_age_ms: ageMs(oldestNs),
        newest_age_ms: ageMs(newestNs),
      },
    },
  };
}
