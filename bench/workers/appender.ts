/**
 * A bench writer process: opens the pool, waits for "go" from its parent, appends `count`
 * messages of about `bytes` bytes one lock at a time, and reports how long that took.
 * Used for the aggregate multi-writer lane.
 */
import { PoolHandle } from "../../src/core/pool.js";

const [file, countArg, bytesArg] = process.argv.slice(2);
const count = Number(countArg);
const filler = "x".repeat(Number(bytesArg));
const pool = PoolHandle.open(file as string);

process.on("message", (msg) => {
  if (msg !== "go") return;
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) pool.append({ data: { i, s: filler }, tags: ["bench"] });
  const end = process.hrtime.bigint();
  pool.close();
  process.send?.({ start: start.toString(), end: end.toString() }, () => process.exit(0));
});
process.send?.("ready");
