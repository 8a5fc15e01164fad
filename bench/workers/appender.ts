/**
 * A bench writer process: waits for "go" from its parent, then appends `count` messages of
 * about `bytes` bytes one lock at a time, and reports how long that took. Mode `pool` goes
 * through the engine; mode `raw` takes the same flock around one pwrite of a pre-encoded
 * record per message, the limit of any one-lock-per-message design across processes.
 */
import * as fs from "node:fs";
import { lockExclusive, unlock } from "../../src/core/lock.js";
import { PoolHandle } from "../../src/core/pool.js";

const [mode, file, countArg, bytesArg] = process.argv.slice(2) as [string, string, string, string];
const count = Number(countArg);
const filler = "x".repeat(Number(bytesArg));

function appendThroughPool(): void {
  const pool = PoolHandle.open(file);
  for (let i = 0; i < count; i++) pool.append({ data: { i, s: filler }, tags: ["bench"] });
  pool.close();
}

function appendRaw(): void {
  const fd = fs.openSync(file, "r+");
  const record = Buffer.from(JSON.stringify({ data: { i: 0, s: filler }, meta: { tags: ["bench"] } }));
  const slots = Math.floor(fs.fstatSync(fd).size / record.length);
  for (let i = 0; i < count; i++) {
    lockExclusive(fd, file);
    fs.writeSync(fd, record, 0, record.length, ((i * 7) % slots) * record.length);
    unlock(fd, file);
  }
  fs.closeSync(fd);
}

process.on("message", (msg) => {
  if (msg !== "go") return;
  const start = process.hrtime.bigint();
  if (mode === "raw") appendRaw();
  else appendThroughPool();
  const end = process.hrtime.bigint();
  process.send?.({ start: start.toString(), end: end.toString() }, () => process.exit(0));
});
process.send?.("ready");
