/** The audit domain sits on src/api and src/core only; it never imports an interface layer. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { runVerifyCommand } from "../../src/audit/run/verify-command.js";
import { repoRoot } from "./helpers.js";

test("src/audit imports only from src/audit, src/api, src/core and node or package modules", () => {
  const dir = path.join(repoRoot, "src", "audit");
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".ts"))) {
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    for (const m of text.matchAll(/from "(\.[^"]+)"/g)) {
      const target = path.relative(path.join(repoRoot, "src"), path.resolve(dir, m[1] as string));
      assert.match(target, /^(audit|api|core)\//, `${file} imports ${m[1]}`);
    }
  }
});

test("a Verify command that outlives its timeout is killed and reported as exit 124", async () => {
  const result = await runVerifyCommand("echo started; sleep 20", { cwd: repoRoot, timeoutMs: 300 });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, 124);
  assert.match(result.output, /started[\s\S]*timed out/);
});
