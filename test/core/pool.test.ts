import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CairnError } from "../../src/core/errors.js";
import { encodeFrame } from "../../src/core/frame.js";
import { PoolHandle } from "../../src/core/pool.js";
import { parseTimeNs } from "../../src/core/time.js";
import { intBetween, rng } from "../helpers/rng.js";
import { tempDir } from "../helpers/tmp.js";

function newPool(sizeBytes = 64 * 1024, indexCapacity?: number): PoolHandle {
  const opts: { sizeBytes: number; indexCapacity?: number } = { sizeBytes };
  if (indexCapacity !== undefined) opts.indexCapacity = indexCapacity;
  return PoolHandle.create(path.join(tempDir(), "p.cairn"), opts);
}

function readAll(pool: PoolHandle, from = 1) {
  const cursor = pool.cursor(from);
  const out = [];
  for (;;) {
    const step = cursor.next();
    if (step.kind === "none") return out;
    if (step.kind === "message") out.push(step.message);
  }
}

function isKind(kind: string) {
  return (err: unknown) => err instanceof CairnError && err.kind === kind;
}

describe("pool engine", () => {
  it("appends messages with seqs from 1 and reads them back by seq", () => {
    const pool = newPool();
    const a = pool.append({ data: { hello: "world" }, tags: ["greeting"] });
    const b = pool.append({ data: [1, 2, 3] });
    assert.equal(a.seq, 1);
    assert.equal(b.seq, 2);
    assert.deepEqual(pool.get(1).data, { hello: "world" });
    assert.deepEqual(pool.get(1).tags, ["greeting"]);
    assert.deepEqual(pool.get(2).data, [1, 2, 3]);
    assert.match(pool.get(1).time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/);
    assert.equal(parseTimeNs(pool.get(1).time), pool.get(1).timeNs);
  });

  it("keeps any JSON value as data: strings, numbers, null, nested objects, unicode", () => {
    const pool = newPool();
    const values = ["text", 42, 3.5, null, true, { deep: { a: [1, { b: "ü😀" }] } }, ""];
    for (const v of values) pool.append({ data: v });
    for (const [i, v] of values.entries()) assert.deepEqual(pool.get(i + 1).data, v);
  });

  it("gives strictly increasing timestamps, even for a batch", () => {
    const pool = newPool();
    const batch = pool.appendBatch(Array.from({ length: 50 }, (_, i) => ({ data: i })));
    const single = pool.append({ data: "after" });
    const times = [...batch, single].map((m) => m.timeNs);
    for (let i = 1; i < times.length; i++) assert.ok((times[i] as bigint) > (times[i - 1] as bigint));
  });

  it("answers NotFound outside the retained bounds and Usage for invalid seqs", () => {
    const pool = newPool();
    assert.throws(() => pool.get(1), isKind("NotFound"));
    pool.append({ data: 1 });
    assert.throws(() => pool.get(2), isKind("NotFound"));
    assert.throws(() => pool.get(0), isKind("Usage"));
    assert.throws(() => pool.get(1.5), isKind("Usage"));
  });

  it("drops the oldest messages when the ring is full, and reports the gap to a slow cursor", () => {
    const pool = newPool(16 * 1024);
    const cursor = pool.cursor(1);
    for (let i = 1; i <= 2000; i++) pool.append({ data: { i, pad: "x".repeat(40) } });
    const bounds = pool.bounds();
    assert.ok((bounds.oldestSeq as number) > 1);
    assert.equal(bounds.newestSeq, 2000);
    const first = cursor.next();
    assert.equal(first.kind, "gap");
    if (first.kind === "gap") {
      assert.equal(first.fromSeq, 1);
      assert.equal(first.toSeq, (bounds.oldestSeq as number) - 1);
    }
    const rest = readAll(pool, bounds.oldestSeq as number);
    assert.equal(rest.length, 2000 - (bounds.oldestSeq as number) + 1);
    assert.throws(() => pool.get(1), isKind("NotFound"));
    assert.equal(pool.validate().status, "ok");
  });

  it("raises RetentionGap with the first missing seq under the error policy", () => {
    const pool = newPool(16 * 1024);
    const cursor = pool.cursor(1, "error");
    for (let i = 1; i <= 1000; i++) pool.append({ data: { i, pad: "y".repeat(60) } });
    assert.throws(
      () => cursor.next(),
      (err: unknown) => err instanceof CairnError && err.kind === "RetentionGap" && err.seq === 1,
    );
  });

  it("appends batches far larger than the ring, group after group, and stays valid", () => {
    const pool = newPool(16 * 1024);
    for (let round = 0; round < 5; round++) {
      pool.appendBatch(Array.from({ length: 700 }, (_, i) => ({ data: { round, i, pad: "b".repeat(i % 90) } })));
      assert.equal(pool.validate().status, "ok", `round ${round}`);
    }
    const b = pool.bounds();
    assert.equal(b.newestSeq, 3500);
    const all = readAll(pool, b.oldestSeq as number);
    assert.equal(all.length, 3500 - (b.oldestSeq as number) + 1);
    assert.deepEqual(all.at(-1)?.data, { round: 4, i: 699, pad: "b".repeat(699 % 90) });
  });

  it("rejects a message larger than the ring with a Usage error and leaves the pool intact", () => {
    const pool = newPool(16 * 1024);
    pool.append({ data: "before" });
    assert.throws(() => pool.append({ data: "z".repeat(20000) }), isKind("Usage"));
    assert.equal(pool.get(1).data, "before");
    assert.equal(pool.validate().status, "ok");
  });

  it("accepts the largest message the ring can hold", () => {
    const pool = newPool(16 * 1024, 0);
    const ring = pool.stats().ring_size;
    const overhead = Buffer.byteLength(JSON.stringify({ data: "", meta: { tags: [] } }));
    const text = "m".repeat(ring - 72 - overhead);
    const m = pool.append({ data: text });
    assert.equal((pool.get(m.seq).data as string).length, text.length);
  });

  it("truncates every message before a seq, and everything when the seq is past the end", () => {
    const pool = newPool();
    for (let i = 1; i <= 20; i++) pool.append({ data: i });
    assert.equal(pool.truncate(11), 10);
    assert.deepEqual(pool.bounds(), { oldestSeq: 11, newestSeq: 20, nextSeq: 21 });
    assert.equal(pool.truncate(5), 0);
    assert.deepEqual(
      readAll(pool, 11).map((m) => m.data),
      [11, 12, 13, 14, 15, 16, 17, 18, 19, 20],
    );
    assert.equal(pool.truncate(100), 10);
    assert.deepEqual(pool.bounds(), { oldestSeq: null, newestSeq: null, nextSeq: 21 });
    assert.equal(pool.append({ data: "again" }).seq, 21, "seqs never repeat after the pool empties");
    assert.equal(pool.validate().status, "ok");
  });

  it("finds the first message at or after a time", () => {
    const pool = newPool();
    const ms = pool.appendBatch(Array.from({ length: 100 }, (_, i) => ({ data: i })));
    assert.equal(pool.seqAtOrAfter((ms[40] as { timeNs: bigint }).timeNs), 41);
    assert.equal(pool.seqAtOrAfter(0n), 1);
    assert.equal(pool.seqAtOrAfter((ms[99] as { timeNs: bigint }).timeNs + 1n), 101);
  });

  it("reports PoolInfo with bounds, counts, utilisation and ages", () => {
    const pool = newPool(64 * 1024);
    pool.append({ data: { a: 1 } });
    const info = pool.stats();
    assert.equal(info.file_size, 65536);
    assert.equal(info.index_capacity, 256);
    assert.equal(info.ring_offset, 4096 + 256 * 16);
    assert.equal(info.ring_size, 65536 - info.ring_offset);
    assert.deepEqual(info.bounds, { oldest: 1, newest: 1 });
    assert.equal(info.metrics.message_count, 1);
    assert.ok(info.metrics.utilization.used_bytes > 72);
    assert.equal(info.metrics.utilization.used_bytes + info.metrics.utilization.free_bytes, info.ring_size);
    assert.ok((info.metrics.age.oldest_age_ms as number) >= 0);
  });

  it("works without an index (capacity 0) by scanning", () => {
    const pool = newPool(32 * 1024, 0);
    for (let i = 1; i <= 500; i++) pool.append({ data: i });
    const b = pool.bounds();
    assert.equal(pool.get(b.newestSeq as number).data, 500);
    assert.equal(pool.get(b.oldestSeq as number).data, b.oldestSeq);
  });

  it("falls back to a scan when an index slot points to the wrong frame", () => {
    const pool = newPool(64 * 1024);
    for (let i = 1; i <= 50; i++) pool.append({ data: i });
    const file = pool.poolFile;
    file.writeIndexSlot(30, 0); // slot for 30 now points at seq 1's frame
    assert.equal(pool.get(30).data, 30);
    assert.equal(pool.validate().status, "warning");
  });

  it("reports every misdirected index slot, including those past the first 4,096, as a warning", () => {
    const pool = newPool(1024 * 1024, 8192);
    for (let i = 0; i < 6000; i += 500) pool.appendBatch(Array.from({ length: 500 }, (_, j) => ({ data: i + j })));
    const file = pool.poolFile;
    file.writeIndexSlot(30, 0);
    file.writeIndexSlot(5000, 0);
    file.writeIndexSlot(5001 + 8192, 1); // 5001's slot now names another seq: not a lookup for 5001, no warning
    const report = pool.validate();
    assert.equal(report.status, "warning");
    assert.deepEqual(
      report.issues.map((i) => [i.code, i.seq]),
      [
        ["index_slot", 30],
        ["index_slot", 5000],
      ],
    );
    assert.equal(report.lastGoodSeq, 6000);
  });

  it("never returns a frame that was written but not published (its writer may have died)", () => {
    const pool = newPool(64 * 1024);
    pool.append({ data: "published" });
    const file = pool.poolFile;
    const head = file.readState().headOff;
    const payload = pool.codec.encode([], "ghost");
    file.writeRing(head, encodeFrame({ seq: 2, timestampNs: 1n, payload, checksummed: true }));
    file.writeIndexSlot(2, head);
    assert.throws(() => pool.get(2), isKind("NotFound"));
    const next = pool.append({ data: "real" });
    assert.equal(next.seq, 2);
    assert.equal(pool.get(2).data, "real");
  });

  it("reports Corrupt, not stale data, when the file is truncated under an open handle", () => {
    const pool = newPool(64 * 1024);
    pool.append({ data: 1 });
    fs.truncateSync(pool.path, 0);
    assert.throws(() => pool.get(1), isKind("Corrupt"));
    assert.throws(() => pool.append({ data: 2 }), isKind("Corrupt"));
  });

  it("refuses to create over an existing pool and refuses invalid sizes", () => {
    const dir = tempDir();
    const file = path.join(dir, "x.cairn");
    PoolHandle.create(file, { sizeBytes: 65536 }).close();
    assert.throws(() => PoolHandle.create(file, { sizeBytes: 65536 }), isKind("AlreadyExists"));
    assert.throws(() => PoolHandle.create(path.join(dir, "y.cairn"), { sizeBytes: 4100 }), isKind("Usage"));
    assert.throws(() => PoolHandle.create(path.join(dir, "z.cairn"), { sizeBytes: 65537 }), isKind("Usage"));
    assert.equal(fs.readdirSync(dir).length, 1, "no temporary files are left behind");
  });

  it("creates a sparse file and parent directories on demand", () => {
    const file = path.join(tempDir(), "a", "b", "big.cairn");
    const pool = PoolHandle.create(file, { sizeBytes: 64 * 1024 * 1024 });
    const stat = fs.statSync(file);
    assert.equal(stat.size, 64 * 1024 * 1024);
    assert.ok(stat.blocks * 512 < 8 * 1024 * 1024, "most of the file is not allocated");
    pool.close();
  });

  it("stays valid through a seeded random workload of two writer handles, checked after every step", () => {
    const next = rng(7);
    const pool = newPool(8 * 1024, 16);
    const other = PoolHandle.open(pool.path); // a second writer: its appends must invalidate the first's ring mirror
    const written = new Map<number, string>();
    let expectedNewest = 0;
    for (let step = 0; step < 1500; step++) {
      const op = next();
      if (op < 0.7) {
        const writer = op < 0.55 ? pool : other;
        const n = intBetween(next, 1, 5);
        const items = Array.from({ length: n }, () => ({
          data: `${step}:${"d".repeat(intBetween(next, 0, 600))}`,
          tags: ["t"],
        }));
        for (const m of writer.appendBatch(items)) written.set(m.seq, m.data as string);
        expectedNewest += n;
      } else if (op < 0.75) {
        const b = pool.bounds();
        if (b.newestSeq !== null) pool.truncate(intBetween(next, b.oldestSeq as number, b.newestSeq + 1));
      } else {
        const b = pool.bounds();
        if (b.newestSeq !== null) {
          const seq = intBetween(next, b.oldestSeq as number, b.newestSeq);
          assert.equal(pool.get(seq).data, written.get(seq));
        }
      }
      const report = pool.validate();
      assert.equal(report.status, "ok", `step ${step}: ${JSON.stringify(report.issues)}`);
      assert.equal(pool.bounds().nextSeq, expectedNewest + 1);
    }
    other.close();
  });
});
