import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { PoolHandle } from "../../src/core/pool.js";
import { nowNs } from "../../src/core/time.js";
import { tempDir } from "../helpers/tmp.js";

const worker = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures", "pool-worker.js");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("many processes on one pool", { timeout: 240_000 }, () => {
  it("4 writers x 25,000 appends while 2 followers read: every follower sees 1..100000 once, in order, intact", async () => {
    const file = path.join(tempDir(), "mp.cairn");
    PoolHandle.create(file, { sizeBytes: 32 * 1024 * 1024 }).close();
    const followers = [run(["follow", file, "100000"]), run(["follow", file, "100000"])];
    await new Promise((r) => setTimeout(r, 300));
    const writers = [0, 1, 2, 3].map((w) => run(["write", file, String(w), "25000", "fast"]));
    for (const w of await Promise.all(writers)) assert.equal(w.code, 0, w.stderr);
    for (const f of await Promise.all(followers)) {
      assert.equal(f.code, 0, f.stderr);
      assert.deepEqual(JSON.parse(f.stdout), { lastSeq: 100000, outOfOrder: 0, bad: 0, gaps: 0, timedOut: false });
    }
    const pool = PoolHandle.open(file);
    const report = pool.validate();
    assert.equal(report.status, "ok", JSON.stringify(report.issues));
    assert.equal(report.messageCount, 100000);
    const perWriter = new Map<number, number>();
    const cursor = pool.cursor(1);
    for (let step = cursor.next(); step.kind === "message"; step = cursor.next()) {
      const w = (step.message.data as { w: number }).w;
      perWriter.set(w, (perWriter.get(w) ?? 0) + 1);
    }
    assert.deepEqual([...perWriter.entries()].sort(), [
      [0, 25000],
      [1, 25000],
      [2, 25000],
      [3, 25000],
    ]);
    pool.close();
  });

  it("validate lets a writer in during a long scan and never mistakes its appends for damage", async () => {
    const file = path.join(tempDir(), "doctor.cairn");
    const pool = PoolHandle.create(file, { sizeBytes: 64 * 1024 * 1024 });
    const filler = "v".repeat(1000);
    for (let b = 0; b < 120; b++)
      pool.appendBatch(Array.from({ length: 512 }, (_, j) => ({ data: { b, j, s: filler } })));
    const before = pool.bounds().newestSeq as number;
    const writer = spawn(process.execPath, [worker, "write", file, "0", "1000000", "fast"], { stdio: "ignore" });
    try {
      while ((pool.bounds().newestSeq as number) < before + 100) await new Promise((r) => setTimeout(r, 20));
      const windows: [bigint, bigint][] = [];
      for (let round = 0; round < 3; round++) {
        const start = nowNs();
        const report = pool.validate();
        windows.push([start, nowNs()]);
        assert.equal(report.status, "ok", JSON.stringify(report.issues));
      }
      writer.kill("SIGKILL");
      await new Promise((r) => writer.once("close", r));
      // Message times are taken under the lock. A scan that held it from start to end would
      // leave no append in the middle half of its window; this one pauses every few
      // thousand frames.
      const middles = windows.map(([a, z]) => [a + (z - a) / 4n, z - (z - a) / 4n]);
      let inMiddle = 0;
      const cursor = pool.cursor(before);
      for (let step = cursor.next(); step.kind !== "none"; step = cursor.next()) {
        if (step.kind !== "message") continue;
        const t = step.message.timeNs;
        if (middles.some(([a, z]) => t > (a as bigint) && t < (z as bigint))) inMiddle++;
      }
      assert.ok(inMiddle >= 30, `${inMiddle} appends landed in the middle of 3 scans`);
      const final = pool.validate();
      const { oldestSeq, newestSeq } = pool.bounds() as { oldestSeq: number; newestSeq: number };
      assert.equal(final.status, "ok", JSON.stringify(final.issues));
      assert.equal(final.messageCount, newestSeq - oldestSeq + 1);
    } finally {
      writer.kill("SIGKILL");
      pool.close();
    }
  });
});
