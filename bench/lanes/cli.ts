/**
 * CLI lanes: start-up (node itself, `cairn version`, one `cairn feed`), stdin feed
 * throughput with 1 KiB lines, and `follow --where` throughput. Each lane spawns the real
 * CLI; figures are medians of repeated runs, compared with `node -e 0` in the same run.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { type BenchContext, type LaneResult, median } from "../types.js";

function wallMs(args: string[], options: { env: NodeJS.ProcessEnv; stdinFile?: string }): number {
  const stdin = options.stdinFile === undefined ? "ignore" : fs.openSync(options.stdinFile, "r");
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { env: options.env, stdio: [stdin, "ignore", "pipe"] });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (typeof stdin === "number") fs.closeSync(stdin);
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr?.toString()}`);
  return elapsed;
}

function medianOf(runs: number, measure: () => number): number {
  measure(); // warm the file cache
  return median(Array.from({ length: runs }, measure));
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const cli = path.join(ctx.root, "dist", "src", "cli", "main.js");
  const dir = path.join(ctx.tmpDir, "pools");
  const env = { ...process.env, CAIRN_DIR: dir, NO_COLOR: "1" };
  const runs = ctx.quick ? 5 : 21;
  const results: LaneResult[] = [];

  const nodeMs = medianOf(runs, () => wallMs(["-e", "0"], { env }));
  results.push({ name: "baseline_node_startup_ms", value: nodeMs, unit: "ms", note: "node -e 0" });
  const versionMs = medianOf(runs, () => wallMs([cli, "version"], { env }));
  results.push({ name: "cli_version_ms", value: versionMs, unit: "ms", baseline: "baseline_node_startup_ms" });

  wallMs([cli, "pool", "create", "one", "--size", "4M"], { env });
  const feedOneMs = medianOf(runs, () => wallMs([cli, "feed", "one", '{"a":1}'], { env }));
  results.push({
    name: "cli_feed_one_ms",
    value: feedOneMs,
    unit: "ms",
    baseline: "baseline_node_startup_ms",
    target: "<= 2.5x baseline",
  });

  const lines = ctx.quick ? 20_000 : 100_000;
  const input = path.join(ctx.tmpDir, "feed-1k.jsonl");
  const out = fs.createWriteStream(input);
  // Each line is exactly 1024 bytes with its newline.
  for (let i = 0; i < lines; i++) out.write(`{"i":${i},"pad":"${"x".repeat(1024 - 16 - String(i).length)}"}\n`);
  await new Promise((resolve) => out.end(resolve));
  const feedRuns = ctx.quick ? 1 : 5;
  const feedMs = median(
    Array.from({ length: feedRuns }, (_, k) => {
      wallMs([cli, "pool", "create", `stdin${k}`, "--size", "128M"], { env });
      return wallMs([cli, "feed", `stdin${k}`], { env, stdinFile: input });
    }),
  );
  results.push({
    name: "cli_feed_stdin_1k_msgs_per_s",
    value: lines / (feedMs / 1000),
    unit: "msg/s",
    target: ">= 100000",
    note: `${lines} lines of 1 KiB through stdin, wall time including start-up`,
  });

  const whereInput = path.join(ctx.tmpDir, "where.jsonl");
  const levels = ["debug", "info", "warn", "error"];
  fs.writeFileSync(
    whereInput,
    Array.from(
      { length: lines },
      (_, i) => `{"i":${i},"level":"${levels[i % 4]}","msg":"request ${i} handled"}\n`,
    ).join(""),
  );
  wallMs([cli, "pool", "create", "where", "--size", "64M"], { env });
  wallMs([cli, "feed", "where"], { env, stdinFile: whereInput });
  const whereMs = median(
    Array.from({ length: feedRuns }, () =>
      wallMs([cli, "follow", "where", "--from", "1", "--no-wait", "--where", '.data.level == "error"'], { env }),
    ),
  );
  results.push({
    name: "follow_where_msgs_per_s",
    value: lines / (whereMs / 1000),
    unit: "msg/s",
    target: ">= 20000",
    note: `${lines} small messages read and filtered by one jq predicate, wall time including start-up`,
  });
  return results;
}
