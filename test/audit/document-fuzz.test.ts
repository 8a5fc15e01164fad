/**
 * Issue 10 acceptance: a seeded fuzz test for audit documents. Random setup files (paths
 * into .git, .phaser, tool directories, through symlinks, with `..`, odd cases), random
 * fences and Verify text, random slugs: whatever the document, parsing never throws
 * anything but a CairnError, and writing its setup files never touches anything outside
 * the project or inside .git/ and .phaser/. Fixed seed, bounded count.
 */
import { rng } from "../helpers/rng.js";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { CairnError } from "../../src/core/errors.js";
import { parseAuditDocument } from "../../src/audit/documents/document.js";
import { slugProblem } from "../../src/audit/documents/names.js";
import { writeSetupFiles } from "../../src/audit/run/setup-files.js";
import { removeDir, tempDir } from "./helpers.js";

const SEED = 0x5eed_2026;
const CASES = 150;

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const PATHS = [
  ".audit/CONTEXT.md",
  ".audit/phases/01-a.md",
  "notes/x.md",
  ".git/config",
  ".GIT/hooks/pre-commit",
  "sub/.git/config",
  ".phaser/audits.json",
  ".Phaser/config.yaml",
  ".claude/settings.json",
  ".envrc",
  "../outside.txt",
  "/tmp/absolute.txt",
  "./.git/./config",
  "link-out/x.txt",
  "link-git/config",
  "a/../../escape.txt",
  ".hg/hgrc",
  "src/ok.txt",
];
const VERIFY = [
  "```bash\ntrue\n```",
  "```\ntouch $(echo pwned)\n```",
  "touch bare-marker",
  "All must exit 0.",
  "`rm -rf .` must not run",
  "```bash\necho 'unbalanced\n```",
  "```bash\n<evaluation_suite>\n```",
  "```bash\nfor f in a; do\n echo $f\ndone\n```",
  '```bash\npython3 -c "\nprint(1)\n"\n```',
  "- `true`",
  "```bash\nif true; then\n",
  "~~~\ntrue\n~~~",
  "; rm -rf / && true",
];
const SLUGS = ["ok-slug", "fix/login", "../../x", "", "-x", "a".repeat(60), "Ünï", "x_y-1", "a b"];

function snapshot(dir: string): string {
  const hash = createHash("sha256");
  const walk = (d: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const full = path.join(d, name);
      const stat = fs.lstatSync(full);
      hash.update(`${path.relative(dir, full)}:${stat.isSymbolicLink() ? "link" : stat.size}\n`);
      if (stat.isDirectory() && !stat.isSymbolicLink()) walk(full);
      else if (stat.isFile()) hash.update(fs.readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest("hex");
}

test(`${CASES} random documents (seed ${SEED}) never write outside the project or into .git/.phaser`, () => {
  const next = rng(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const root = tempDir("fuzz");
  cleanup.push(root);
  const outside = path.join(root, "outside");
  const project = path.join(root, "project");
  fs.mkdirSync(outside);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(outside, "keep.txt"), "outside\n");
  execFileSync("git", ["init", "-q"], { cwd: project });
  fs.mkdirSync(path.join(project, ".phaser"));
  fs.writeFileSync(path.join(project, ".phaser", "audits.json"), '{"version":1,"audits":[]}\n');
  fs.symlinkSync(outside, path.join(project, "link-out"));
  fs.symlinkSync(path.join(project, ".git"), path.join(project, "link-git"));
  const guarded = () => [
    snapshot(outside),
    snapshot(path.join(project, ".git")),
    snapshot(path.join(project, ".phaser")),
  ];
  const before = guarded();
  let written = 0;
  for (let i = 0; i < CASES; i++) {
    const files = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(PATHS));
    const slug = pick(SLUGS);
    const text = [
      "# Fuzz",
      `**Slug:** ${slug}`,
      "=== AUDIT SETUP START ===",
      ...files.flatMap((f) => [`===FILE: ${f}===`, `case ${i}`, "===END FILE==="]),
      "=== AUDIT SETUP END ===",
      "## Phase 1: One",
      "### Verify",
      pick(VERIFY),
    ].join("\n");
    const parsed = parseAuditDocument(text);
    // The slug line is read only when the setup block holds no .audit/CONTEXT.md of its own.
    if (slugProblem(slug) && !files.includes(".audit/CONTEXT.md"))
      assert.equal(parsed.document, null, `case ${i}: slug "${slug}" accepted`);
    if (!parsed.document) continue;
    try {
      writeSetupFiles(project, { ...parsed.document, format: "setup-block" });
      written++;
    } catch (err) {
      assert.ok(err instanceof CairnError, `case ${i}: ${String(err)}`);
    }
    assert.deepEqual(guarded(), before, `case ${i} wrote where it must not: ${files.join(", ")}`);
  }
  assert.equal(fs.existsSync(path.join(root, "outside.txt")), false);
  assert.equal(fs.existsSync(path.join(root, "escape.txt")), false);
  assert.ok(written > 0, "some documents were valid and wrote their files");
});
