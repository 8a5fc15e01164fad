/**
 * Issue 9: state changes that leave an audit consistent and retryable, counts that follow
 * the event spec, the document's CONTEXT metadata, and failing output shown by `audit run`.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { truncateOutput } from "../../src/audit/events/emit-helpers.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { auditProject, cli, cliPath, jsonLines, removeDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const doc = (verify: string[]) =>
  [
    "# Document 1: Consistency",
    "=== AUDIT SETUP START ===",
    "=== AUDIT SETUP END ===",
    ...verify.flatMap((v, i) => [`## Phase ${i + 1}: Step ${i + 1}`, "### Verify", "```bash", v, "```"]),
  ].join("\n");

describe("consistent, retryable state changes", () => {
  test("a report that cannot be written leaves the audit in progress, and complete can be retried", () => {
    const p = auditProject("report-fail", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc(["true"]));
    assert.equal(cli(["audit", "start", "doc.md"], p.opts).status, 0);
    assert.equal(cli(["phase", "verify", "1"], p.opts).status, 0);
    fs.rmSync(path.join(p.storage, "reports"), { recursive: true, force: true });
    fs.writeFileSync(path.join(p.storage, "reports"), "not a directory");
    const failed = cli(["audit", "complete", "--no-tests"], p.opts);
    assert.notEqual(failed.status, 0);
    assert.equal(JSON.parse(cli(["audit", "status", "--json"], p.opts).stdout).status, "in_progress");
    fs.rmSync(path.join(p.storage, "reports"));
    const retried = cli(["audit", "complete", "--no-tests", "--json"], p.opts);
    assert.equal(retried.status, 0, retried.stderr);
    assert.equal(JSON.parse(retried.stdout).status, "completed");
  });

  test("audit_abandoned.phases_remaining counts the phases not started", () => {
    const p = auditProject("remaining", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc(["true", "true", "true"]));
    assert.equal(cli(["audit", "start", "doc.md"], p.opts).status, 0);
    assert.equal(cli(["phase", "start", "1"], p.opts).status, 0);
    assert.equal(cli(["audit", "abandon", "--reason", "user_request"], p.opts).status, 0);
    const events = jsonLines(cli(["events", "list", "--type", "audit_abandoned"], p.opts).stdout);
    assert.deepEqual(events[0]?.data, { reason: "user_request", phases_completed: 0, phases_remaining: 2 });
  });

  test("audits are listed newest first by instant, whatever their offsets", () => {
    const p = auditProject("list-order", cleanup);
    fs.mkdirSync(p.storage, { recursive: true });
    const audit = (slug: string, started_at: string) => ({
      id: `00000000-0000-4000-8000-00000000000${slug.length}`,
      project: "x",
      slug,
      date: "2026-01-01",
      status: "completed",
      started_at,
    });
    fs.writeFileSync(
      path.join(p.storage, "audits.json"),
      JSON.stringify({
        version: 1,
        audits: [audit("earlier", "2026-01-01T11:00:00+01:00"), audit("later", "2026-01-01T10:30:00Z")],
      }),
    );
    const storage = new PhaserStorage(p.storage);
    assert.deepEqual(
      storage.listAudits().map((a) => a.slug),
      ["later", "earlier"],
    );
  });

  test("verification output is cut to 1000 characters without splitting a surrogate pair", () => {
    const cut = truncateOutput(`${"😀".repeat(1200)}x`);
    assert.ok(!/^[\uDC00-\uDFFF]/.test(cut), "the cut starts with a lone low surrogate");
    assert.equal(Array.from(cut).length, 1000);
  });

  test("cairn audit run shows a failing verify command's output, as phase verify does", () => {
    const p = auditProject("run-output", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc(["echo the-reason-it-failed; false"]));
    // Text output needs a terminal: util-linux `script` gives the CLI one.
    const command = [process.execPath, cliPath, "audit", "run", "doc.md", "--no-tests", "--max-attempts", "1"]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = spawnSync("script", ["-qec", command, "/dev/null"], {
      cwd: p.repo,
      env: { ...process.env, NO_COLOR: "1", PHASER_STORAGE_DIR: p.storage },
      encoding: "utf8",
    });
    assert.match(r.stdout.replace(/\r/g, ""), /verification_failed[^\n]*\n\s+the-reason-it-failed/);
  });
});

describe("CONTEXT metadata", () => {
  test("project, slug and date come from the document's .audit/CONTEXT.md", () => {
    const p = auditProject("context", cleanup);
    fs.writeFileSync(
      path.join(p.repo, "doc.md"),
      [
        "# Impromptu audit",
        "=== AUDIT SETUP START ===",
        "===FILE: .audit/CONTEXT.md===",
        "# Audit Context",
        "**Project:** Impromptu",
        "**Slug:** architecture-refactor",
        "**Date:** 2025-12-05",
        "===END FILE===",
        "===FILE: .audit/phases/01-one.md===",
        "# Phase 1: One",
        "## Verify",
        "true",
        "===END FILE===",
        "=== AUDIT SETUP END ===",
      ].join("\n"),
    );
    const r = cli(["audit", "start", "doc.md", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    const audit = JSON.parse(r.stdout);
    assert.deepEqual([audit.project, audit.slug, audit.date], ["Impromptu", "architecture-refactor", "2025-12-05"]);
  });
});
