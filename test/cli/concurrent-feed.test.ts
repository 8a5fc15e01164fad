/**
 * Four `cairn feed` processes stream 25,000 JSON lines each into one pool at the same
 * time: every line gets its own seq, nothing is lost, and each writer's order survives.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool, jsonLines, newPoolDir, runCli } from "./cli-harness.js";

const WRITERS = 4;
const LINES_PER_WRITER = 25_000;

describe("concurrent cairn feed", () => {
  it("4 processes x 25,000 lines give 100,000 distinct seqs with nothing lost", { timeout: 120_000 }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "shared", "32M");
    const results = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => {
        const input = Array.from({ length: LINES_PER_WRITER }, (_, i) => `{"w":${w},"i":${i}}\n`).join("");
        return runCli(["feed", "shared"], { dir, input, killAfterMs: 110_000 });
      }),
    );
    const receiptSeqs = new Set<number>();
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      const receipts = jsonLines(r.stdout);
      assert.equal(receipts.length, LINES_PER_WRITER);
      for (const receipt of receipts) receiptSeqs.add(receipt.seq as number);
    }
    assert.equal(receiptSeqs.size, WRITERS * LINES_PER_WRITER);

    const all = await runCli(["follow", "shared", "--from", "1", "--no-wait"], { dir, killAfterMs: 60_000 });
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stderr, "", "no drops");
    const messages = jsonLines(all.stdout) as { seq: number; data: { w: number; i: number } }[];
    assert.equal(messages.length, WRITERS * LINES_PER_WRITER);
    assert.deepEqual(
      messages.map((m) => m.seq),
      Array.from({ length: WRITERS * LINES_PER_WRITER }, (_, k) => k + 1),
    );
    const nextByWriter = new Array<number>(WRITERS).fill(0);
    for (const { data } of messages) {
      assert.equal(data.i, nextByWriter[data.w], `writer ${data.w} in order`);
      nextByWriter[data.w] = data.i + 1;
    }
    assert.deepEqual(nextByWriter, new Array(WRITERS).fill(LINES_PER_WRITER));
    assert.equal((await runCli(["doctor", "shared"], { dir })).code, 0);
  });
});
