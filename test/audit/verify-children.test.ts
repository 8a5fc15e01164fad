/**
 * Issue 10, finding 7: no Verify step outlives its runner. A background child of a command
 * that has ended is killed with the command's group, and a runner killed with SIGKILL just
 * as a command ends still takes the command's children down (the watchdog covers the run).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { runVerifyCommand } from "../../src/audit/run/verify-command.js";
import { auditProject, cli, cliBackground, removeDir, tempDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const dir of cleanup) removeDir(dir);
});

const bridgeDoc = (command: string) =>
  `# Document 1: Kids\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\n\`\`\`bash\n${command}\n\`\`\`\n`;

describe("Verify children", () => {
  test("a background child with its output redirected is ended when its command ends", async () => {
    const dir = tempDir("bgchild");
    cleanup.push(dir);
    const result = await runVerifyCommand("(sleep 1; touch late.txt) >/dev/null 2>&1 &", {
      cwd: dir,
      timeoutMs: 10_000,
    });
    assert.equal(result.exitCode, 0);
    await sleep(1_800);
    assert.equal(fs.existsSync(path.join(dir, "late.txt")), false, "the background child ran on after its command");
  });

  test("after cairn audit run exits, nothing its Verify commands started still runs", async () => {
    const p = auditProject("bgrun", cleanup);
    fs.writeFileSync(path.join(p.repo, "doc.md"), bridgeDoc("(sleep 1; touch late.txt) >/dev/null 2>&1 &"));
    const r = cli(["audit", "run", "doc.md", "--no-tests", "--json"], p.opts);
    assert.equal(r.status, 0, r.stderr);
    await sleep(1_800);
    assert.equal(fs.existsSync(path.join(p.repo, "late.txt")), false);
  });

  test("a runner SIGKILLed as its command ends leaves no orphan behind (several trials)", async () => {
    const p = auditProject("bgkill", cleanup);
    fs.writeFileSync(
      path.join(p.repo, "doc.md"),
      bridgeDoc("(sleep 1; touch late.txt) >/dev/null 2>&1 &\ntouch ready.txt"),
    );
    for (let trial = 0; trial < 5; trial++) {
      fs.rmSync(path.join(p.repo, "ready.txt"), { force: true });
      const run = cliBackground(["audit", "run", "doc.md", "--no-tests", "--json"], p.opts);
      const deadline = Date.now() + 20_000;
      while (!fs.existsSync(path.join(p.repo, "ready.txt")) && Date.now() < deadline) await sleep(5);
      run.kill("SIGKILL");
      await new Promise((resolve) => run.once("exit", resolve));
      await sleep(1_800);
      assert.equal(fs.existsSync(path.join(p.repo, "late.txt")), false, `trial ${trial}: an orphan wrote late.txt`);
      cli(["audit", "abandon", "--reason", "test"], p.opts);
    }
  });
});
