/**
 * Issue 9, finding 17 (resume): an `audit run` killed with SIGKILL during a phase leaves
 * the audit in progress; `cairn audit resume` runs the interrupted phase and the ones after
 * it (never a completed one again) and completes as `audit run` would. Marker files outside
 * the project count how often each phase's Verify command ran.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { auditProject, cli, cliBackground, errorOf, removeDir, tempDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

/** Phase 2 sleeps while `hold` exists, so the test can kill the run in the middle of it. */
function document(markers: string): string {
  const phase = (n: number, extra = "") =>
    [`## Phase ${n}: Step ${n}`, "### Verify", "```bash", `echo run >> '${markers}/phase-${n}'${extra}`, "```"].join(
      "\n",
    );
  return [
    "# Document 1: Interrupted",
    "=== AUDIT SETUP START ===",
    "=== AUDIT SETUP END ===",
    phase(1),
    phase(2, `\nif [ -f '${markers}/hold' ]; then sleep 60; fi`),
    phase(3),
    "",
  ].join("\n");
}

const runs = (markers: string, n: number) => {
  const file = path.join(markers, `phase-${n}`);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
};

describe("audit resume", () => {
  test("after a SIGKILL during phase 2, resume runs phases 2 and 3 only and the audit completes", async () => {
    const p = auditProject("resume", cleanup);
    const markers = tempDir("resume-markers");
    cleanup.push(markers);
    fs.writeFileSync(path.join(markers, "hold"), "");
    const docPath = path.join(markers, "doc.md");
    fs.writeFileSync(docPath, document(markers));
    const run = cliBackground(["audit", "run", docPath, "--slug", "interrupted", "--no-tests", "--json"], p.opts);
    const deadline = Date.now() + 20_000;
    while (runs(markers, 2) === 0 && Date.now() < deadline) await sleep(10);
    assert.equal(runs(markers, 2), 1, "phase 2 started");
    run.kill("SIGKILL");
    await new Promise((resolve) => run.once("exit", resolve));
    fs.rmSync(path.join(markers, "hold"));

    const stuck = JSON.parse(cli(["audit", "show", "interrupted", "--json"], p.opts).stdout);
    assert.equal(stuck.status, "in_progress");
    assert.deepEqual(
      stuck.phases.map((ph: { status: string }) => ph.status),
      ["completed", "in_progress", "pending"],
    );

    const r = cli(["audit", "resume", "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([runs(markers, 1), runs(markers, 2), runs(markers, 3)], [1, 2, 1]);
    const done = JSON.parse(cli(["audit", "show", "interrupted", "--json"], p.opts).stdout);
    assert.equal(done.status, "completed");
    assert.equal(done.phases_completed, 3);
    assert.match(r.stdout, /"type":"audit_completed"/);
  });

  test("a hand-driven audit: refused with no phase in progress, resumable once a phase is left started", () => {
    const p = auditProject("resume-between", cleanup);
    const markers = tempDir("resume-between-markers");
    cleanup.push(markers);
    const docPath = path.join(markers, "doc.md");
    fs.writeFileSync(docPath, document(markers));
    const started = cli(["audit", "start", docPath, "--slug", "between"], p.opts);
    assert.equal(started.status, 0, started.stderr);
    const refused = cli(["audit", "resume"], p.opts);
    assert.equal(refused.status, 2, "a hand-driven audit with nothing in progress is no interrupted run");
    assert.equal(errorOf(refused.stderr).kind, "Usage");
    assert.match(errorOf(refused.stderr).message, /no interrupted run to resume/);
    assert.equal(cli(["phase", "start", "2"], p.opts).status, 0);
    const r = cli(["audit", "resume", "between", "--no-tests"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual([runs(markers, 1), runs(markers, 2), runs(markers, 3)], [1, 1, 1]);
  });

  test("with no audit in progress, resume says so with its error kind's exit code", () => {
    const p = auditProject("resume-none", cleanup);
    const r = cli(["audit", "resume"], p.opts);
    assert.notEqual(r.status, 0);
    assert.match(errorOf(r.stderr).message, /no audit in progress|not in progress/);
    assert.equal(r.status, { NotFound: 3, Usage: 2 }[errorOf(r.stderr).kind]);
  });
});
