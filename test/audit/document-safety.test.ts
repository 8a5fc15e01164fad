/**
 * Black-box: nothing a document says runs unless it is a Verify command, and nothing it
 * says is written where it must not be (issue 9 findings 1–6 and the hostile-document
 * acceptance; issue 10 finding 1). Marker files prove what ran.
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

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

const markers = ["m1", "m2", "m3", "m4", "m5", "m6", "m7"];
const noMarkers = (repo: string) => markers.filter((m) => fs.existsSync(path.join(repo, m)));

describe("hostile audit documents", () => {
  test("prose around a fence with $(…), backticks, ; rm, && and unbalanced quotes never runs", () => {
    const p = auditProject("hostile-prose", cleanup);
    const doc = write(
      path.dirname(p.storage),
      "hostile.md",
      [
        "# Document 1: Hostile",
        "Don't run $(touch m1) or `touch m2`.",
        "=== AUDIT SETUP START ===",
        "=== AUDIT SETUP END ===",
        "## Phase 1: One",
        "### Verify",
        "`touch m3` must not be run; rm -rf . && touch m4",
        "It's \"unbalanced $(touch m5)",
        "```bash",
        "test -f README.md",
        "```",
        "Afterwards: ; touch m6 && `touch m7`",
      ].join("\n"),
    );
    const r = cli(["audit", "run", doc, "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(noMarkers(p.repo), []);
    assert.ok(fs.existsSync(path.join(p.repo, "README.md")));
  });

  test("an unfenced Verify section holding prose is refused before anything runs or is recorded", () => {
    const p = auditProject("hostile-bare", cleanup);
    const doc = write(
      path.dirname(p.storage),
      "bare.md",
      [
        "# Bare",
        "=== AUDIT SETUP START ===",
        "===FILE: .audit/phases/01-one.md===",
        "# Phase 1: One",
        "## Verify",
        "Commands that must succeed for this phase.",
        "touch m1",
        "`touch m2` then; rm -rf x && touch m3",
        "All must exit 0.",
        "===END FILE===",
        "=== AUDIT SETUP END ===",
      ].join("\n"),
    );
    const v = cli(["audit", "validate", doc, "--json"], p.opts);
    assert.equal(v.status, 2);
    const report = JSON.parse(v.stdout) as { errors: { line: number; message: string }[] };
    assert.deepEqual(
      report.errors.map((e) => e.line),
      [6, 8, 9],
    );
    const r = cli(["audit", "run", doc, "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 2);
    assert.match(errorOf(r.stderr).message, /line 6: phase 1: Verify line reads as a sentence/);
    assert.deepEqual(noMarkers(p.repo), []);
    assert.equal(fs.existsSync(path.join(p.repo, ".audit")), false, "no setup file was written");
    assert.equal(fs.existsSync(path.join(p.storage, "audits.json")), false, "no audit was recorded");
  });

  test("an unbalanced fence is a clear error and nothing runs", () => {
    const p = auditProject("hostile-fence", cleanup);
    const doc = write(
      path.dirname(p.storage),
      "fence.md",
      "# Document 1: F\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\n```bash\ntouch m1\n",
    );
    const r = cli(["audit", "run", doc, "--no-tests"], p.opts);
    assert.equal(r.status, 2);
    assert.match(errorOf(r.stderr).message, /line 6: code fence opened here is never closed/);
    assert.deepEqual(noMarkers(p.repo), []);
  });

  test("a bulleted Verify section does not complete with zero checks: it is refused", () => {
    const p = auditProject("bullets", cleanup);
    const doc = write(
      path.dirname(p.storage),
      "bullets.md",
      "# Document 1: B\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\n- `touch m1`\n",
    );
    const r = cli(["audit", "run", doc, "--no-tests"], p.opts);
    assert.equal(r.status, 2);
    assert.deepEqual(noMarkers(p.repo), []);
    const allowed = write(
      path.dirname(p.storage),
      "prose-only.md",
      "# Document 1: P\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\nCheck it by hand.\n```text\nnothing\n```\n",
    );
    assert.equal(cli(["audit", "run", allowed, "--no-tests"], p.opts).status, 2);
    assert.equal(cli(["audit", "run", allowed, "--no-tests", "--allow-empty-verify"], p.opts).status, 0);
  });
});

describe("where a document may write", () => {
  const setupDoc = (target: string, content: string) =>
    [
      "# Writes",
      "=== AUDIT SETUP START ===",
      `===FILE: ${target}===`,
      content,
      "===END FILE===",
      "===FILE: .audit/phases/01-one.md===",
      "# Phase 1: One",
      "## Verify",
      "```bash",
      "true",
      "```",
      "===END FILE===",
      "=== AUDIT SETUP END ===",
    ].join("\n");

  for (const target of [
    ".phaser/audits.json",
    ".git/config",
    "sub/.GIT/hooks/pre-commit",
    ".claude/settings.json",
    ".envrc",
  ])
    test(`a setup file at ${target} is refused at validate and at start, and nothing is written`, () => {
      const p = auditProject("protected", cleanup);
      const gitConfig = fs.readFileSync(path.join(p.repo, ".git", "config"), "utf8");
      const doc = write(path.dirname(p.storage), "doc.md", setupDoc(target, "[core]\n\tfsmonitor = touch m1"));
      const v = cli(["audit", "validate", doc, "--json"], p.opts);
      assert.equal(v.status, 2);
      assert.match(JSON.stringify(JSON.parse(v.stdout).errors), /may not write/);
      const s = cli(["audit", "start", doc], p.opts);
      assert.equal(s.status, 2);
      assert.match(errorOf(s.stderr).message, /may not write/);
      assert.equal(fs.readFileSync(path.join(p.repo, ".git", "config"), "utf8"), gitConfig);
      assert.equal(fs.existsSync(path.join(p.repo, ".audit")), false);
      if (target !== ".git/config") assert.equal(fs.existsSync(path.join(p.repo, target)), false);
    });

  test("a setup file through a symlink inside the project is refused, even one pointing inside", () => {
    const p = auditProject("symlink", cleanup);
    fs.symlinkSync(path.join(p.repo, ".git"), path.join(p.repo, "docs"));
    const doc = write(path.dirname(p.storage), "doc.md", setupDoc("docs/config", "x"));
    const v = cli(["audit", "validate", doc, "--json"], { ...p.opts, cwd: p.repo });
    assert.equal(v.status, 2);
    assert.match(v.stdout, /symlink/);
    const s = cli(["audit", "start", doc], p.opts);
    assert.equal(s.status, 2);
    assert.match(errorOf(s.stderr).message, /symlink/);
  });
});

describe("slugs", () => {
  for (const slug of ["fix/login", "../../x", "-lead", "x".repeat(51)])
    test(`--slug ${slug.slice(0, 12)} is refused before anything changes, and a retry works`, () => {
      const p = auditProject("slug", cleanup);
      const doc = write(
        path.dirname(p.storage),
        "doc.md",
        "# Document 1: S\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\n```bash\ntrue\n```\n",
      );
      const r = cli(["audit", "run", doc, "--slug", slug, "--no-tests"], p.opts);
      assert.equal(r.status, 2);
      assert.match(errorOf(r.stderr).message, /slug/);
      assert.equal(fs.existsSync(path.join(p.storage, "audits.json")), false);
      const ok = cli(["audit", "run", doc, "--slug", "fix-login", "--no-tests", "--json"], p.opts);
      assert.equal(ok.status, 0, ok.stderr);
      assert.ok(fs.readdirSync(path.join(p.storage, "reports")).some((f) => f.endsWith("-fix-login.md")));
    });
});
