/**
 * A bench writer process for follow latency: appends `count` messages at `rate` per second,
 * each carrying the monotonic clock (process.hrtime, CLOCK_MONOTONIC, shared by every
 * process on the machine) read just before the append.
 */
import { PoolHandle } from "../../src/core/pool.js";

const [file, countArg, rateArg] = process.argv.slice(2);
const count = Number(countArg);
const intervalNs = BigInt(Math.round(1e9 / Number(rateArg)));
const pool = PoolHandle.open(file as string);
const filler = "x".repeat(900);

let sent = 0;
let due = process.hrtime.bigint();
function tick(): void {
  const now = process.hrtime.bigint();
  while (sent < count && now >= due) {
    pool.append({ data: { sentNs: process.hrtime.bigint().toString(), s: filler } });
    sent++;
    due += intervalNs;
  }
  if (sent >= count) {
    pool.close();
    process.disconnect();
    return;
  }
  const waitMs = Number(due - process.hrtime.bigint()) / 1e6;
  setTimeout(tick, Math.max(0, Math.floor(waitMs)));
}
process.on("message", (msg) => {
  if (msg === "go") tick();
});
process.send?.("ready");
