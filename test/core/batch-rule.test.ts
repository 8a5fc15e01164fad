// The batching rule's arithmetic: in order, every item once, within both bounds, an
// oversize item alone. The engine, feed, tap and the server's coalescer all cut by it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { splitIntoBatches } from "../../src/core/batch-rule.js";
import { rng } from "../helpers/rng.js";

describe("batch rule", () => {
  it("keeps order and bounds over random sizes and limits", () => {
    const random = rng(7);
    for (let run = 0; run < 500; run++) {
      const bounds = { itemsMax: 1 + Math.floor(random() * 8), bytesMax: 1 + Math.floor(random() * 500) };
      const sizes = Array.from({ length: Math.floor(random() * 40) }, () => 1 + Math.floor(random() * 300));
      const batches = splitIntoBatches(sizes, (size) => size, bounds);
      assert.deepEqual(batches.flat(), sizes, `run ${run}: every size once, in order`);
      for (const batch of batches) {
        assert.ok(batch.length >= 1 && batch.length <= bounds.itemsMax);
        const bytes = batch.reduce((n, s) => n + s, 0);
        assert.ok(batch.length === 1 || bytes <= bounds.bytesMax, `run ${run}: ${bytes} > ${bounds.bytesMax}`);
      }
      // Greedy: no batch could have taken the next batch's first item.
      for (let i = 0; i + 1 < batches.length; i++) {
        const batch = batches[i] as number[];
        const next = (batches[i + 1] as number[])[0] as number;
        const bytes = batch.reduce((n, s) => n + s, 0);
        assert.ok(batch.length === bounds.itemsMax || bytes + next > bounds.bytesMax);
      }
    }
  });
});
