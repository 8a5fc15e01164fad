/**
 * `npm run bench`: runs every lane module in bench/lanes (or those named on the command
 * line), prints a table with each lane's ratio to its same-run baseline, and writes
 * bench/results/latest.json. Numbers are medians of repeated runs; nothing here asserts.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { LaneModule, LaneResult } from "./types.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..", "..");
const args = process.argv.slice(2);
const only = args.filter((a) => !a.startsWith("--"));
const quick = args.includes("--quick") || process.env.CAIRN_BENCH_QUICK === "1";

const moduleFiles = fs
  .readdirSync(path.join(here, "lanes"))
  .filter((f) => f.endsWith(".js"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const results: LaneResult[] = [];
for (const file of moduleFiles) {
  const tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-bench-"));
  try {
    const mod = (await import(path.join(here, "lanes", file))) as LaneModule;
    process.stderr.write(`bench: ${file}…\n`);
    results.push(...(await mod.run({ tmpDir, root, quick })));
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
}

const byName = new Map(results.map((r) => [r.name, r]));
const rows = results.map((r) => {
  const base = r.baseline ? byName.get(r.baseline) : undefined;
  const ratio = base && base.value !== 0 ? r.value / base.value : undefined;
  return { ...r, ratio };
});
const fmt = (n: number) => (Math.abs(n) >= 100 ? Math.round(n).toLocaleString("en-US") : n.toFixed(2));
const table = [
  ["lane", "value", "unit", "vs baseline", "target"],
  ...rows.map((r) => [
    r.name,
    fmt(r.value),
    r.unit,
    r.ratio === undefined ? "" : `${r.ratio.toFixed(2)}x ${r.baseline}`,
    r.target ?? "",
  ]),
];
const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
for (const row of table) console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));

const out = {
  date: new Date().toISOString(),
  node: process.version,
  cpus: os.cpus().length,
  quick,
  lanes: Object.fromEntries(
    rows.map((r) => [
      r.name,
      { value: r.value, unit: r.unit, baseline: r.baseline, ratio: r.ratio, target: r.target, note: r.note },
    ]),
  ),
};
const resultsDir = path.join(root, "bench", "results");
fs.mkdirSync(resultsDir, { recursive: true });
const file = path.join(resultsDir, "latest.json");
let merged = out;
if (only.length > 0 && fs.existsSync(file)) {
  // A partial run keeps the lanes it did not measure.
  const previous = JSON.parse(fs.readFileSync(file, "utf8")) as typeof out;
  merged = { ...out, lanes: { ...previous.lanes, ...out.lanes } };
}
fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
console.log(`\nwrote ${path.relative(process.cwd(), file)}`);
