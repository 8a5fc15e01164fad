/**
 * The backward walk behind `from: {last: N}` with a filter: across window boundaries (the
 * first window holds 256 messages), in a pool whose oldest messages left the ring, and
 * through the async variant with a batch predicate.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lastMatchingStartOf } from "../../src/api/last-matching.js";
import { Client, type Message } from "../../src/index.js";
import { tempDir } from "../helpers/tmp.js";

async function seqsOf(messages: AsyncIterable<Message>): Promise<number[]> {
  const seqs: number[] = [];
  for await (const m of messages) seqs.push(m.seq);
  return seqs;
}

describe("the last N matching messages", { timeout: 30_000 }, () => {
  it("are found across windows: 3 rare matches among 2,000 messages", async () => {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("p", { size: "1M" });
    await pool.appendBatch(
      Array.from({ length: 2000 }, (_, i) => ({ data: { n: i + 1 }, tags: (i + 1) % 600 === 0 ? ["rare"] : [] })),
    );
    assert.deepEqual(await seqsOf(pool.read({ from: { last: 2 }, tags: ["rare"] })), [1200, 1800]);
    assert.deepEqual(await seqsOf(pool.read({ from: { last: 9 }, tags: ["rare"] })), [600, 1200, 1800]);
    const follower = pool.follow({ from: { last: 1 }, tags: ["rare"], idleTimeoutMs: 50 });
    assert.deepEqual(await seqsOf(follower), [1800]);
    await pool.close();
  });

  it("start at the oldest retained message when the ring has wrapped and fewer match", async () => {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("small", { size: "64K" });
    for (let i = 0; i < 20; i++)
      await pool.appendBatch(Array.from({ length: 100 }, (_, j) => ({ data: { n: i * 100 + j }, tags: ["t"] })));
    const oldest = (await pool.info()).bounds.oldest as number;
    assert.ok(oldest > 1, "the ring wrapped");
    const all = await seqsOf(pool.read({ from: { last: 1_000_000 }, tags: ["t"] }));
    assert.equal(all[0], oldest);
    await pool.close();
  });

  it("can be asked with any batch predicate through the Pool interface", async () => {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("q", { size: "1M" });
    await pool.appendBatch(Array.from({ length: 1000 }, (_, i) => ({ data: { n: i + 1 } })));
    const hundreds = async (ms: readonly Message[]) => ms.map((m) => (m.data as { n: number }).n % 100 === 0);
    assert.deepEqual(await lastMatchingStartOf(pool, { last: 3, matches: hundreds }), { seq: 800 });
    assert.equal(await lastMatchingStartOf(pool, { last: 0, matches: hundreds }), "live");
    assert.equal(await lastMatchingStartOf(pool, { last: 11, matches: hundreds }), "oldest");
    await pool.close();
  });
});
