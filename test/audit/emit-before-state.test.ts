/**
 * Issue 9: a storage failure during an emit fails the command with its ErrorKind before
 * audits.json changes, so the audit stays as it was and the same command can be retried.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { auditProject, cli, errorOf, removeDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const doc = [
  "# Document 1: Ordering",
  "=== AUDIT SETUP START ===",
  "=== AUDIT SETUP END ===",
  "## Phase 1: One",
  "### Verify",
  "```bash",
  "true",
  "```",
  "## Phase 2: Two",
  "### Verify",
  "```bash",
  "true",
  "```",
].join("\n");

type Opts = { cwd: string; storage: string };
const corrupt = (p: Opts) => fs.writeFileSync(path.join(p.storage, "events.json"), '{"version":1,"events":[{"id":');
const repair = (p: Opts) => fs.writeFileSync(path.join(p.storage, "events.json"), '{"version":1,"events":[]}\n');
const auditsOnDisk = (p: Opts) =>
  fs.existsSync(path.join(p.storage, "audits.json"))
    ? (JSON.parse(fs.readFileSync(path.join(p.storage, "audits.json"), "utf8")).audits as Record<string, unknown>[])
    : [];
const status = (p: Opts) => JSON.parse(cli(["audit", "status", "--json"], p).stdout) as Record<string, unknown>;
const phase = (p: Opts, n: number) =>
  (status(p).phases as { number: number; status: string }[]).find((x) => x.number === n)?.status;

function failsCorrupt(args: string[], p: Opts): void {
  const r = cli([...args, "--json"], p);
  assert.equal(r.status, 7, `${args.join(" ")}: ${r.stderr}`);
  assert.equal(errorOf(r.stderr).kind, "Corrupt");
}

function started(label: string): Opts {
  const p = auditProject(label, cleanup);
  fs.writeFileSync(path.join(p.repo, "doc.md"), doc);
  const r = cli(["audit", "start", "doc.md"], p.opts);
  assert.equal(r.status, 0, r.stderr);
  return p.opts;
}

describe("events are stored before audits.json changes", () => {
  test("audit start: a corrupt events.json leaves no audit in progress, and the same start succeeds once fixed", () => {
    const p = auditProject("order-start", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), doc);
    fs.mkdirSync(p.storage, { recursive: true });
    corrupt(p.opts);
    failsCorrupt(["audit", "start", "doc.md"], p.opts);
    assert.deepEqual(
      auditsOnDisk(p.opts).filter((a) => a.status === "in_progress"),
      [],
    );
    assert.equal(cli(["audit", "list", "--json"], p.opts).stdout.trim(), "");
    repair(p.opts);
    const again = cli(["audit", "start", "doc.md", "--json"], p.opts);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(auditsOnDisk(p.opts).length, 1);
  });

  test("phase skip: the phase stays pending, and the skip succeeds once fixed", () => {
    const p = started("order-skip");
    corrupt(p);
    failsCorrupt(["phase", "skip", "1", "--reason", "user_request"], p);
    assert.equal(phase(p, 1), "pending");
    repair(p);
    assert.equal(cli(["phase", "skip", "1", "--reason", "user_request"], p).status, 0);
    assert.equal(phase(p, 1), "skipped");
  });

  test("phase start: the phase stays pending, and the start succeeds once fixed", () => {
    const p = started("order-phase-start");
    corrupt(p);
    failsCorrupt(["phase", "start", "1"], p);
    assert.equal(phase(p, 1), "pending");
    repair(p);
    assert.equal(cli(["phase", "start", "1"], p).status, 0);
    assert.equal(phase(p, 1), "in_progress");
  });

  test("audit abandon: the audit stays in progress, and the abandon succeeds once fixed", () => {
    const p = started("order-abandon");
    corrupt(p);
    failsCorrupt(["audit", "abandon", "--reason", "user_request"], p);
    assert.equal(status(p).status, "in_progress");
    repair(p);
    assert.equal(cli(["audit", "abandon", "--reason", "user_request"], p).status, 0);
    assert.equal(auditsOnDisk(p)[0]?.status, "abandoned");
  });

  test("phase verify and audit complete: nothing is marked done until its event is stored", () => {
    const p = started("order-verify");
    assert.equal(cli(["phase", "skip", "2", "--reason", "user_request"], p).status, 0);
    corrupt(p);
    failsCorrupt(["phase", "verify", "1"], p);
    assert.notEqual(phase(p, 1), "completed");
    repair(p);
    const verified = cli(["phase", "verify", "1"], p);
    assert.equal(verified.status, 0, verified.stderr);
    corrupt(p);
    failsCorrupt(["audit", "complete", "--no-tests"], p);
    assert.equal(status(p).status, "in_progress");
    repair(p);
    const done = cli(["audit", "complete", "--no-tests"], p);
    assert.equal(done.status, 0, done.stderr);
  });
});
