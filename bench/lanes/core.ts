/**
 * Engine lanes: appends (single, batched, flushed), indexed gets and sequential reads of
 * 1 KiB messages, against the limit of raw positional writes of the same bytes and a
 * JSONL append to a plain file, all measured in this run. Medians of 3 runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PoolHandle } from "../../src/core/pool.js";
import { type BenchContext, type LaneResult, median } from "../types.js";

const KIB = "x".repeat(1000);

function rate(count: number, fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return count / seconds;
}

function medianOf(runs: number, fn: () => number): number {
  return median(Array.from({ length: runs }, fn));
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const n = ctx.quick ? 5_000 : 50_000;
  const flushN = ctx.quick ? 200 : 2_000;
  const runs = 3;
  let fileNo = 0;
  const fresh = (size = 64 * 1024 * 1024) => {
    const file = path.join(ctx.tmpDir, `p${fileNo++}.cairn`);
    return PoolHandle.create(file, { sizeBytes: size });
  };
  const record = Buffer.from(`${JSON.stringify({ data: { i: 0, s: KIB }, meta: { tags: ["bench"] } })}\n`);

  const rawPwrite = medianOf(runs, () => {
    const fd = fs.openSync(path.join(ctx.tmpDir, `raw${fileNo++}`), "w");
    const r = rate(n, () => {
      let off = 0;
      for (let i = 0; i < n; i++) {
        fs.writeSync(fd, record, 0, record.length, off);
        off += record.length;
      }
    });
    fs.closeSync(fd);
    return r;
  });
  const jsonl = medianOf(runs, () => {
    const fd = fs.openSync(path.join(ctx.tmpDir, `log${fileNo++}.jsonl`), "a");
    const r = rate(n, () => {
      for (let i = 0; i < n; i++) fs.writeSync(fd, `${JSON.stringify({ data: { i, s: KIB }, tags: ["bench"] })}\n`);
    });
    fs.closeSync(fd);
    return r;
  });
  const append = medianOf(runs, () => {
    const pool = fresh(16 * 1024 * 1024); // wraps: measures the steady state with drops
    const r = rate(n, () => {
      for (let i = 0; i < n; i++) pool.append({ data: { i, s: KIB }, tags: ["bench"] });
    });
    pool.close();
    return r;
  });
  const appendBatch = medianOf(runs, () => {
    const pool = fresh(16 * 1024 * 1024);
    const r = rate(n, () => {
      for (let i = 0; i < n; i += 100) {
        pool.appendBatch(Array.from({ length: 100 }, (_, j) => ({ data: { i: i + j, s: KIB }, tags: ["bench"] })));
      }
    });
    pool.close();
    return r;
  });
  const rawFsync = medianOf(runs, () => {
    const fd = fs.openSync(path.join(ctx.tmpDir, `rawsync${fileNo++}`), "w");
    const r = rate(flushN, () => {
      for (let i = 0; i < flushN; i++) {
        fs.writeSync(fd, record, 0, record.length, i * record.length);
        fs.fdatasyncSync(fd);
      }
    });
    fs.closeSync(fd);
    return r;
  });
  const appendFlush = medianOf(runs, () => {
    const pool = fresh(16 * 1024 * 1024);
    const r = rate(flushN, () => {
      for (let i = 0; i < flushN; i++) pool.append({ data: { i, s: KIB } }, { durability: "flush" });
    });
    pool.close();
    return r;
  });
  const readPool = fresh();
  for (let i = 0; i < n; i += 500) {
    readPool.appendBatch(Array.from({ length: 500 }, (_, j) => ({ data: { i: i + j, s: KIB }, tags: ["bench"] })));
  }
  const get = medianOf(runs, () =>
    rate(n, () => {
      for (let i = 0; i < n; i++) readPool.get(1 + ((i * 7919) % n));
    }),
  );
  const scan = medianOf(runs, () =>
    rate(n, () => {
      const cursor = readPool.cursor(1);
      for (let s = cursor.next(); s.kind === "message"; s = cursor.next());
    }),
  );
  readPool.close();

  return [
    {
      name: "baseline_raw_pwrite_1k_per_s",
      value: rawPwrite,
      unit: "writes/s",
      note: "pwrite of the same 1 KiB record, the limit",
    },
    { name: "baseline_jsonl_append_1k_per_s", value: jsonl, unit: "lines/s", note: "JSON.stringify + O_APPEND write" },
    {
      name: "append_1k_msgs_per_s",
      value: append,
      unit: "msg/s",
      baseline: "baseline_raw_pwrite_1k_per_s",
      note: "one lock per message, ring full",
    },
    {
      name: "append_batch100_1k_msgs_per_s",
      value: appendBatch,
      unit: "msg/s",
      baseline: "baseline_raw_pwrite_1k_per_s",
    },
    { name: "baseline_raw_pwrite_fdatasync_1k_per_s", value: rawFsync, unit: "writes/s" },
    {
      name: "append_flush_1k_msgs_per_s",
      value: appendFlush,
      unit: "msg/s",
      baseline: "baseline_raw_pwrite_fdatasync_1k_per_s",
    },
    { name: "get_indexed_1k_per_s", value: get, unit: "gets/s", note: "random seqs, decode included" },
    { name: "read_sequential_1k_msgs_per_s", value: scan, unit: "msg/s", note: "cursor, decode included" },
  ];
}
