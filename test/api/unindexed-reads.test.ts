/**
 * Reads of seqs older than the engine's index reaches (a pool with more messages than
 * index slots): get, a read from a seq and a read from a time answer the same messages
 * as a sequential read, also after the ring wrapped and after a truncate.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { Client } from "../../src/api/client.js";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cairn-unindexed-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function first(iterable: AsyncIterable<{ seq: number }>): Promise<number | null> {
  for await (const message of iterable) return message.seq;
  return null;
}

test("seqs beyond the index are read by get, from a seq and from a time, like a sequential read", async () => {
  const client = new Client({ dir });
  const pool = await client.create("small-index", { size: "256K", indexCapacity: 16 });
  for (let batch = 0; batch < 10; batch++) {
    await pool.appendBatch(
      Array.from({ length: 300 }, (_, k) => ({ data: { n: batch * 300 + k, pad: "x".repeat(k % 40) } })),
    );
  }
  const all = [];
  for await (const message of pool.read()) all.push(message);
  assert.ok(all.length > 100 && (all[0]?.seq ?? 0) > 1, "the ring wrapped and many seqs are unindexed");
  for (const message of [all[0], all[1], all[300], all[299], all[all.length - 40], all[Math.floor(all.length / 2)]]) {
    assert.ok(message);
    assert.deepEqual((await pool.get(message.seq)).data, message.data);
    assert.equal(await first(pool.read({ from: { seq: message.seq }, limit: 1 })), message.seq);
    assert.equal(
      await first(pool.read({ from: { timeNs: message.timeNs }, limit: 1 })),
      all.find((m) => m.timeNs >= message.timeNs)?.seq,
    );
  }
  const newest = all[all.length - 1];
  assert.ok(newest);
  assert.equal(await first(pool.read({ from: { timeNs: newest.timeNs + 1n }, limit: 1 })), null);
  const cut = all[200]?.seq ?? 0;
  await pool.truncate(cut);
  await assert.rejects(pool.get(cut - 1), /not found/);
  assert.equal((await pool.get(cut)).seq, cut);
  await pool.appendBatch(Array.from({ length: 400 }, (_, k) => ({ data: { late: k } })));
  const after = [];
  for await (const message of pool.read()) after.push(message);
  for (const message of [after[0], after[7], after[Math.floor(after.length / 3)]]) {
    assert.ok(message);
    assert.deepEqual((await pool.get(message.seq)).data, message.data);
  }
  await pool.close();
});
