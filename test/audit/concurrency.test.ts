/**
 * Many processes against one .phaser/: 4 writers x 200 emits with interleaved
 * updateAudit calls, and writers killed with SIGKILL in the middle of saveAudit.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import { distAudit, removeDir, tempDir, waitForOutput } from "./helpers.js";

const scratch = tempDir("concurrency");
after(() => removeDir(scratch));

const url = (file: string) => pathToFileURL(distAudit(file)).href;

const emitterScript = `
import { PhaserStorage } from ${JSON.stringify(url("storage/storage.js"))};
import { EventEmitter } from ${JSON.stringify(url("events/emitter.js"))};
const [root, auditId, worker] = process.argv.slice(2);
const storage = new PhaserStorage(root);
const emitter = new EventEmitter(storage, { warn: (m, e) => { console.error(m, e); process.exitCode = 3; } });
for (let i = 0; i < 200; i++) {
  await emitter.emit("verification_passed", auditId, 1, { command: "w" + worker + "-" + i, exit_code: 0, duration_ms: i });
  if (i % 20 === 0) storage.updateAudit(auditId, (cur) => ({ counter: (cur.counter ?? 0) + 1, ["worker_" + worker]: i }));
  if (i % 50 === 0) storage.saveAudit({ project: "p" + worker, slug: "s" + i, date: "2025-12-05", status: "pending" });
}
storage.close();
`;

const crashScript = `
import { PhaserStorage } from ${JSON.stringify(url("storage/storage.js"))};
import { setWriteHook } from ${JSON.stringify(url("storage/atomic-file.js"))};
const [root, pausePhase] = process.argv.slice(2);
const storage = new PhaserStorage(root);
let writes = 0;
setWriteHook((phase, info) => {
  if (!info.target.endsWith("audits.json")) return;
  if (phase === "temp-opened") writes++;
  if (writes >= 2 && phase === pausePhase) {
    process.stdout.write("PAUSED\\n");
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
  }
});
storage.saveAudit({ project: "before", slug: "first", date: "2025-12-05", status: "completed" });
process.stdout.write("SAVED-FIRST\\n");
if (pausePhase === "none") {
  for (let i = 0; ; i++) storage.saveAudit({ project: "loop", slug: "s" + i, date: "2025-12-05", status: "pending" });
}
storage.saveAudit({ project: "after", slug: "second", date: "2025-12-05", status: "pending" });
`;

function runNode(script: string, args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("concurrent writers", () => {
  test("4 processes x 200 emits with interleaved updateAudit: all 800 events present, no lost update, audits.json valid", async () => {
    const root = path.join(scratch, "four", ".phaser");
    const script = path.join(scratch, "emit.mjs");
    fs.writeFileSync(script, emitterScript);
    const { PhaserStorage } = await import("../../src/audit/storage/storage.js");
    const storage = new PhaserStorage(root);
    const auditId = storage.saveAudit({
      project: "Demo",
      slug: "concurrency",
      date: "2025-12-05",
      status: "in_progress",
    });
    const results = await Promise.all([0, 1, 2, 3].map((w) => runNode(script, [root, auditId, String(w)])));
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const events = await storage.getEvents({ auditId });
    assert.equal(events.length, 800);
    const commands = new Set(events.map((e) => e.data.command));
    assert.equal(commands.size, 800);
    for (let w = 0; w < 4; w++) for (let i = 0; i < 200; i++) assert.ok(commands.has(`w${w}-${i}`));
    const raw = JSON.parse(fs.readFileSync(path.join(root, "audits.json"), "utf8"));
    assert.equal(raw.version, 1);
    assert.equal(raw.audits.length, 1 + 4 * 4);
    const audit = storage.getAudit(auditId);
    assert.equal(audit?.counter, 40, "every read-modify-write kept every other one");
    for (let w = 0; w < 4; w++) assert.equal(audit?.[`worker_${w}`], 180);
    const report = await (await storage.events.open()).validate();
    assert.equal(report.status, "ok");
    assert.equal(report.messageCount, 800);
    storage.close();
  });

  for (const phase of ["temp-opened", "temp-written", "temp-synced", "renamed"]) {
    test(`SIGKILL during saveAudit (paused at ${phase}) leaves a valid audits.json with the earlier audit`, async () => {
      const root = path.join(scratch, `kill-${phase}`, ".phaser");
      const script = path.join(scratch, "crash.mjs");
      fs.writeFileSync(script, crashScript);
      const child = spawn(process.execPath, [script, root, phase], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise((resolve) => child.on("close", resolve));
      await waitForOutput(child.stdout, /PAUSED/);
      child.kill("SIGKILL");
      await exited;
      const raw = JSON.parse(fs.readFileSync(path.join(root, "audits.json"), "utf8"));
      const projects = raw.audits.map((a: { project: string }) => a.project);
      if (phase === "renamed") assert.deepEqual(projects, ["before", "after"]);
      else assert.deepEqual(projects, ["before"]);
      // The lock died with its holder: the next writer proceeds.
      const { PhaserStorage } = await import("../../src/audit/storage/storage.js");
      new PhaserStorage(root).saveAudit({ project: "next", slug: "n", date: "2025-12-05", status: "pending" });
      assert.deepEqual(
        fs.readdirSync(root).filter((f) => f.endsWith(".tmp")),
        [],
        "the dead writer's temp file is cleaned up",
      );
    });
  }

  test("SIGKILL at a random moment of a saveAudit loop never leaves a torn audits.json", async () => {
    const root = path.join(scratch, "kill-loop", ".phaser");
    const script = path.join(scratch, "crash.mjs");
    fs.writeFileSync(script, crashScript);
    for (let round = 0; round < 3; round++) {
      const child = spawn(process.execPath, [script, root, "none"], { stdio: ["ignore", "pipe", "pipe"] });
      const exited = new Promise((resolve) => child.on("close", resolve));
      await waitForOutput(child.stdout, /SAVED-FIRST/);
      await new Promise((r) => setTimeout(r, 50 + round * 70));
      child.kill("SIGKILL");
      await exited;
      const raw = JSON.parse(fs.readFileSync(path.join(root, "audits.json"), "utf8"));
      assert.ok(raw.audits.length >= round + 1);
    }
  });
});
