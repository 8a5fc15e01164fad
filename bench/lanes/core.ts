/**
 * Engine lanes, one process: appends of 64 B, 1 KiB and 16 KiB messages (fast and flush),
 * batches, indexed gets and sequential scans, against two baselines measured in this run:
 * pre-encoded frames written with pwrite into a preallocated file (the limit of any
 * design that writes through syscalls) and JSON lines appended to a plain file (what people
 * do today). Every figure is the median of 5 runs. Append lanes measure the steady state of
 * a full ring: each pool is filled past one wrap before the clock starts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { encodeFrame } from "../../src/core/frame.js";
import { PoolHandle } from "../../src/core/pool.js";
import { type BenchContext, type LaneResult, median } from "../types.js";

const RUNS = 5;
const RING_BYTES = 16 * 1024 * 1024;

function rate(count: number, fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

function medianOf(fn: () => number): number {
  return median(Array.from({ length: RUNS }, fn));
}

/** Message data whose encoded payload is about `bytes` long. */
function dataOf(i: number, bytes: number): { i: number; s: string } {
  return { i, s: "x".repeat(Math.max(0, bytes - 48)) };
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const scale = ctx.quick ? 0.1 : 1;
  let fileNo = 0;
  const scratch = (ext: string) => path.join(ctx.tmpDir, `f${fileNo++}.${ext}`);

  /** A pool already wrapped once, so appends pay for drops as they do in steady use. */
  const fullPool = (bytes: number, size = RING_BYTES) => {
    const pool = PoolHandle.create(scratch("cairn"), { sizeBytes: size });
    const perBatch = 64;
    const fill = Math.ceil((size * 1.1) / (bytes + 80) / perBatch);
    for (let b = 0; b < fill; b++)
      pool.appendBatch(Array.from({ length: perBatch }, (_, j) => ({ data: dataOf(j, bytes) })));
    return pool;
  };

  const appendLane = (bytes: number, n: number, durability: "fast" | "flush") =>
    medianOf(() => {
      const pool = fullPool(bytes, bytes > 4096 ? 4 * RING_BYTES : RING_BYTES);
      const data = dataOf(0, bytes);
      const r = rate(n, () => {
        for (let i = 0; i < n; i++) {
          data.i = i;
          pool.append({ data, tags: ["bench"] }, { durability });
        }
      });
      pool.close();
      return r;
    });

  const n1k = Math.round(50_000 * scale);
  const frame = encodeFrame({
    seq: 1,
    timestampNs: 1n,
    payload: JSON.stringify({ data: dataOf(0, 1024), meta: { tags: ["bench"] } }),
    checksummed: true,
  });
  const rawPwrite = medianOf(() => {
    const file = scratch("raw");
    const fd = fs.openSync(file, "w+");
    fs.writeSync(fd, Buffer.alloc(RING_BYTES)); // preallocated: every block exists before timing
    const slots = Math.floor(RING_BYTES / frame.length);
    const r = rate(n1k, () => {
      for (let i = 0; i < n1k; i++) fs.writeSync(fd, frame, 0, frame.length, (i % slots) * frame.length);
    });
    fs.closeSync(fd);
    return r;
  });
  const jsonl = medianOf(() => {
    const fd = fs.openSync(scratch("jsonl"), "a");
    const data = dataOf(0, 1024);
    const r = rate(n1k, () => {
      for (let i = 0; i < n1k; i++) {
        data.i = i;
        fs.writeSync(fd, `${JSON.stringify({ data, tags: ["bench"] })}\n`);
      }
    });
    fs.closeSync(fd);
    return r;
  });

  const append64 = appendLane(64, n1k, "fast");
  const append1k = appendLane(1024, n1k, "fast");
  const append16k = appendLane(16 * 1024, Math.round(10_000 * scale), "fast");
  const flushN = Math.round(2_000 * scale);
  const appendFlush = appendLane(1024, flushN, "flush");
  const rawFsync = medianOf(() => {
    const fd = fs.openSync(scratch("rawsync"), "w+");
    fs.writeSync(fd, Buffer.alloc(RING_BYTES));
    const r = rate(flushN, () => {
      for (let i = 0; i < flushN; i++) {
        fs.writeSync(fd, frame, 0, frame.length, i * frame.length);
        fs.fdatasyncSync(fd);
      }
    });
    fs.closeSync(fd);
    return r;
  });
  const batch64 = medianOf(() => {
    const pool = fullPool(1024);
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 64 }, (_, j) => ({ data: dataOf(b * 64 + j, 1024), tags: ["bench"] })),
    );
    const total = Math.round(n1k / 64) * 64;
    const r = rate(total, () => {
      for (let b = 0; b < total / 64; b++) pool.appendBatch(batches[b % batches.length] as never);
    });
    pool.close();
    return r;
  });

  // The same batches with the data already as JSON text (as `cairn feed` and the HTTP server
  // have it): the engine's own cost without JSON.stringify.
  const batch64Json = medianOf(() => {
    const pool = fullPool(1024);
    const batches = Array.from({ length: 8 }, (_, b) =>
      Array.from({ length: 64 }, (_, j) => {
        const data = dataOf(b * 64 + j, 1024);
        return { data, dataJson: JSON.stringify(data), tags: ["bench"] };
      }),
    );
    const total = Math.round(n1k / 64) * 64;
    const r = rate(total, () => {
      for (let b = 0; b < total / 64; b++) pool.appendBatch(batches[b % batches.length] as never);
    });
    pool.close();
    return r;
  });

  const readPool = fullPool(1024, 64 * 1024 * 1024);
  const { oldestSeq, newestSeq } = readPool.bounds() as { oldestSeq: number; newestSeq: number };
  const retained = newestSeq - oldestSeq + 1;
  const get = medianOf(() =>
    rate(n1k, () => {
      for (let i = 0; i < n1k; i++) readPool.get(oldestSeq + ((i * 7919) % retained));
    }),
  );
  const scan = medianOf(() =>
    rate(retained, () => {
      const cursor = readPool.cursor(oldestSeq);
      for (let s = cursor.next(); s.kind === "message"; s = cursor.next());
    }),
  );
  readPool.close();

  const limit = "baseline_raw_pwrite_1k";
  return [
    {
      name: limit,
      value: rawPwrite,
      unit: "writes/s",
      note: "pre-encoded 1 KiB frames written at positions into a preallocated file: the limit",
    },
    {
      name: "baseline_jsonl_append_1k",
      value: jsonl,
      unit: "lines/s",
      note: "JSON.stringify + appendFile-style O_APPEND write of one line",
    },
    { name: "append_64b_fast_1w", value: append64, unit: "msg/s", baseline: limit },
    {
      name: "append_1k_fast_1w",
      value: append1k,
      unit: "msg/s",
      baseline: limit,
      target: ">= 100000 and >= 0.5x baseline",
      note: "one lock per message, full ring (each append drops the oldest)",
    },
    { name: "append_16k_fast_1w", value: append16k, unit: "msg/s", baseline: limit },
    { name: "baseline_raw_pwrite_fdatasync_1k", value: rawFsync, unit: "writes/s", note: "pwrite + fdatasync" },
    {
      name: "append_1k_flush_1w",
      value: appendFlush,
      unit: "msg/s",
      baseline: "baseline_raw_pwrite_fdatasync_1k",
      note: "fdatasync before each append returns",
    },
    {
      name: "append_batch64_1k",
      value: batch64,
      unit: "msg/s",
      baseline: limit,
      target: ">= 500000",
      note: "appendBatch of 64 messages: one lock, one header publish",
    },
    {
      name: "append_batch64_1k_json_text",
      value: batch64Json,
      unit: "msg/s",
      baseline: limit,
      note: "as append_batch64_1k with each message's data already JSON text (no JSON.stringify)",
    },
    {
      name: "get_1k_indexed",
      value: get,
      unit: "gets/s",
      target: ">= 200000",
      note: "random retained seqs through the index, checksum and JSON decode included",
    },
    {
      name: "scan_1k",
      value: scan,
      unit: "frames/s",
      target: ">= 3000000",
      note: "cursor from the oldest message of a 64 MiB pool, checksum and JSON decode included",
    },
  ];
}
