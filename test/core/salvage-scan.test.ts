/**
 * Core's salvage scan on a ring that has wrapped: whichever frame is damaged (its payload or
 * its length word), every other retained message comes back intact, in order, the damaged
 * seq is reported lost, and the file is not written.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PoolHandle } from "../../src/core/pool.js";
import { type SalvageStep, salvageScan } from "../../src/core/salvage-scan.js";
import { tempDir } from "../helpers/tmp.js";

const mark = (n: number): string => `M${String(n).padStart(5, "0")}`;

/** A wrapped 16 KiB pool; returns its path and the retained seq range. */
function wrappedPool(indexCapacity?: number): { file: string; oldest: number; newest: number } {
  const file = path.join(tempDir(), "p.cairn");
  const options: { sizeBytes: number; indexCapacity?: number } = { sizeBytes: 16 * 1024 };
  if (indexCapacity !== undefined) options.indexCapacity = indexCapacity;
  const pool = PoolHandle.create(file, options);
  // Lengths vary so frames land on every alignment, and around the ring end.
  for (let n = 1; n <= 400; n++) pool.append({ data: { mark: mark(n), pad: "x".repeat(n % 37) }, tags: ["t"] });
  const { oldestSeq, newestSeq } = pool.bounds();
  pool.close();
  assert.ok(oldestSeq !== null && newestSeq !== null && oldestSeq > 1, "the ring has wrapped");
  return { file, oldest: oldestSeq, newest: newestSeq };
}

function scan(file: string): SalvageStep[] {
  const pool = PoolHandle.open(file);
  try {
    return [...salvageScan(pool.poolFile)];
  } finally {
    pool.close();
  }
}

function damage(file: string, seq: number, where: "payload" | "length"): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(mark(seq)));
  assert.ok(at > 0, `seq ${seq} is in the file`);
  const frameAt = bytes.lastIndexOf(Buffer.from("FRM1"), at);
  const target = where === "payload" ? at : frameAt + 32; // 32: payload_len
  bytes[target] = (bytes[target] as number) ^ 0x21;
  fs.writeFileSync(file, bytes);
}

describe("salvage scan", () => {
  for (const where of ["payload", "length"] as const) {
    for (const indexCapacity of [undefined, 0]) {
      it(`reads past a damaged ${where} at any retained seq (index ${indexCapacity ?? "default"})`, () => {
        const { file, oldest, newest } = wrappedPool(indexCapacity);
        const pristine = fs.readFileSync(file);
        const span = newest - oldest;
        for (const seq of [oldest, oldest + 1, oldest + Math.floor(span / 2), newest - 1, newest]) {
          fs.writeFileSync(file, pristine);
          damage(file, seq, where);
          const before = fs.readFileSync(file);
          const steps = scan(file);
          assert.ok(fs.readFileSync(file).equals(before), "the scan writes nothing");
          const lost = steps.filter((s) => s.kind === "lost");
          assert.deepEqual(lost, [{ kind: "lost", fromSeq: seq, toSeq: seq }], `damage at ${seq}`);
          const seqs = steps.flatMap((s) => (s.kind === "message" ? [s.message.seq] : []));
          const wanted = Array.from({ length: span + 1 }, (_, i) => oldest + i).filter((s) => s !== seq);
          assert.deepEqual(seqs, wanted);
          for (const s of steps) {
            if (s.kind !== "message") continue;
            assert.equal((s.message.data as { mark: string }).mark, mark(s.message.seq));
            assert.deepEqual(s.message.tags, ["t"]);
          }
        }
      });
    }
  }

  it("reads an undamaged pool whole and an empty one as nothing", () => {
    const { file, oldest, newest } = wrappedPool();
    const steps = scan(file);
    assert.equal(steps.length, newest - oldest + 1);
    assert.ok(steps.every((s) => s.kind === "message"));
    const empty = path.join(tempDir(), "e.cairn");
    PoolHandle.create(empty, { sizeBytes: 16 * 1024 }).close();
    assert.deepEqual(scan(empty), []);
  });

  it("reports every seq lost when no frame checks out", () => {
    const { file, oldest, newest } = wrappedPool();
    const bytes = fs.readFileSync(file);
    let at = bytes.indexOf(Buffer.from("FRM1"), 4096);
    while (at > 0) {
      bytes[at] = 0;
      at = bytes.indexOf(Buffer.from("FRM1"), at + 1);
    }
    fs.writeFileSync(file, bytes);
    assert.deepEqual(scan(file), [{ kind: "lost", fromSeq: oldest, toSeq: newest }]);
  });
});
