/**
 * The server is an interface layer: it reaches pools only through src/api and takes from
 * src/core only the shared vocabulary (errors, the message envelope, time and size
 * formats) — never the engine. Nothing below it imports it.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { repoRoot } from "../helpers/tmp.js";

const CORE_VOCABULARY = /^core\/(errors|message|time|size)\.ts$/;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

function relativeImports(file: string): string[] {
  const src = path.join(repoRoot, "src");
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/from "(\.[^"]+)"/g)].map((m) =>
    path.relative(src, path.resolve(path.dirname(file), (m[1] as string).replace(/\.js$/, ".ts"))),
  );
}

test("src/server imports only src/server, src/api, version and core's shared vocabulary", () => {
  for (const file of sourceFiles(path.join(repoRoot, "src", "server"))) {
    for (const target of relativeImports(file)) {
      const allowed = /^(server|api)\//.test(target) || target === "version.ts" || CORE_VOCABULARY.test(target);
      assert.ok(allowed, `${path.relative(repoRoot, file)} imports ${target}`);
    }
  }
});

test("the http backend and the layers below the server never import it", () => {
  const below = [...sourceFiles(path.join(repoRoot, "src", "api")), ...sourceFiles(path.join(repoRoot, "src", "core"))];
  for (const file of below) {
    for (const target of relativeImports(file)) {
      assert.ok(!/^(server|cli)\//.test(target), `${path.relative(repoRoot, file)} imports ${target}`);
    }
  }
});
