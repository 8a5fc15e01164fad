// The layering rules of docs/architecture.md, checked on the source. One test per rule, so
// a violation names the rule it breaks and the file and import that break it.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "./helpers/tmp.js";

const src = path.join(repoRoot, "src");

/**
 * Rank of each top-level folder of src/. Observability sits under audits because audits are
 * traces; the CLI is on top because `cairn serve` starts the server.
 */
const LAYERS: Record<string, number> = { core: 0, api: 1, observe: 2, audit: 3, server: 4, cli: 5 };

/** What code above the api may take from core: the shared vocabulary, never the engine. */
const CORE_VOCABULARY = new Set(["core/errors.ts", "core/message.ts", "core/size.ts", "core/time.ts"]);

interface Import {
  /** Source file, relative to src/ (e.g. `cli/pool/feed.ts`). */
  from: string;
  /** Imported file, relative to src/, with its .ts extension. */
  to: string;
  dynamic: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Every relative import of every source file: static `from "…"`, `import "…"` and `import("…")`. */
function importGraph(): Import[] {
  const imports: Import[] = [];
  for (const file of sourceFiles(src)) {
    const text = fs.readFileSync(file, "utf8");
    const from = path.relative(src, file);
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*|\bimport\(\s*)["'](\.[^"']+)["']/g)) {
      const spec = m[1] as string;
      const to = path.relative(src, path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
      imports.push({ from, to, dynamic: m[0].startsWith("import(") });
    }
  }
  return imports;
}

const layerOf = (file: string): string => file.split(path.sep)[0] as string;
const show = (i: Import) => `src/${i.from} imports src/${i.to}${i.dynamic ? " (dynamically)" : ""}`;

describe("architecture", () => {
  const graph = importGraph();

  it("imports point down the layers only", () => {
    const violations = graph.filter((i) => {
      const from = LAYERS[layerOf(i.from)];
      const to = LAYERS[layerOf(i.to)];
      if (from === undefined || to === undefined || layerOf(i.from) === layerOf(i.to)) return false;
      return to >= from;
    });
    assert.deepEqual(violations.map(show), []);
  });

  it("above the api, code takes only core's vocabulary (errors, message, size, time) from core", () => {
    const violations = graph.filter(
      (i) => (LAYERS[layerOf(i.from)] ?? 0) >= 2 && layerOf(i.to) === "core" && !CORE_VOCABULARY.has(i.to),
    );
    assert.deepEqual(violations.map(show), []);
  });

  it("above the api, code reaches pools through the api's Client and Pool, never a backend", () => {
    const violations = graph.filter(
      (i) => (LAYERS[layerOf(i.from)] ?? 0) >= 2 && i.to.startsWith(`api${path.sep}backends${path.sep}`),
    );
    assert.deepEqual(violations.map(show), []);
  });

  it("nothing imports the CLI's entry point", () => {
    const violations = graph.filter((i) => i.to === path.join("cli", "main.ts"));
    assert.deepEqual(violations.map(show), []);
  });

  it("no import cycle runs through a dynamic import", () => {
    const edges = new Map<string, string[]>();
    for (const i of graph) edges.set(i.from, [...(edges.get(i.from) ?? []), i.to]);
    const reaches = (start: string, goal: string): boolean => {
      const seen = new Set<string>();
      const stack = [start];
      while (stack.length > 0) {
        const file = stack.pop() as string;
        if (file === goal) return true;
        if (seen.has(file)) continue;
        seen.add(file);
        stack.push(...(edges.get(file) ?? []));
      }
      return false;
    };
    // A dynamic import a → b closes a cycle when b leads back to a.
    const cycles = graph.filter((i) => i.dynamic && reaches(i.to, i.from));
    assert.deepEqual(cycles.map(show), []);
  });

  it("every dynamic import names its module literally, so the rules above can see it", () => {
    const computed: string[] = [];
    for (const file of sourceFiles(src)) {
      const text = fs.readFileSync(file, "utf8");
      for (const m of text.matchAll(/\bimport\(\s*([^"'\s)][^)]*)\)/g))
        computed.push(`${path.relative(repoRoot, file)}: import(${m[1]})`);
    }
    assert.deepEqual(computed, []);
  });

  it("interfaces ask the api whether a ref is remote instead of matching URLs themselves", () => {
    const offenders: string[] = [];
    for (const dir of ["cli", "server"]) {
      for (const file of sourceFiles(path.join(src, dir))) {
        const text = fs.readFileSync(file, "utf8");
        // A regex over the URL scheme (`https?:\/\/`, `(https?|nats):\/\/`): isRemoteRef owns that rule.
        if (/https\?(\|nats\))?:\\\/\\\//.test(text)) {
          offenders.push(path.relative(repoRoot, file));
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("src/core is synchronous and has no network", () => {
    for (const file of sourceFiles(path.join(src, "core"))) {
      const text = fs.readFileSync(file, "utf8");
      assert.doesNotMatch(text, /\basync\s+(function|\(|[a-z])|\bawait\b/, `${file} has async code`);
      assert.doesNotMatch(text, /from\s+["']node:(http|https|net|dgram|tls|dns)["']/, `${file} imports the network`);
    }
  });
});
