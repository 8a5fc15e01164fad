/**
 * Black-box checks of the audit loop's edges: a bridge document's phase files are written,
 * .gitignore files above the scanned directory count, `storage.max_events` resizes the events
 * pool (and a watcher follows it across the rebuild), `events clear --before` drops every
 * older event, and a SIGKILLed `audit run` takes its Verify command down with it.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { isFilePoolInfo } from "../../src/api/wire/pool-info.js";
import { captureManifest } from "../../src/audit/manifests/manifest.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { auditProject, cli, cliBackground, jsonLines, waitForOutput } from "./helpers.js";

const cleanup: string[] = [];
const processes: ChildProcess[] = [];
after(() => {
  for (const p of processes) if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
  for (const d of cleanup) fs.rmSync(d, { recursive: true, force: true });
});

const bridgeDoc = (verify: string, verify2 = "true") => `# Document 1: Edge Cases

=== AUDIT SETUP START ===

\`\`\`bash
git status
\`\`\`

=== AUDIT SETUP END ===

## Phase 1: First step

### Goal
Make the first file.

### Verify

\`\`\`bash
${verify}
\`\`\`

## Phase 2: Second step

### Verify

\`\`\`bash
${verify2}
\`\`\`

## Document Completion

Done.
`;

function event(id: string, timestamp: string) {
  return { id, type: "phase_started", timestamp, audit_id: "a1", phase: 1, data: { description: id } };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

describe("audit loop edges", () => {
  test("audit start writes a bridge document's phase files where phase_started says they are", () => {
    const { repo, opts } = auditProject("bridgefiles", cleanup);
    fs.writeFileSync(path.join(repo, "edge.md"), bridgeDoc("test -f one.txt"));
    const start = cli(["audit", "start", "edge.md", "--json"], opts);
    assert.equal(start.status, 0, start.stderr);
    assert.equal(cli(["phase", "start", "1"], opts).status, 0);
    const started = jsonLines(cli(["events", "list", "--type", "phase_started"], opts).stdout);
    assert.equal(started.length, 1);
    const file = (started[0] as { data: { file: string } }).data.file;
    assert.equal(file, ".audit/phases/01-first-step.md");
    const text = fs.readFileSync(path.join(repo, file), "utf8");
    assert.match(text, /^# Phase 1: First step\n/);
    assert.match(text, /\n## Goal\nMake the first file\.\n/);
    assert.match(text, /\n## Verify\n\n```bash\ntest -f one\.txt\n```\n$/);
    assert.doesNotMatch(text, /Phase 2|Document Completion/);
    assert.match(fs.readFileSync(path.join(repo, ".audit/phases/02-second-step.md"), "utf8"), /^# Phase 2: Second/);
  });

  test("--no-setup-files writes no phase files for a bridge document", () => {
    const { repo, opts } = auditProject("bridgenofiles", cleanup);
    fs.writeFileSync(path.join(repo, "edge.md"), bridgeDoc("true"));
    assert.equal(cli(["audit", "start", "edge.md", "--no-setup-files"], opts).status, 0);
    assert.equal(fs.existsSync(path.join(repo, ".audit")), false);
  });

  test("a manifest of a subdirectory honours the .gitignore files above it in the work tree", async () => {
    const { repo } = auditProject("parentignore", cleanup);
    fs.writeFileSync(path.join(repo, ".gitignore"), "*.log\nsrc/gen/\n!keep.log\n");
    fs.mkdirSync(path.join(repo, "src", "gen"), { recursive: true });
    fs.mkdirSync(path.join(repo, ".git", "info"), { recursive: true });
    fs.writeFileSync(path.join(repo, ".git", "info", "exclude"), "local.tmp\n");
    for (const f of ["src/a.ts", "src/debug.log", "src/keep.log", "src/gen/out.ts", "src/local.tmp"])
      fs.writeFileSync(path.join(repo, f), "x\n");
    const m = await captureManifest(path.join(repo, "src"));
    assert.deepEqual(
      m.files.map((f) => f.path),
      ["a.ts", "keep.log"],
    );
    const all = await captureManifest(path.join(repo, "src"), { gitignore: false });
    assert.equal(all.file_count, 5);
  });

  test("a manifest outside any git work tree reads no .gitignore above its root", async () => {
    const { storage } = auditProject("noworktree", cleanup);
    const outer = path.dirname(storage); // a temp dir, not in a repository
    fs.writeFileSync(path.join(outer, ".gitignore"), "*.txt\n");
    fs.mkdirSync(path.join(outer, "tree"));
    fs.writeFileSync(path.join(outer, "tree", "a.txt"), "x\n");
    const m = await captureManifest(path.join(outer, "tree"));
    assert.deepEqual(
      m.files.map((f) => f.path),
      ["a.txt"],
    );
  });

  test("getPath accepts names that only start with dots, and still refuses `..` components", () => {
    const { storage } = auditProject("dotnames", cleanup);
    const s = new PhaserStorage(storage);
    assert.equal(s.getPath("..notes"), path.join(storage, "..notes"));
    assert.equal(s.getPath("a/..b/c"), path.join(storage, "a", "..b", "c"));
    for (const bad of ["..", "../x", "a/../../x"])
      assert.throws(
        () => s.getPath(bad),
        (err: unknown) => (err as { kind?: string }).kind === "Usage",
        bad,
      );
  });

  test("storage.max_events resizes the events pool, keeping the newest events", async () => {
    const { repo, storage, opts } = auditProject("resize", cleanup);
    const now = Date.now();
    const s1 = new PhaserStorage(storage);
    for (let i = 0; i < 300; i++) await s1.appendEvent(event(`e${i}`, new Date(now + i).toISOString()));
    const before = await fileSizeOf(s1);
    s1.close();
    assert.equal(cli(["config", "set", "storage.max_events", "200"], opts).status, 0);
    const s2 = new PhaserStorage(storage);
    const ids = (await s2.getEvents()).map((e) => e.id);
    const small = await fileSizeOf(s2);
    s2.close();
    assert.equal(ids.length, 200);
    assert.equal(ids[0], "e100");
    assert.equal(ids[199], "e299");
    assert.ok(small < before, `${small} < ${before}`);
    const inode = fs.statSync(path.join(storage, "events.cairn")).ino;
    assert.equal(jsonLines(cli(["events", "list"], opts).stdout).length, 200);
    assert.equal(fs.statSync(path.join(storage, "events.cairn")).ino, inode, "no rebuild while the size is right");
    assert.equal(cli(["config", "set", "storage.max_events", "20000"], opts).status, 0);
    const listed = jsonLines(cli(["events", "list"], opts).stdout);
    assert.equal(listed.length, 200);
    const s3 = new PhaserStorage(storage);
    assert.ok((await fileSizeOf(s3)) > before, "sized up for 20,000 events");
    for (let i = 300; i < 1300; i++) await s3.appendEvent(event(`e${i}`, new Date(now + i).toISOString()));
    assert.equal((await s3.getEvents()).length, 1200, "the bigger pool holds more than the old size allowed");
    s3.close();
    assert.equal(fs.readdirSync(storage).filter((n) => n.endsWith(".tmp")).length, 0);
    assert.ok(repo);
  });

  test("a writer whose pool was rebuilt by another process appends to the new pool", async () => {
    const { storage, opts } = auditProject("swap", cleanup);
    const writer = new PhaserStorage(storage);
    await writer.appendEvent(event("before", new Date().toISOString()));
    assert.equal(cli(["config", "set", "storage.max_events", "500"], opts).status, 0);
    assert.equal(jsonLines(cli(["events", "list"], opts).stdout).length, 1); // this process resizes it
    await writer.appendEvent(event("after", new Date().toISOString()));
    writer.close();
    const reader = new PhaserStorage(storage);
    assert.deepEqual(
      (await reader.getEvents()).map((e) => e.id),
      ["before", "after"],
    );
    reader.close();
  });

  test("events clear --before drops every older event, not only the oldest run", async () => {
    const { storage, opts } = auditProject("clearall", cleanup);
    const s = new PhaserStorage(storage);
    const recent = new Date(Date.now() - 60_000).toISOString();
    await s.appendEvent(event("new1", recent));
    // (within retention_days, so only the clear drops them)
    await s.appendEvent(event("old1", new Date(Date.now() - 20 * 86_400_000).toISOString()));
    await s.appendEvent(event("new2", recent));
    await s.appendEvent(event("old2", new Date(Date.now() - 19 * 86_400_000).toISOString()));
    s.close();
    const r = cli(["events", "clear", "--before", "10d", "--json"], opts);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { cleared: 2 });
    assert.deepEqual(
      jsonLines(cli(["events", "list"], opts).stdout).map((e) => e.id),
      ["new1", "new2"],
    );
  });

  test("audit watch keeps printing events after another process resizes the pool", async () => {
    const { repo, opts } = auditProject("watchresize", cleanup);
    fs.writeFileSync(path.join(repo, "edge.md"), bridgeDoc("true"));
    assert.equal(cli(["audit", "start", "edge.md"], opts).status, 0);
    const watch = cliBackground(["audit", "watch", "--json"], opts);
    processes.push(watch);
    await waitForOutput(watch.stderr as NodeJS.ReadableStream, /watching/);
    const seen = waitForOutput(watch.stdout as NodeJS.ReadableStream, /"phase_skipped"/, 20_000);
    assert.equal(cli(["config", "set", "storage.max_events", "300"], opts).status, 0);
    assert.equal(cli(["phase", "start", "1"], opts).status, 0); // opens, and so resizes, the pool
    assert.equal(cli(["phase", "skip", "2", "--reason", "user_request"], opts).status, 0);
    const text = await seen;
    const types = jsonLines(text).map((e) => e.type);
    assert.deepEqual(types, ["phase_started", "phase_skipped"]);
    watch.kill();
  });

  test("a SIGKILLed audit run takes its running Verify command down with it", async () => {
    const { repo, opts } = auditProject("runkill", cleanup);
    const pidFile = path.join(repo, "verify.pid");
    fs.writeFileSync(path.join(repo, "slow.md"), bridgeDoc(`sleep 60 & echo $! > ${pidFile}; wait`));
    const run = cliBackground(["audit", "run", "slow.md", "--no-tests", "--json"], opts);
    processes.push(run);
    assert.ok(await waitUntil(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8").trim() !== "", 20_000));
    const sleeper = Number(fs.readFileSync(pidFile, "utf8").trim());
    assert.ok(isAlive(sleeper));
    run.kill("SIGKILL");
    const gone = await waitUntil(() => !isAlive(sleeper), 5_000);
    if (!gone) execFileSync("kill", ["-9", String(sleeper)]);
    assert.ok(gone, "the Verify command's child still runs after its runner was killed");
  });

  test("a Verify command that finishes leaves no process of its group behind while the run goes on", () => {
    const { repo, opts } = auditProject("nowatcher", cleanup);
    // Phase 1 records its wrapper shell (the group leader); phase 2 checks that group is gone.
    fs.writeFileSync(
      path.join(repo, "quick.md"),
      bridgeDoc("echo $PPID > ppid.txt", "sleep 0.5; ! kill -0 -$(cat ppid.txt)"),
    );
    const r = cli(["audit", "run", "quick.md", "--no-tests", "--max-attempts", "1", "--json"], opts);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });
});

async function fileSizeOf(storage: PhaserStorage): Promise<number> {
  const info = await (await storage.events.open()).info();
  assert.ok(isFilePoolInfo(info), "the events pool is a file");
  return info.file_size;
}
