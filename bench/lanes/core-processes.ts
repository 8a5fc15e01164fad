/**
 * Engine lanes across processes: four writer processes appending to one pool (aggregate
 * rate from the first start to the last finish), and the latency from an append in one
 * process to its delivery by a follow in another, at 1,000 messages per second.
 */
import { type ChildProcess, fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { Client } from "../../src/api/client.js";
import { PoolHandle } from "../../src/core/pool.js";
import { type BenchContext, type LaneResult, median } from "../types.js";

function worker(root: string, name: string, args: string[]): ChildProcess {
  return fork(path.join(root, "dist", "bench", "workers", `${name}.js`), args, {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
}

function once<T>(child: ChildProcess, accept: (msg: unknown) => msg is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: unknown) => {
      if (!accept(msg)) return;
      child.off("message", onMessage);
      resolve(msg);
    };
    child.on("message", onMessage);
    child.once("exit", (code) => reject(new Error(`bench worker exited with ${code}`)));
  });
}

const isReady = (msg: unknown): msg is "ready" => msg === "ready";
const isTiming = (msg: unknown): msg is { start: string; end: string } =>
  typeof msg === "object" && msg !== null && "start" in msg;

async function aggregateAppendRate(
  ctx: BenchContext,
  mode: "pool" | "raw",
  file: string,
  perWriter: number,
): Promise<number> {
  if (mode === "pool") PoolHandle.create(file, { sizeBytes: 64 * 1024 * 1024 }).close();
  else fs.writeFileSync(file, Buffer.alloc(16 * 1024 * 1024));
  const children = Array.from({ length: 4 }, () =>
    worker(ctx.root, "appender", [mode, file, String(perWriter), "970"]),
  );
  await Promise.all(children.map((c) => once(c, isReady)));
  const timings = children.map((c) => once(c, isTiming));
  for (const c of children) c.send("go");
  const spans = await Promise.all(timings);
  const start = spans.reduce((min, s) => (BigInt(s.start) < min ? BigInt(s.start) : min), BigInt(spans[0]?.start ?? 0));
  const end = spans.reduce((max, s) => (BigInt(s.end) > max ? BigInt(s.end) : max), 0n);
  return (4 * perWriter) / (Number(end - start) / 1e9);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function followLatencies(ctx: BenchContext, dir: string, count: number): Promise<number[]> {
  const client = new Client({ dir });
  const pool = await client.create("latency", { size: "16M" });
  const follower = pool.follow({ from: { seq: 1 } });
  const writer = worker(ctx.root, "paced-writer", [path.join(dir, "latency.cairn"), String(count), "1000"]);
  await once(writer, isReady);
  writer.send("go");
  const latencies: number[] = [];
  for await (const message of follower) {
    const receivedNs = process.hrtime.bigint();
    latencies.push(Number(receivedNs - BigInt((message.data as { sentNs: string }).sentNs)) / 1000);
    if (latencies.length === count) break;
  }
  follower.close();
  await pool.close();
  return latencies.sort((a, b) => a - b);
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const perWriter = ctx.quick ? 5_000 : 25_000;
  const rates: number[] = [];
  const rawRates: number[] = [];
  for (let r = 0; r < 5; r++) {
    rates.push(await aggregateAppendRate(ctx, "pool", path.join(ctx.tmpDir, `w${r}.cairn`), perWriter));
    rawRates.push(await aggregateAppendRate(ctx, "raw", path.join(ctx.tmpDir, `raw${r}`), perWriter));
  }

  const latencies = await followLatencies(ctx, ctx.tmpDir, ctx.quick ? 1_000 : 5_000);
  return [
    {
      name: "baseline_flock_pwrite_1k_4w",
      value: median(rawRates),
      unit: "writes/s",
      note: "4 processes, each write a flock + one pwrite of 1 KiB + unlock: the limit of a lock per message",
    },
    {
      name: "append_1k_fast_4w",
      value: median(rates),
      unit: "msg/s",
      baseline: "baseline_flock_pwrite_1k_4w",
      target: ">= 100000",
      note: "4 writer processes, one lock per message, aggregate from first start to last finish",
    },
    {
      name: "follow_latency_p50_us",
      value: percentile(latencies, 50),
      unit: "µs",
      target: "<= 250",
      note: `append in one process to delivery by follow() in another, 1,000 msg/s, ${latencies.length} messages`,
    },
    { name: "follow_latency_p99_us", value: percentile(latencies, 99), unit: "µs", target: "<= 5000" },
  ];
}
