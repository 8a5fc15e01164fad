import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PoolHandle } from "../../src/core/pool.js";
import { validatePool } from "../../src/core/validate.js";
import { intBetween, rng } from "../helpers/rng.js";
import { tempDir } from "../helpers/tmp.js";

describe("validate that lets writers in", () => {
  it("never reports damage for appends, batches and truncates made while it paused (seeded)", () => {
    const next = rng(11);
    const dir = tempDir();
    for (let run = 0; run < 1500; run++) {
      const file = path.join(dir, `v${run}.cairn`);
      const capacity = [0, 4, 16, 64][intBetween(next, 0, 3)] as number;
      const pool = PoolHandle.create(file, { sizeBytes: 8192 + 8 * intBetween(next, 0, 200), indexCapacity: capacity });
      const other = PoolHandle.open(file);
      const message = () => ({ data: "x".repeat(intBetween(next, 0, next() < 0.5 ? 40 : 400)) });
      for (let i = intBetween(next, 5, 100); i > 0; i--) (next() < 0.5 ? pool : other).append(message());
      const relock = () => {
        const op = next();
        if (op < 0.1) {
          const b = pool.bounds();
          if (b.newestSeq !== null) pool.truncate(intBetween(next, b.oldestSeq as number, b.newestSeq + 2));
        } else if (op < 0.2) {
          other.appendBatch(Array.from({ length: intBetween(next, 1, 30) }, message));
        } else {
          for (let j = intBetween(next, 1, 4); j > 0; j--) (next() < 0.5 ? pool : other).append(message());
        }
      };
      const report = validatePool(pool.poolFile, { relock, framesPerLock: intBetween(next, 1, 12) });
      const { oldestSeq, newestSeq } = pool.bounds();
      assert.equal(report.status, "ok", `run ${run}: ${JSON.stringify(report.issues)}`);
      if (report.lastGoodSeq !== null) {
        assert.ok(
          report.lastGoodSeq >= (oldestSeq as number) && report.lastGoodSeq <= (newestSeq as number),
          `run ${run}`,
        );
        assert.equal(report.messageCount, report.lastGoodSeq - (oldestSeq as number) + 1, `run ${run}`);
      }
      assert.equal(validatePool(pool.poolFile).status, "ok");
      pool.close();
      other.close();
      fs.rmSync(file);
    }
  });

  it("ends even when writers add more frames during each pause than it checks between pauses", () => {
    const pool = PoolHandle.create(path.join(tempDir(), "fast.cairn"), { sizeBytes: 256 * 1024 });
    for (let i = 0; i < 50; i++) pool.append({ data: i });
    let pauses = 0;
    const report = validatePool(pool.poolFile, {
      framesPerLock: 1,
      relock: () => {
        if (++pauses > 1000) throw new Error("validate keeps chasing the writers");
        pool.appendBatch([{ data: "a" }, { data: "b" }, { data: "c" }]);
      },
    });
    assert.equal(report.status, "ok");
    assert.ok(pauses <= 60, `${pauses} pauses`);
    pool.close();
  });
});
