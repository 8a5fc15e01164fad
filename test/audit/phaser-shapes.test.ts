/**
 * Issue 9 acceptance: documents in the shapes of Phaser's templates and examples either run
 * to the right outcome or are refused with a clear error before anything runs.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { auditProject, cli, errorOf, fixturesDir, jsonLines, removeDir, repoRoot } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const shapes = path.join(fixturesDir, "phaser-shapes");

function tenPhaseSetupBlock(): string {
  const files = Array.from({ length: 10 }, (_, i) => {
    const n = i + 1;
    const verify = n % 2 === 0 ? ["```bash", `test -f README.md && echo phase-${n}`, "```"] : ["test -f README.md"];
    return [
      `===FILE: .audit/phases/${String(n).padStart(2, "0")}-step-${n}.md===`,
      `# Phase ${n}: Step ${n}`,
      "",
      "## Context",
      `Step ${n} of ten.`,
      "",
      "## Verify",
      ...verify,
      "",
      "## Rollback",
      "git checkout .",
      "===END FILE===",
    ];
  });
  return ["# Ten phases", "=== AUDIT SETUP START ===", ...files.flat(), "=== AUDIT SETUP END ==="].join("\n");
}

describe("Phaser-shaped documents", () => {
  test("a filled phase.template.md runs its fenced commands and never its prose", () => {
    const p = auditProject("shape-template", cleanup);
    const r = cli(["audit", "run", path.join(shapes, "phase-template-filled.md"), "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    const passed = jsonLines(r.stdout).filter((e) => e.type === "verification_passed");
    assert.deepEqual(
      passed.map((e) => (e.data as { command: string }).command),
      ["test -f README.md", "grep -q Demo README.md"],
    );
  });

  test("a filled phase.refined.md with a placeholder is refused, naming the line, before anything runs", () => {
    const p = auditProject("shape-refined", cleanup);
    const r = cli(["audit", "run", path.join(shapes, "phase-refined-filled.md"), "--no-tests"], p.opts);
    assert.equal(r.status, 2);
    assert.match(
      errorOf(r.stderr).message,
      /line 16: phase 1: Verify command holds the template placeholder <evaluation_suite>/,
    );
    assert.equal(fs.existsSync(path.join(p.repo, "ran.txt")), false);
  });

  test("a setup-block document of ten phases runs every phase", () => {
    const p = auditProject("shape-ten", cleanup);
    fs.writeFileSync(path.join(p.repo, "ten.md"), tenPhaseSetupBlock());
    const r = cli(["audit", "run", "ten.md", "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    const events = jsonLines(r.stdout);
    assert.equal(events.filter((e) => e.type === "phase_completed").length, 10);
    assert.equal(events.filter((e) => e.type === "verification_passed").length, 10);
  });

  test("the bridge example with a multi-line python -c and a for loop runs each as one command", () => {
    const p = auditProject("shape-bridge", cleanup);
    const r = cli(
      ["audit", "run", path.join(repoRoot, "examples", "audits", "bridge.md"), "--no-tests", "--json"],
      p.opts,
    );
    assert.equal(r.status, 0, r.stderr);
    const commands = jsonLines(r.stdout)
      .filter((e) => e.type === "verification_passed")
      .map((e) => (e.data as { command: string }).command);
    assert.equal(commands.length, 3);
    assert.match(commands[1] ?? "", /^python3 -c "\nimport pathlib, sys\n[\s\S]*\n"$/);
    assert.match(commands[2] ?? "", /^for f in \*\.md; do\n[\s\S]*\ndone$/);
  });

  test("the setup-block example runs, with its CONTEXT slug", () => {
    const p = auditProject("shape-setup", cleanup);
    const r = cli(
      ["audit", "run", path.join(repoRoot, "examples", "audits", "setup-block.md"), "--no-tests", "--json"],
      p.opts,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal((jsonLines(r.stdout)[0]?.data as { slug?: string } | undefined)?.slug, "setup-block-example");
  });
});
