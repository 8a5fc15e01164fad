/**
 * Black-box: the whole audit loop through the CLI in a real git repository —
 * start → phases verified (one passing, one failing then fixed, one skipped) → complete,
 * watched live from a second process, then exported and checked field by field.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { cli, cliBackground, gitRepo, headCommit, jsonLines, removeDir, tempDir, waitForOutput } from "./helpers.js";

const cleanup: string[] = [];
const cleanupProcesses: ChildProcess[] = [];
after(() => {
  for (const p of cleanupProcesses) if (p.exitCode === null) p.kill();
  for (const d of cleanup) removeDir(d);
});

const bridgeDoc = `# Document 1: Feature Hardening

> Phases 1-3

## Document Overview

Adds a feature file, fixes the README, and skips the docs.

=== AUDIT SETUP START ===

\`\`\`bash
git status
\`\`\`

=== AUDIT SETUP END ===

## Phase 1: Add feature

### Files

| File | Action | Purpose |
|------|--------|---------|
| \`src/feature.txt\` | CREATE | the feature |
| \`old.txt\` | DELETE | obsolete |

### Verify

\`\`\`bash
test -f src/feature.txt
# Expected: the feature is described
grep -q feature src/feature.txt
\`\`\`

## Phase 2: Fix README

### Verify

\`\`\`bash
grep -q fixed README.md
\`\`\`

## Phase 3: Write docs

### Verify

\`\`\`bash
test -f docs/guide.md
\`\`\`
`;

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Ev = {
  id: string;
  type: string;
  timestamp: string;
  audit_id: string;
  phase: number | null;
  data: Record<string, unknown>;
};

describe("the audit loop through the CLI", () => {
  test("start → verify (pass, fail then fix, skip) → complete, watched live, exported with every field", async () => {
    const repo = gitRepo("loop");
    const storage = path.join(tempDir("loop-store"), ".phaser");
    cleanup.push(repo, path.dirname(storage));
    fs.writeFileSync(path.join(repo, "audit.md"), bridgeDoc);
    fs.writeFileSync(path.join(repo, "old.txt"), "legacy\n");
    const opts = { cwd: repo, storage };
    const commit = headCommit(repo);

    assert.equal(cli(["config", "set", "audit.test_command", "test -f src/feature.txt"], opts).status, 0);
    // --idle-timeout is a safety net: a failed assertion below must not leave a watcher running.
    const watch = cliBackground(["audit", "watch", "--until-done", "--idle-timeout", "60", "--json"], opts);
    cleanupProcesses.push(watch);
    const watched = waitForOutput(watch.stdout!, /"audit_completed"/, 60_000);
    await waitForOutput(watch.stderr!, /watching/);

    const validate = cli(["audit", "validate", "audit.md", "--json"], opts);
    assert.equal(validate.status, 0, validate.stderr);
    assert.equal(JSON.parse(validate.stdout).phases.length, 3);

    const start = cli(["audit", "start", "audit.md", "--project", "Demo"], opts);
    assert.equal(start.status, 0, start.stderr);
    const auditId = JSON.parse(start.stdout).id as string;
    assert.match(auditId, UUID);

    // Phase 1 passes: one file created, one deleted.
    assert.equal(cli(["phase", "start", "1"], opts).status, 0);
    fs.mkdirSync(path.join(repo, "src"));
    fs.writeFileSync(path.join(repo, "src", "feature.txt"), "the feature\n");
    fs.rmSync(path.join(repo, "old.txt"));
    const v1 = cli(["phase", "verify", "1"], opts);
    assert.equal(v1.status, 0, v1.stderr + v1.stdout);

    // Phase 2 fails first, then passes after the fix.
    const v2a = cli(["phase", "verify", "2"], opts);
    assert.equal(v2a.status, 1);
    assert.equal(JSON.parse(v2a.stdout).passed, false);
    fs.appendFileSync(path.join(repo, "README.md"), "fixed\n");
    const v2b = cli(["phase", "verify", "2"], opts);
    assert.equal(v2b.status, 0, v2b.stderr);

    // Phase 3 skipped; then complete (runs the configured test command).
    assert.equal(cli(["phase", "skip", "3", "--reason", "user_request"], opts).status, 0);
    const status = cli(["audit", "status", "--json"], opts);
    assert.equal(JSON.parse(status.stdout).phases_completed, 2);
    const complete = cli(["audit", "complete"], opts);
    assert.equal(complete.status, 0, complete.stderr);

    // The watcher in the other process saw every event as it happened, in order.
    const live = jsonLines(await watched) as unknown as Ev[];
    watch.kill();

    const exportPath = path.join(repo, "exported.json");
    const exported = cli(["events", "export", "-o", exportPath], opts);
    assert.equal(exported.status, 0, exported.stderr);
    const file = JSON.parse(fs.readFileSync(exportPath, "utf8")) as { version: number; events: Ev[] };
    assert.equal(file.version, 1);
    const events = file.events;
    assert.deepEqual(
      live.map((e) => e.id),
      events.map((e) => e.id),
      "the live watcher and the export agree",
    );
    assert.deepEqual(
      events.map((e) => `${e.type}${e.phase === null ? "" : `@${e.phase}`}`),
      [
        "audit_started",
        "phase_started@1",
        "verification_passed@1",
        "verification_passed@1",
        "file_created@1",
        "file_deleted@1",
        "phase_completed@1",
        "phase_started@2",
        "verification_failed@2",
        "verification_passed@2",
        "file_modified@2",
        "phase_completed@2",
        "phase_skipped@3",
        "verification_passed",
        "audit_completed",
      ],
    );
    for (const e of events) {
      assert.match(e.id, UUID);
      assert.match(e.timestamp, ISO_MS);
      assert.equal(e.audit_id, auditId);
      assert.ok(e.data && typeof e.data === "object");
    }
    const byType = (type: string) => events.filter((e) => e.type === type);
    assert.deepEqual(byType("audit_started")[0]?.data, {
      project: "Demo",
      slug: "feature-hardening",
      phases_total: 3,
      git_branch: "main",
      git_commit: commit,
    });
    assert.deepEqual(byType("phase_started")[0]?.data, {
      description: "Add feature",
      file: ".audit/phases/01-add-feature.md",
    });
    const [pass1] = byType("verification_passed");
    assert.equal(pass1?.data.command, "test -f src/feature.txt");
    assert.equal(pass1?.data.exit_code, 0);
    assert.ok(Number.isInteger(pass1?.data.duration_ms));
    const [fail] = byType("verification_failed");
    assert.equal(fail?.data.command, "grep -q fixed README.md");
    assert.equal(fail?.data.exit_code, 1);
    assert.ok(Number.isInteger(fail?.data.duration_ms));
    assert.equal(typeof fail?.data.output, "string");
    assert.deepEqual(byType("file_created")[0]?.data, { path: "src/feature.txt", size_bytes: 12 });
    assert.deepEqual(byType("file_deleted")[0]?.data, { path: "old.txt" });
    assert.deepEqual(byType("file_modified")[0]?.data, {
      path: "README.md",
      size_bytes: 13,
      lines_added: 1,
      lines_removed: 0,
    });
    const [done1, done2] = byType("phase_completed");
    assert.equal(typeof done1?.data.duration_seconds, "number");
    assert.equal(done1?.data.files_created, 1);
    assert.equal(done1?.data.files_modified, 0);
    assert.equal(done1?.data.verification_count, 2);
    assert.equal(done2?.data.files_modified, 1);
    assert.equal(done2?.data.verification_count, 1);
    assert.deepEqual(byType("phase_skipped")[0]?.data, { reason: "user_request" });
    const completed = byType("audit_completed")[0]?.data ?? {};
    assert.equal(typeof completed.duration_seconds, "number");
    assert.deepEqual(
      { ...completed, duration_seconds: 0 },
      {
        duration_seconds: 0,
        phases_completed: 2,
        phases_skipped: 1,
        files_created: 1,
        files_modified: 1,
        files_deleted: 1,
        git_commit: commit,
      },
    );

    // audits.json holds the totals.
    const audits = JSON.parse(fs.readFileSync(path.join(storage, "audits.json"), "utf8"));
    const record = audits.audits.find((a: { id: string }) => a.id === auditId);
    assert.equal(record.status, "completed");
    assert.equal(record.project, "Demo");
    assert.equal(record.phases_total, 3);
    assert.equal(record.phases_completed, 2);
    assert.equal(record.phases_skipped, 1);
    assert.equal(record.files_created, 1);
    assert.equal(record.files_modified, 1);
    assert.equal(record.files_deleted, 1);
    assert.match(record.completed_at, ISO_MS);
    assert.equal(record.metadata.completed_commit, commit);
    assert.ok(fs.existsSync(record.report), "the report is archived");
    assert.match(path.basename(record.report), /^\d{4}-\d{2}-\d{2}-feature-hardening\.md$/);

    // Replay through the library gives the same events in time order.
    const { PhaserStorage } = await import("../../src/audit/storage/storage.js");
    const { EventEmitter } = await import("../../src/audit/events/emitter.js");
    const seen: string[] = [];
    const store = new PhaserStorage(storage);
    const count = await new EventEmitter(store).replay(auditId, (e) => seen.push(e.id));
    store.close();
    assert.equal(count, events.length);
    assert.deepEqual(
      seen,
      events.map((e) => e.id),
    );
  });

  test("audit run executes a setup-block document unattended and exits 1 when a phase fails for good", () => {
    const repo = gitRepo("run");
    const storage = path.join(tempDir("run-store"), ".phaser");
    cleanup.push(repo, path.dirname(storage));
    const doc = [
      "# Nightly checks",
      "=== AUDIT SETUP START ===",
      "===FILE: .audit/CONTEXT.md===",
      "# Context",
      "===END FILE===",
      "===FILE: .audit/phases/01-readme.md===",
      "# Phase 1: README exists",
      "## Verify",
      "test -f README.md",
      "===END FILE===",
      "===FILE: .audit/phases/02-license.md===",
      "# Phase 2: License exists",
      "## Verify",
      "echo checking license; test -f LICENSE",
      "===END FILE===",
      "=== AUDIT SETUP END ===",
      "",
    ].join("\n");
    fs.writeFileSync(path.join(repo, "nightly.md"), doc);
    const opts = { cwd: repo, storage };
    const run = cli(["audit", "run", "nightly.md", "--max-attempts", "2", "--no-tests"], opts);
    assert.equal(run.status, 1, run.stderr);
    const events = jsonLines(run.stdout) as unknown as Ev[];
    assert.ok(fs.existsSync(path.join(repo, ".audit", "CONTEXT.md")), "setup files are written");
    assert.deepEqual(
      events.map((e) => e.type),
      [
        "audit_started",
        "phase_started",
        "verification_passed",
        "phase_completed",
        "phase_started",
        "verification_failed",
        "verification_failed",
        "phase_failed",
        "audit_abandoned",
      ],
    );
    const failed = events.find((e) => e.type === "phase_failed");
    assert.equal(failed?.phase, 2);
    assert.equal(failed?.data.attempts, 2);
    assert.equal(failed?.data.error, "Verification command failed: echo checking license; test -f LICENSE");
    assert.equal(typeof failed?.data.duration_seconds, "number");
    assert.match(String(events.find((e) => e.type === "verification_failed")?.data.output), /checking license/);
    // Issue 9, finding 14: phases_remaining counts phases not started; the failed phase 2 was started.
    assert.deepEqual(events.at(-1)?.data, { reason: "error", phases_completed: 1, phases_remaining: 0 });
    const listed = cli(["audit", "list", "--json"], opts);
    const list = jsonLines(listed.stdout);
    assert.equal(list[0]?.status, "failed", `audit list printed: ${listed.stdout} ${listed.stderr}`);

    // Fixed: a second run passes.
    fs.writeFileSync(path.join(repo, "LICENSE"), "MIT\n");
    const again = cli(["audit", "run", "nightly.md", "--no-tests"], opts);
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal(jsonLines(again.stdout).at(-1)?.type, "audit_completed");
  });

  test("abandon records phases completed and remaining", () => {
    const repo = gitRepo("abandon");
    const storage = path.join(tempDir("abandon-store"), ".phaser");
    cleanup.push(repo, path.dirname(storage));
    fs.writeFileSync(path.join(repo, "audit.md"), bridgeDoc);
    const opts = { cwd: repo, storage };
    const first = cli(["audit", "start", "audit.md"], opts);
    assert.equal(first.status, 0, first.stderr);
    const skip = cli(["phase", "skip", "1", "--reason", "dependency_failed"], opts);
    assert.equal(skip.status, 0, skip.stderr);
    const second = cli(["audit", "start", "audit.md"], opts);
    assert.equal(second.status, 4, `one audit in progress per project: ${second.stderr}`);
    // From another directory, --audit acts on the audit's own project.
    const elsewhere = tempDir("elsewhere");
    cleanup.push(elsewhere);
    const auditId = JSON.parse(cli(["audit", "status", "--json"], opts).stdout).id as string;
    const verify = cli(["phase", "verify", "2", "--audit", auditId.slice(0, 8)], { cwd: elsewhere, storage });
    assert.equal(
      verify.status,
      1,
      `README.md of the audit's repo has no 'fixed' yet: ${verify.stdout} ${verify.stderr}`,
    );
    assert.equal(JSON.parse(verify.stdout).commands[0].command, "grep -q fixed README.md");
    fs.appendFileSync(path.join(repo, "README.md"), "fixed\n");
    const fixed = cli(["phase", "verify", "2", "--audit", auditId.slice(0, 8)], { cwd: elsewhere, storage });
    assert.equal(fixed.status, 0, fixed.stdout + fixed.stderr);
    const abandon = cli(["audit", "abandon", "--reason", "user_request"], opts);
    assert.equal(abandon.status, 0, abandon.stderr);
    assert.equal(JSON.parse(abandon.stdout).status, "abandoned");
    const listed = cli(["events", "list", "--type", "audit_abandoned"], opts);
    const last = jsonLines(listed.stdout)[0] as unknown as Ev;
    assert.ok(last, listed.stderr);
    assert.deepEqual(last.data, { reason: "user_request", phases_completed: 1, phases_remaining: 1 });
  });
});
