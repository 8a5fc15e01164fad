import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { captureManifest } from "../../src/audit/manifests/manifest.js";
import {
  compareManifests,
  diffToJson,
  formatDetailed,
  formatSummary,
} from "../../src/audit/manifests/manifest-compare.js";
import { readManifestFile } from "../../src/audit/manifests/manifest-file.js";
import { countChanges, diffLines, unifiedDiff } from "../../src/audit/manifests/line-diff.js";
import { cli, fixturesDir, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("diffs");
after(() => removeDir(scratch));

function tree(name: string, files: Record<string, string | Buffer>): string {
  const root = path.join(scratch, name);
  for (const [rel, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), content);
  }
  return root;
}

describe("manifests", () => {
  test("excludes match whole path components, so .github and .gitignore stay while .git goes", async () => {
    const root = tree("components", {
      ".git/HEAD": "ref",
      ".github/workflows/ci.yml": "on: push\n",
      ".gitignore": "",
      "venv-tools/x.py": "print(1)\n",
      "venv/lib.py": "x\n",
      "src/node_modules/dep.js": "x\n",
    });
    const m = await captureManifest(root);
    assert.deepEqual(
      m.files.map((f) => f.path),
      [".github/workflows/ci.yml", ".gitignore", "venv-tools/x.py"],
    );
  });

  test(".gitignore files are honoured (nested, negation, directory-only, anchored)", async () => {
    const root = tree("ignored", {
      ".gitignore": "*.log\n/build/\n!keep.log\ncache/\n",
      "a.log": "x",
      "keep.log": "x",
      "build/out.js": "x",
      "src/build/real.js": "x",
      "src/cache/c": "x",
      "src/.gitignore": "secret.txt\n",
      "src/secret.txt": "x",
      "secret.txt": "x",
    });
    const m = await captureManifest(root);
    assert.deepEqual(
      m.files.map((f) => f.path),
      [".gitignore", "keep.log", "secret.txt", "src/.gitignore", "src/build/real.js"],
    );
    const all = await captureManifest(root, { gitignore: false });
    assert.equal(all.file_count, 9);
  });

  test("entries carry Phaser's fields; binary detection; contents only below the cap; large files streamed", async () => {
    const big = "line\n".repeat(50_000); // 250,000 bytes
    const root = tree("fields", {
      "a.txt": "hello\n",
      "img.png": "not really a png",
      "nul.dat2": Buffer.from([0x61, 0x00, 0x62]),
      "latin1.txt": Buffer.from([0x63, 0xe9, 0x0a]),
      "big.txt": big,
    });
    fs.chmodSync(path.join(root, "a.txt"), 0o755);
    const m = await captureManifest(root, { contentMaxBytes: 100_000 });
    const by = Object.fromEntries(m.files.map((f) => [f.path, f]));
    assert.deepEqual(by["a.txt"], {
      path: "a.txt",
      type: "text",
      size: 6,
      sha256: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
      content: "hello\n",
      is_executable: true,
    });
    assert.equal(by["img.png"]?.type, "binary");
    assert.equal(by["nul.dat2"]?.type, "binary");
    assert.equal(by["latin1.txt"]?.type, "binary");
    assert.equal(by["big.txt"]?.type, "text");
    assert.equal(by["big.txt"]?.content, null);
    assert.equal(by["big.txt"]?.size, 250_000);
    assert.equal(m.file_count, 5);
    assert.equal(m.total_size_bytes, 6 + 16 + 3 + 3 + 250_000);
  });

  test("Python Phaser's manifests compare as Phaser does", () => {
    const before = readManifestFile(path.join(fixturesDir, "manifest-pre.yaml"));
    const after = readManifestFile(path.join(fixturesDir, "manifest-post.yaml"));
    const diff = compareManifests(before, after);
    assert.equal(formatSummary(diff), "+1 added, ~1 modified, -1 deleted");
    assert.deepEqual(diffToJson(diff), {
      added: [{ path: "new.txt", size: 4, type: "text" }],
      modified: [{ path: "src/main.py", size_before: 15, size_after: 30, lines_added: 1, lines_removed: 0 }],
      deleted: [{ path: "README.md", size: 7 }],
      unchanged_count: 1,
      summary: "+1 added, ~1 modified, -1 deleted",
    });
    assert.match(
      formatDetailed(diff),
      /--- a\/src\/main\.py\n\+\+\+ b\/src\/main\.py\n@@ -1,1 \+1,2 @@\n print\('hello'\)\n\+print\('world'\)/,
    );
    assert.equal(formatSummary(compareManifests(before, before)), "No changes");
  });

  test("line diffs count and render changes", () => {
    const ops = diffLines(["a", "b", "c", "d"], ["a", "x", "c", "d", "e"]);
    assert.deepEqual(countChanges(ops), { linesAdded: 2, linesRemoved: 1 });
    assert.equal(unifiedDiff("f", "a\nb\n", "a\nc\n"), "--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n a\n-b\n+c");
  });

  test("CLI: capture writes YAML or JSON, compare prints summary/json/detailed, bad files are Corrupt", () => {
    const root = tree("cli", { "one.txt": "1\n", "two.txt": "2\n" });
    const storage = path.join(scratch, "cli-store");
    const opts = { cwd: scratch, storage };
    const before = path.join(scratch, "before.yaml");
    const afterFile = path.join(scratch, "after.json");
    assert.equal(cli(["diff", "capture", root, "-o", before], opts).status, 0);
    assert.match(fs.readFileSync(before, "utf8"), /^file_count: 2\nfiles:\n/);
    fs.writeFileSync(path.join(root, "two.txt"), "2\n3\n");
    fs.writeFileSync(path.join(root, "three.txt"), "3\n");
    assert.equal(cli(["diff", "capture", root, "-o", afterFile], opts).status, 0);
    const summary = cli(["diff", "compare", before, afterFile, "--format", "summary"], opts);
    assert.equal(summary.stdout.trim(), "+1 added, ~1 modified, -0 deleted");
    const piped = JSON.parse(cli(["diff", "compare", before, afterFile], opts).stdout);
    assert.equal(piped.added.length, 1, "piped output is JSON by default");
    const json = JSON.parse(cli(["diff", "compare", before, afterFile, "--format", "json"], opts).stdout);
    assert.equal(json.modified[0].lines_added, 1);
    assert.match(cli(["diff", "compare", before, afterFile, "--format", "detailed"], opts).stdout, /\+3/);
    const manifest = JSON.parse(cli(["manifest", root, "--json"], opts).stdout);
    assert.equal(manifest.file_count, 3);
    fs.writeFileSync(path.join(scratch, "broken.yaml"), "files: [\n");
    const broken = cli(["diff", "compare", path.join(scratch, "broken.yaml"), afterFile], opts);
    assert.equal(broken.status, 7);
    assert.match(broken.stderr, /"kind":"Corrupt"/);
  });
});
