/**
 * Issue 9, finding 17 (completion): `--commit`, `--tag` and the clean-up of `.audit/`, like
 * Phaser's completion. Checks come before any step, git runs after the report and events,
 * and a git failure leaves the audit in progress and the command retryable.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { auditProject, cli, errorOf, headCommit, removeDir, tempDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const doc = [
  "# Document 1: Finish",
  "=== AUDIT SETUP START ===",
  "=== AUDIT SETUP END ===",
  "## Phase 1: Add feature",
  "### Verify",
  "```bash",
  "test -f feature.txt",
  "```",
  "## Phase 2: Docs",
  "### Verify",
  "```bash",
  "true",
  "```",
  "",
].join("\n");

const git = (cwd: string, ...args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/** An audit with both phases done, ready for `audit complete`; the document lives outside the repo. */
function readyAudit(label: string, opts?: { repo?: boolean }) {
  const p =
    opts?.repo === false
      ? (() => {
          const repo = tempDir(label);
          const storage = path.join(tempDir(`${label}-store`), ".phaser");
          cleanup.push(repo, path.dirname(storage));
          return { repo, storage, opts: { cwd: repo, storage } };
        })()
      : auditProject(label, cleanup);
  const docDir = tempDir(`${label}-doc`);
  cleanup.push(docDir);
  const docPath = path.join(docDir, "finish.md");
  fs.writeFileSync(docPath, doc);
  const start = cli(["audit", "start", docPath, "--project", "Demo", "--slug", "finish"], p.opts);
  assert.equal(start.status, 0, start.stderr);
  fs.writeFileSync(path.join(p.repo, "feature.txt"), "the feature\n");
  for (const n of ["1", "2"]) {
    const r = cli(["phase", "verify", n], p.opts);
    assert.equal(r.status, 0, r.stderr);
  }
  return { ...p, docPath };
}

function auditJson(p: { opts: { cwd: string; storage: string } }): Record<string, unknown> {
  const r = cli(["audit", "show", "finish", "--json"], p.opts);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function completedEvents(p: { opts: { cwd: string; storage: string } }): number {
  const r = cli(["events", "list", "--type", "audit_completed", "--json"], p.opts);
  return r.stdout.split("\n").filter((l) => l.includes("audit_completed")).length;
}

describe("audit complete --commit --tag and .audit/ clean-up", () => {
  test("commits the audit's changes naming it, tags audit/{date}-{slug} (annotated), deletes .audit/", () => {
    const p = readyAudit("commit-tag");
    assert.ok(fs.existsSync(path.join(p.repo, ".audit", "phases")), "the bridge phase files were written");
    const before = headCommit(p.repo);
    const r = cli(["audit", "complete", "--no-tests", "--commit", "--tag"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    const audit = auditJson(p);
    assert.equal(audit.status, "completed");
    assert.notEqual(headCommit(p.repo), before);
    const message = git(p.repo, "log", "-1", "--format=%B");
    assert.match(message, /Demo\/finish/);
    assert.match(message, /Phases: 2 completed, 0 skipped of 2/);
    assert.match(message, /phase 1: Add feature/);
    assert.equal(git(p.repo, "show", "HEAD:feature.txt"), "the feature");
    assert.equal(git(p.repo, "ls-tree", "-r", "--name-only", "HEAD").includes(".audit/"), false);
    const tag = `audit/${audit.date}-finish`;
    assert.equal(git(p.repo, "cat-file", "-t", tag), "tag", "an annotated tag");
    assert.equal(git(p.repo, "rev-parse", `${tag}^{commit}`), headCommit(p.repo));
    assert.equal(fs.existsSync(path.join(p.repo, ".audit")), false, ".audit/ is deleted at completion");
    assert.equal(git(p.repo, "status", "--porcelain"), "");
  });

  test("--keep-audit-dir keeps .audit/", () => {
    const p = readyAudit("keep");
    const r = cli(["audit", "complete", "--no-tests", "--keep-audit-dir"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.existsSync(path.join(p.repo, ".audit", "phases")));
  });

  test("an existing tag is AlreadyExists before anything changes; the same command works once it is gone", () => {
    const p = readyAudit("tag-taken");
    const date = auditJson(p).date as string;
    git(p.repo, "tag", `audit/${date}-finish`);
    const before = headCommit(p.repo);
    const r = cli(["audit", "complete", "--no-tests", "--commit", "--tag"], p.opts);
    assert.equal(r.status, 4, r.stderr);
    assert.equal(errorOf(r.stderr).kind, "AlreadyExists");
    assert.match(errorOf(r.stderr).message, /audit\/.*-finish already exists/);
    assert.equal(auditJson(p).status, "in_progress");
    assert.equal(headCommit(p.repo), before, "no commit");
    assert.equal(completedEvents(p), 0, "no audit_completed");
    assert.ok(fs.existsSync(path.join(p.repo, ".audit")), ".audit/ untouched");
    git(p.repo, "tag", "-d", `audit/${date}-finish`);
    const again = cli(["audit", "complete", "--no-tests", "--commit", "--tag"], p.opts);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(auditJson(p).status, "completed");
  });

  test("a git failure (a pre-commit hook refuses) leaves the audit in progress and retryable", () => {
    const p = readyAudit("hook-fails");
    const hook = path.join(p.repo, ".git", "hooks", "pre-commit");
    fs.writeFileSync(hook, "#!/bin/sh\necho refused >&2\nexit 1\n", { mode: 0o755 });
    const r = cli(["audit", "complete", "--no-tests", "--commit", "--tag"], p.opts);
    assert.notEqual(r.status, 0);
    assert.match(errorOf(r.stderr).message, /git commit failed/);
    const audit = auditJson(p);
    assert.equal(audit.status, "in_progress");
    assert.equal(git(p.repo, "tag", "--list", "audit/*"), "", "no tag without the commit");
    assert.ok(fs.existsSync(path.join(p.repo, ".audit")), ".audit/ kept for the retry");
    fs.rmSync(hook);
    const again = cli(["audit", "complete", "--no-tests", "--commit", "--tag"], p.opts);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(auditJson(p).status, "completed");
    assert.equal(git(p.repo, "cat-file", "-t", `audit/${audit.date}-finish`), "tag");
  });

  test("outside a git repository --commit and --tag are Usage errors before anything changes", () => {
    const p = readyAudit("no-repo", { repo: false });
    for (const flag of ["--commit", "--tag"]) {
      const r = cli(["audit", "complete", "--no-tests", flag], p.opts);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(errorOf(r.stderr).kind, "Usage");
      assert.match(errorOf(r.stderr).message, /needs a git repository/);
    }
    assert.equal(auditJson(p).status, "in_progress");
    assert.equal(completedEvents(p), 0);
    assert.ok(fs.existsSync(path.join(p.repo, ".audit")));
  });

  test("audit run --commit outside git is refused before the audit starts", () => {
    const repo = tempDir("run-no-repo");
    const storage = path.join(tempDir("run-no-repo-store"), ".phaser");
    cleanup.push(repo, path.dirname(storage));
    fs.writeFileSync(path.join(repo, "feature.txt"), "x\n");
    const docPath = path.join(repo, "finish.md");
    fs.writeFileSync(docPath, doc);
    const r = cli(["audit", "run", docPath, "--no-tests", "--commit"], { cwd: repo, storage });
    assert.equal(r.status, 2, r.stderr);
    assert.match(errorOf(r.stderr).message, /--commit needs a git repository/);
    assert.equal(cli(["audit", "list", "--json"], { cwd: repo, storage }).stdout.trim(), "");
    assert.equal(fs.existsSync(path.join(repo, ".audit")), false);
  });

  test("audit run --commit --git-tag completes, commits and tags", () => {
    const p = auditProject("run-commit", cleanup);
    fs.writeFileSync(path.join(p.repo, "feature.txt"), "x\n");
    const docDir = tempDir("run-commit-doc");
    cleanup.push(docDir);
    fs.writeFileSync(path.join(docDir, "finish.md"), doc);
    const r = cli(
      ["audit", "run", path.join(docDir, "finish.md"), "--slug", "finish", "--no-tests", "--commit", "--git-tag"],
      p.opts,
    );
    assert.equal(r.status, 0, r.stderr);
    const audit = auditJson(p);
    assert.equal(audit.status, "completed");
    assert.equal(git(p.repo, "cat-file", "-t", `audit/${audit.date}-finish`), "tag");
    assert.equal(git(p.repo, "show", "HEAD:feature.txt"), "x");
  });
});
