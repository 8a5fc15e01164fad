// The layering rules of docs/architecture.md, checked on the source: imports never point
// up a layer, and src/core has no network and no async code.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./helpers/tmp.js";

// The CLI sits on top because `cairn serve` starts the server; the server never imports the CLI.
const layers: Record<string, number> = { core: 0, api: 1, audit: 2, observe: 2, server: 3, cli: 4 };
const src = path.join(repoRoot, "src");

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith(".ts") ? [p] : [];
  });
}

function layerOf(file: string): string | undefined {
  return path.relative(src, file).split(path.sep)[0];
}

describe("architecture", () => {
  it("no module imports from a higher layer", () => {
    const violations: string[] = [];
    for (const file of files(src)) {
      const from = layerOf(file);
      if (from === undefined || layers[from] === undefined) continue;
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from|import\()\s*["'](\.[^"']+)["']/g)) {
        const target = layerOf(path.resolve(path.dirname(file), m[1] as string));
        if (target === undefined || layers[target] === undefined || target === from) continue;
        if (
          (layers[target] as number) > (layers[from] as number) ||
          (layers[target] === layers[from] && target !== from)
        ) {
          violations.push(`${path.relative(repoRoot, file)} imports ${m[1]}`);
        }
      }
    }
    assert.deepEqual(violations, []);
  });

  it("src/core is synchronous and has no network", () => {
    for (const file of files(path.join(src, "core"))) {
      const text = fs.readFileSync(file, "utf8");
      assert.doesNotMatch(text, /\basync\s+(function|\(|[a-z])|\bawait\b/, `${file} has async code`);
      assert.doesNotMatch(text, /from\s+["']node:(http|https|net|dgram|tls|dns)["']/, `${file} imports the network`);
    }
  });
});
