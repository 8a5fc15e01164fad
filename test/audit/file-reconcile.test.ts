/**
 * Issue 9, findings 11 and 12: every file counted in audit_completed has a file event in
 * the phase where it changed (skipped phases and changes before `phase start` included),
 * and Cairn's own output files never count.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { auditProject, cli, cliPath, jsonLines, removeDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const doc = (phases: number) =>
  [
    "# Document 1: Reconcile",
    "=== AUDIT SETUP START ===",
    "=== AUDIT SETUP END ===",
    ...Array.from({ length: phases }, (_, i) => [
      `## Phase ${i + 1}: Step ${i + 1}`,
      "### Verify",
      "```bash",
      "true",
      "```",
    ]).flat(),
  ].join("\n");

type Ev = { type: string; phase: number | null; data: Record<string, unknown> };
const events = (opts: { cwd: string; storage: string }) =>
  jsonLines(cli(["events", "list", "--json"], opts).stdout) as unknown as Ev[];
const fileEvents = (all: Ev[]) =>
  all
    .filter((e) => e.type.startsWith("file_"))
    .map((e) => `${e.type} ${e.data.path} ${e.phase}`)
    .sort();

describe("file events reconcile with completion totals", () => {
  test("changes in a skipped phase and before a verify without phase start become events in their phase", () => {
    const p = auditProject("reconcile", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc(3));
    assert.equal(cli(["audit", "start", "doc.md", "--no-setup-files"], p.opts).status, 0);
    fs.writeFileSync(path.join(p.repo, "skipped.txt"), "made in phase 1\n");
    assert.equal(cli(["phase", "skip", "1", "--reason", "user_request"], p.opts).status, 0);
    fs.writeFileSync(path.join(p.repo, "README.md"), "# Demo\nchanged before verify\n");
    assert.equal(cli(["phase", "verify", "2"], p.opts).status, 0);
    assert.equal(cli(["phase", "start", "3"], p.opts).status, 0);
    fs.writeFileSync(path.join(p.repo, "third.txt"), "phase 3\n");
    assert.equal(cli(["phase", "verify", "3"], p.opts).status, 0);
    const done = cli(["audit", "complete", "--no-tests"], p.opts);
    assert.equal(done.status, 0, done.stderr);
    const all = events(p.opts);
    assert.deepEqual(fileEvents(all), [
      "file_created skipped.txt 1",
      "file_created third.txt 3",
      "file_modified README.md 2",
    ]);
    const completed = all.find((e) => e.type === "audit_completed");
    assert.equal(completed?.data.files_created, 2);
    assert.equal(completed?.data.files_modified, 1);
    assert.equal(completed?.data.files_deleted, 0);
  });

  test("audit run's own redirected stdout and stderr inside the project are never file events", () => {
    const p = auditProject("own-output", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc(2));
    const out = fs.openSync(path.join(p.repo, "audit-events.ndjson"), "w");
    const err = fs.openSync(path.join(p.repo, "audit-errors.log"), "w");
    try {
      const run = spawnSync(process.execPath, [cliPath, "audit", "run", "doc.md", "--no-tests", "--json"], {
        cwd: p.repo,
        env: { ...process.env, NO_COLOR: "1", PHASER_STORAGE_DIR: p.storage },
        stdio: ["ignore", out, err],
        timeout: 60_000,
      });
      assert.equal(run.status, 0, fs.readFileSync(path.join(p.repo, "audit-errors.log"), "utf8"));
    } finally {
      fs.closeSync(out);
      fs.closeSync(err);
    }
    assert.ok(fs.statSync(path.join(p.repo, "audit-events.ndjson")).size > 0, "the run wrote its events there");
    const all = events(p.opts);
    assert.deepEqual(fileEvents(all), []);
    const completed = all.find((e) => e.type === "audit_completed");
    assert.equal(completed?.data.files_created, 0);
    assert.equal(completed?.data.files_modified, 0);
  });
});
