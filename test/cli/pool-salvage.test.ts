/**
 * Black-box tests of `cairn pool salvage`: damage at the first, a middle and the last frame,
 * an undamaged pool, the JSON report, --size, and the refusals (same pool, existing
 * destination, remote source).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createPool, errorOf, feedLines, newPoolDir, runCli } from "./cli-harness.js";

const MESSAGES = 300;
const mark = (n: number): string => `M${String(n).padStart(4, "0")}`;

async function poolOf300(dir: string, name: string): Promise<string> {
  await createPool(dir, name, "256K");
  const fed = await feedLines(
    dir,
    name,
    Array.from({ length: MESSAGES }, (_, i) => ({ n: i + 1, mark: mark(i + 1) })),
    ["--tag", "a", "--tag", "b"],
  );
  assert.equal(fed.code, 0, fed.stderr);
  return path.join(dir, `${name}.cairn`);
}

function damage(file: string, seq: number): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(mark(seq)));
  bytes[at] = (bytes[at] as number) ^ 0x20;
  fs.writeFileSync(file, bytes);
}

async function readAll(dir: string, pool: string): Promise<{ seq: number; data: { n: number }; tags: string[] }[]> {
  const r = await runCli(["follow", pool, "--from", "1", "--no-wait"], { dir });
  assert.equal(r.code, 0, r.stderr);
  return r.stdout
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => {
      const m = JSON.parse(l) as { seq: number; data: { n: number }; meta: { tags: string[] } };
      return { seq: m.seq, data: m.data, tags: m.meta.tags };
    });
}

interface Report {
  copied: number;
  lost_ranges: { from_seq: number; to_seq: number }[];
  dst: string;
}

describe("cairn pool salvage", () => {
  for (const seq of [1, 150, MESSAGES]) {
    it(`copies every message but seq ${seq} when that frame is damaged, and only reads the source`, async () => {
      const dir = newPoolDir();
      const file = await poolOf300(dir, "src");
      damage(file, seq);
      const before = fs.readFileSync(file);
      const r = await runCli(["pool", "salvage", "src", "saved"], { dir });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report, {
        copied: MESSAGES - 1,
        lost_ranges: [{ from_seq: seq, to_seq: seq }],
        dst: path.join(dir, "saved.cairn"),
      });
      assert.ok(fs.readFileSync(file).equals(before), "the damaged file is byte-identical");
      const saved = await readAll(dir, "saved");
      assert.deepEqual(
        saved.map((m) => m.data.n),
        Array.from({ length: MESSAGES }, (_, i) => i + 1).filter((n) => n !== seq),
      );
      assert.deepEqual(
        saved.map((m) => m.seq),
        Array.from({ length: MESSAGES - 1 }, (_, i) => i + 1),
        "seqs are the new pool's",
      );
      assert.ok(saved.every((m) => m.tags.join() === "a,b"));
      assert.equal(fs.statSync(path.join(dir, "saved.cairn")).size, fs.statSync(file).size);
    });
  }

  it("copies an undamaged pool whole, to a size given with --size", async () => {
    const dir = newPoolDir();
    await poolOf300(dir, "src");
    const r = await runCli(["pool", "salvage", "src", "copy", "--size", "1M"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Report).lost_ranges, []);
    assert.equal((await readAll(dir, "copy")).length, MESSAGES);
    assert.equal(fs.statSync(path.join(dir, "copy.cairn")).size, 1024 * 1024);
  });

  it("refuses the source as destination, an existing destination and a remote source", async () => {
    const dir = newPoolDir();
    await poolOf300(dir, "src");
    await createPool(dir, "taken");
    const same = await runCli(["pool", "salvage", "src", path.join(dir, "src.cairn")], { dir });
    assert.equal(same.code, 2, same.stderr);
    const taken = await runCli(["pool", "salvage", "src", "taken"], { dir });
    assert.equal(taken.code, 4, taken.stderr);
    const remote = await runCli(["pool", "salvage", "http://127.0.0.1:9/p", "x"], { dir });
    assert.equal(remote.code, 2, remote.stderr);
    assert.match(errorOf(remote).message, /remote/);
    assert.equal(fs.existsSync(path.join(dir, "x.cairn")), false);
  });
});
