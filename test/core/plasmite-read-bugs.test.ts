// Regression tests for the two read-path bugs reproduced in Plasmite 0.8.0
// (see docs/format.md, "Readers"): (A) a wrap that leaves 8–56 bytes at the ring end,
// (B) streams on a wrapped ring starting at ring offset 0 instead of tail.
import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { LocalPool } from "../../src/api/backends/local/local-pool.js";
import type { Message } from "../../src/api/types.js";
import { tempDir } from "../helpers/tmp.js";

/** Data whose JSON-codec frame occupies exactly `frameBytes` bytes (a multiple of 8, >= 104). */
function dataForFrame(frameBytes: number, label: string): { label: string; pad: string } {
  const base = JSON.stringify({ data: { label, pad: "" }, meta: { tags: [] } }).length;
  return { label, pad: "p".repeat(frameBytes - 72 - base) };
}

/** Collects `count` messages into `out` as they arrive. */
async function collect(iterable: AsyncIterable<Message>, count: number, out: Message[]): Promise<Message[]> {
  for await (const m of iterable) {
    out.push(m);
    if (out.length === count) break;
  }
  return out;
}

/** Waits until the follower has delivered `n` messages, so it stays in step with the writer. */
async function until(out: Message[], n: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (out.length < n) {
    assert.ok(Date.now() < deadline, `follower stalled at ${out.length} of ${n} messages`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

describe("Plasmite read-path bug A: a wrap that leaves 8–56 bytes", { timeout: 60_000 }, () => {
  for (const left of [8, 16, 24, 32, 40, 48, 56]) {
    it(`a long-lived follower receives every message across a wrap leaving ${left} bytes`, async () => {
      const file = path.join(tempDir(), "wrap.cairn");
      const pool = LocalPool.create(file, "wrap", file, { size: 16384, indexCapacity: 0 });
      const ring = (await pool.info()).ring_size;
      const follower = pool.follow({ pollIntervalMs: 20 });
      const out: Message[] = [];
      const received = collect(follower, 40, out);
      await pool.append(dataForFrame(ring - left - 200, "A"));
      await until(out, 1);
      await pool.append(dataForFrame(200, "B")); // head is now `left` bytes before the ring end
      await until(out, 2);
      assert.equal(ring - (await pool.info()).metrics.utilization.used_bytes, left);
      for (let i = 0; i < 38; i++) {
        await pool.append(dataForFrame(200 + 8 * (i % 5), `C${i}`));
        await until(out, 3 + i);
      }
      const messages = await received;
      assert.deepEqual(
        messages.map((m) => m.seq),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      assert.deepEqual(
        messages.slice(0, 3).map((m) => (m.data as { label: string }).label),
        ["A", "B", "C0"],
      );
      follower.close();
      assert.equal((await pool.validate()).status, "ok");
      await pool.close();
    });
  }
});

describe("Plasmite read-path bug B: streams on a wrapped ring", { timeout: 60_000 }, () => {
  it("reading from the oldest seq of a wrapped ring yields every retained message, with no false gap", async () => {
    const file = path.join(tempDir(), "wrapped.cairn");
    const pool = LocalPool.create(file, "wrapped", file, { size: 16384 });
    for (let i = 1; i <= 300; i++) await pool.append({ i, pad: "q".repeat(i % 50) });
    const info = await pool.info();
    const { oldest, newest } = info.bounds as { oldest: number; newest: number };
    assert.ok(oldest > 1, "the ring has wrapped and dropped messages");
    const head = pool.engine.poolFile.readState();
    assert.ok(head.headOff < head.tailOff, "head is below tail");
    const read: Message[] = [];
    for await (const m of pool.read({ from: { seq: oldest }, gap: "error" })) read.push(m);
    assert.equal(read.length, newest - oldest + 1);
    assert.equal(read[0]?.seq, oldest);
    assert.equal(read.at(-1)?.seq, newest);
    await pool.close();
  });

  it("a reader that asked for the oldest seq while it was retained gets no gap", async () => {
    const file = path.join(tempDir(), "oldest.cairn");
    const pool = LocalPool.create(file, "oldest", file, { size: 16384 });
    for (let i = 1; i <= 500; i++) await pool.append({ i });
    const gaps: unknown[] = [];
    const read: number[] = [];
    for await (const m of pool.read({ from: "oldest", onGap: (g) => gaps.push(g) })) read.push(m.seq);
    assert.deepEqual(gaps, []);
    assert.equal(read.at(-1), 500);
    assert.equal(read.length, 500 - read[0]! + 1);
    await pool.close();
  });
});
