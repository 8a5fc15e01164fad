/** A Verify command is bounded by its timeout. (The layer rules live in test/architecture.test.ts.) */
import assert from "node:assert/strict";
import { test } from "node:test";
import { runVerifyCommand } from "../../src/audit/run/verify-command.js";
import { repoRoot } from "./helpers.js";

test("a Verify command that outlives its timeout is killed and reported as exit 124", async () => {
  const result = await runVerifyCommand("echo started; sleep 20", { cwd: repoRoot, timeoutMs: 300 });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, 124);
  assert.match(result.output, /started[\s\S]*timed out/);
});
