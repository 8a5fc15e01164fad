/** Black-box tests of `cairn doctor`: healthy pools, damaged frames and headers, --all, exit 7. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createPool, errorOf, feedLines, hasScript, newPoolDir, runCli, runInTty } from "./cli-harness.js";

interface Report {
  pool_ref: string;
  path: string;
  status: string;
  last_good_seq: number | null;
  issue_count: number;
  issues: { code: string; offset?: number; seq?: number }[];
  remediation_hints: string[];
}

function flipByteOf(file: string, marker: string): void {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf(Buffer.from(marker));
  assert.ok(at > 0, `marker ${marker} found`);
  bytes[at] = (bytes[at] as number) ^ 0x20;
  fs.writeFileSync(file, bytes);
}

describe("cairn doctor", () => {
  it("reports a healthy pool as ok (exit 0) in text and JSON", async () => {
    const dir = newPoolDir();
    await createPool(dir, "good");
    await feedLines(dir, "good", [{ a: 1 }, { a: 2 }]);
    if (hasScript) {
      const text = runInTty(["--color", "never", "doctor", "good"], dir);
      assert.equal(text.code, 0);
      assert.match(text.output, /^ok\s+good 2 message\(s\), last good seq 2/);
    }
    const json = await runCli(["doctor", "good", "--json"], { dir });
    const { reports } = JSON.parse(json.stdout) as { reports: Report[] };
    assert.equal(reports[0]?.status, "ok");
    assert.equal(reports[0]?.last_good_seq, 2);
    assert.equal(reports[0]?.issue_count, 0);
  });

  it("finds a damaged frame: exit 7, issue with offset and seq, last good seq, hints", async () => {
    const dir = newPoolDir();
    await createPool(dir, "bad");
    await feedLines(dir, "bad", [{ m: "fine" }, { m: "DAMAGED" }, { m: "after" }]);
    flipByteOf(path.join(dir, "bad.cairn"), "DAMAGED");
    const r = await runCli(["doctor", "bad", "--json"], { dir });
    assert.equal(r.code, 7);
    const report = (JSON.parse(r.stdout) as { reports: Report[] }).reports[0] as Report;
    assert.equal(report.status, "corrupt");
    assert.equal(report.last_good_seq, 1);
    assert.equal(report.issues[0]?.seq, 2);
    assert.equal(typeof report.issues[0]?.offset, "number");
    assert.ok(report.remediation_hints.length > 0);
    if (hasScript) {
      const text = runInTty(["--color", "never", "doctor", "bad"], dir);
      assert.equal(text.code, 7);
      assert.match(text.output, /@ offset \d+/);
    }
    const fetch = await runCli(["fetch", "bad", "2"], { dir });
    assert.equal(fetch.code, 7);
    assert.equal(errorOf(fetch).kind, "Corrupt");
  });

  it("reports a pool whose header is damaged or of an unknown version as corrupt, not as a crash", async () => {
    const dir = newPoolDir();
    await createPool(dir, "hdr");
    const file = path.join(dir, "hdr.cairn");
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from("XXXX"), 0, 4, 0);
    fs.closeSync(fd);
    const r = await runCli(["doctor", "hdr", "--json"], { dir });
    assert.equal(r.code, 7);
    const report = (JSON.parse(r.stdout) as { reports: Report[] }).reports[0] as Report;
    assert.equal(report.status, "corrupt");
    assert.equal(report.issues[0]?.code, "open_failed");
  });

  it("--all checks every pool, and exits 7 if any is corrupt", async () => {
    const dir = newPoolDir();
    await createPool(dir, "a");
    await createPool(dir, "b");
    await feedLines(dir, "b", [{ m: "BROKEN" }]);
    const clean = await runCli(["doctor", "--all"], { dir });
    assert.equal(clean.code, 0);
    assert.equal((JSON.parse(clean.stdout) as { reports: Report[] }).reports.length, 2, "piped: JSON");
    if (hasScript) assert.match(runInTty(["doctor", "--all"], dir).output, /2 pool\(s\) checked, 0 corrupt/);
    flipByteOf(path.join(dir, "b.cairn"), "BROKEN");
    const r = await runCli(["doctor", "--all", "--json"], { dir });
    assert.equal(r.code, 7);
    const { reports } = JSON.parse(r.stdout) as { reports: Report[] };
    assert.deepEqual(
      reports.map((x) => [x.pool_ref, x.status]),
      [
        ["a", "ok"],
        ["b", "corrupt"],
      ],
    );
  });

  it("needs pools or --all, and reports a missing pool as NotFound", async () => {
    const dir = newPoolDir();
    assert.equal((await runCli(["doctor"], { dir })).code, 2);
    assert.equal((await runCli(["doctor", "x", "--all"], { dir })).code, 2);
    const missing = await runCli(["doctor", "ghost"], { dir });
    assert.equal(missing.code, 3);
  });

  it("reports a missing pool among others and still checks the rest", async () => {
    const dir = newPoolDir();
    await createPool(dir, "a");
    await createPool(dir, "b");
    const r = await runCli(["--json", "doctor", "a", "ghost", "b"], { dir });
    assert.equal(r.code, 3, r.stderr);
    const { reports } = JSON.parse(r.stdout) as {
      reports: { pool_ref: string; status: string; issues: { code: string }[] }[];
    };
    assert.deepEqual(
      reports.map((x) => [x.pool_ref, x.status]),
      [
        ["a", "ok"],
        ["ghost", "error"],
        ["b", "ok"],
      ],
    );
    assert.equal(reports[1]?.issues[0]?.code, "not_found");
  });
});
