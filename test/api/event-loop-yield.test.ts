/**
 * Long local work never holds the event loop: a read or follow that scans many messages
 * (none of them matching its tags) lets timers and I/O run between slices, and validate
 * runs off the loop. Counted as ticks of a setImmediate loop during the work — a count of
 * work done, never a speed.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Client, type Pool } from "../../src/index.js";
import { tempDir } from "../helpers/tmp.js";

/** Runs `work` while counting how many times the event loop got to run a macrotask. */
async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const spin = () => {
    if (!running) return;
    ticks += 1;
    setImmediate(spin);
  };
  setImmediate(spin);
  // Let the spinner start before the work, so ticks counted are ticks during the work.
  await new Promise((r) => setImmediate(r));
  const before = ticks;
  await work();
  running = false;
  return ticks - before;
}

async function poolWith(count: number): Promise<Pool> {
  const client = new Client({ dir: tempDir() });
  const pool = await client.create("big", { size: "8M" });
  const items = Array.from({ length: 500 }, (_, i) => ({ data: { i, pad: "x".repeat(40) }, tags: ["busy"] }));
  for (let done = 0; done < count; done += items.length) await pool.appendBatch(items);
  return pool;
}

describe("local work and the event loop", { timeout: 60_000 }, () => {
  it("a read whose tags match nothing yields to the event loop while it scans", async () => {
    const pool = await poolWith(20_000);
    try {
      let seen = 0;
      const ticks = await ticksDuring(async () => {
        for await (const _ of pool.read({ tags: ["nomatch"] })) seen += 1;
      });
      assert.equal(seen, 0);
      assert.ok(ticks >= 4, `the loop ran ${ticks} times during a scan of 20,000 messages`);
    } finally {
      await pool.close();
    }
  });

  it("a follow from the oldest message with a non-matching tag yields while it catches up", async () => {
    const pool = await poolWith(20_000);
    try {
      const ticks = await ticksDuring(async () => {
        const follower = pool.follow({ from: "oldest", tags: ["nomatch"], idleTimeoutMs: 0 });
        for await (const _ of follower) assert.fail("nothing matches");
      });
      assert.ok(ticks >= 4, `the loop ran ${ticks} times while a follower caught up`);
    } finally {
      await pool.close();
    }
  });

  it("validate runs off the event loop and gives the same report", async () => {
    const pool = await poolWith(20_000);
    try {
      let report: Awaited<ReturnType<Pool["validate"]>> | undefined;
      const ticks = await ticksDuring(async () => {
        report = await pool.validate();
      });
      assert.equal(report?.status, "ok");
      assert.equal(report?.messageCount, 20_000);
      assert.ok(ticks >= 2, `the loop ran ${ticks} times during validate`);
    } finally {
      await pool.close();
    }
  });
});
