/**
 * Cairn and Phaser share one `.phaser/` without losing anything (issue 9, findings 7–10, 15):
 * events.json is never renamed or written, Phaser's later events are imported incrementally
 * and exactly once, retention leaves Phaser's history alone, reads need no write access, a
 * corrupt events.json fails writes with Corrupt, and Cairn takes Phaser's writer lock.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { tryLockFile, unlockFile } from "../../src/api/file-lock.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { cli, cliPath, distAudit, errorOf, fixturesDir, gitRepo, jsonLines, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("coexist");
fs.chmodSync(scratch, 0o755);
after(() => removeDir(scratch));
let n = 0;

/** A copy of the fixture `.phaser/` Python Phaser wrote (8 events). */
function phaserProject(): { storage: string; opts: { cwd: string; storage: string } } {
  const storage = path.join(scratch, `p${n++}`, ".phaser");
  fs.cpSync(path.join(fixturesDir, "phaser-dir"), storage, { recursive: true });
  execFileSync("chmod", ["-R", "u+w,a+rX", path.dirname(storage)]);
  return { storage, opts: { cwd: scratch, storage } };
}

function phaserAppends(storage: string, count: number, prefix: string): Promise<number | null> {
  const child = spawn("python3", [path.join(fixturesDir, "phaser-writer.py"), storage, String(count), prefix], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve) => child.on("close", resolve));
}

function cairnAppends(storage: string, count: number): Promise<number | null> {
  const args = [distAudit("storage/storage.js"), distAudit("events/emitter.js"), storage, String(count)];
  const child = spawn(process.execPath, [path.join(fixturesDir, "cairn-writer.mjs"), ...args], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return new Promise((resolve) => child.on("close", resolve));
}

const listIds = (opts: { cwd: string; storage: string }) => {
  const r = cli(["events", "list", "--json"], opts);
  assert.equal(r.status, 0, r.stderr);
  return jsonLines(r.stdout).map((e) => e.id as string);
};
const phaserIds = (storage: string) =>
  (JSON.parse(fs.readFileSync(path.join(storage, "events.json"), "utf8")).events as { id: string }[]).map((e) => e.id);
const poolIds = (storage: string) => {
  const r = spawnSync(
    process.execPath,
    [cliPath, "follow", path.join(storage, "events.cairn"), "--tail", "100000", "--no-wait", "--json"],
    {
      encoding: "utf8",
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return jsonLines(r.stdout).map((m) => (m.data as { id: string }).id);
};

describe("sharing .phaser/ with Phaser", () => {
  test("reading and writing never renames or rewrites events.json; Phaser's later events are picked up once", async () => {
    const { storage, opts } = phaserProject();
    const original = fs.readFileSync(path.join(storage, "events.json"));
    assert.equal(listIds(opts).length, 8);
    const s = new PhaserStorage(storage);
    await s.appendEvent({
      id: "cairn-1",
      type: "phase_skipped",
      timestamp: new Date().toISOString(),
      audit_id: "a",
      phase: 1,
      data: { reason: "x" },
    });
    await s.close();
    assert.deepEqual(fs.readFileSync(path.join(storage, "events.json")), original, "events.json untouched");
    assert.ok(!fs.existsSync(path.join(storage, "events.json.bak")));
    assert.equal(await phaserAppends(storage, 2, "later"), 0);
    const ids = listIds(opts);
    assert.equal(ids.length, 11);
    assert.equal(new Set(ids).size, 11);
    assert.equal(ids.filter((id) => id.startsWith("later-")).length, 2);
    // A second writer process imports them into the pool exactly once.
    const s2 = new PhaserStorage(storage);
    await s2.appendEvent({
      id: "cairn-2",
      type: "phase_skipped",
      timestamp: new Date().toISOString(),
      audit_id: "a",
      phase: 1,
      data: { reason: "y" },
    });
    await s2.close();
    assert.equal(poolIds(storage).length, 12);
    assert.deepEqual([...listIds(opts)].sort(), [...poolIds(storage)].sort());
  });

  test("a Phaser writer and Cairn writers interleaved: every event exactly once in every view", async () => {
    const { storage, opts } = phaserProject();
    const results = await Promise.all([
      phaserAppends(storage, 40, "phaser"),
      cairnAppends(storage, 40),
      cairnAppends(storage, 40),
    ]);
    assert.deepEqual(results, [0, 0, 0]);
    const inPhaser = phaserIds(storage);
    assert.equal(inPhaser.length, 48, "Phaser's file holds its own events, each once, and still parses");
    const listed = listIds(opts);
    assert.equal(listed.length, 48 + 80);
    assert.equal(new Set(listed).size, listed.length, "no duplicates in events list");
    for (const id of inPhaser) assert.ok(listed.includes(id), id);
    // One more Cairn write brings the pool up to date with Phaser's last writes.
    assert.equal(await cairnAppends(storage, 1), 0);
    const pooled = poolIds(storage);
    assert.equal(pooled.length, 48 + 81);
    assert.equal(new Set(pooled).size, pooled.length, "no duplicates in the pool");
  });

  test("Cairn waits for Phaser's writer lock (config.yaml.tmp, audits.json.tmp) and answers Busy while it is held", () => {
    const { storage, opts } = phaserProject();
    const holdingPhaserLock = (file: string, fn: () => void) => {
      const before = fs.readFileSync(path.join(storage, file), "utf8");
      const lockPath = path.join(storage, `${file}.tmp`);
      const fd = fs.openSync(lockPath, "w");
      assert.ok(tryLockFile(fd, lockPath));
      try {
        fn();
        assert.equal(fs.readFileSync(path.join(storage, file), "utf8"), before, `${file} unchanged`);
      } finally {
        unlockFile(fd, lockPath);
        fs.closeSync(fd);
      }
    };
    holdingPhaserLock("config.yaml", () => {
      const r = cli(["config", "set", "storage.retention_days", "30", "--json"], opts);
      assert.equal(r.status, 5, r.stderr);
      assert.equal(errorOf(r.stderr).kind, "Busy");
    });
    holdingPhaserLock("audits.json", () => {
      const s = new PhaserStorage(storage); // flock conflicts between two opens in one process too
      assert.throws(() => s.updateAudit("550e8400-e29b-41d4-a716-446655440000", { phases_completed: 2 }), {
        kind: "Busy",
      });
    });
    assert.equal(cli(["config", "set", "storage.retention_days", "30"], opts).status, 0);
  });

  test("retention never drops Phaser's history: old imported events survive reads and writes", async () => {
    const { storage, opts } = phaserProject();
    const file = path.join(storage, "events.json");
    const doc = JSON.parse(fs.readFileSync(file, "utf8"));
    for (const e of doc.events) e.timestamp = "2020-01-01T00:00:00.000+00:00";
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    fs.writeFileSync(path.join(storage, "config.yaml"), "storage:\n  retention_days: 30\n");
    assert.equal(listIds(opts).length, 8);
    const s = new PhaserStorage(storage);
    await s.appendEvent({
      id: "cairn-old",
      type: "phase_skipped",
      timestamp: "2020-01-02T00:00:00.000Z",
      audit_id: "a",
      phase: 1,
      data: { reason: "x" },
    });
    await s.close();
    const s2 = new PhaserStorage(storage);
    await s2.appendEvent({
      id: "cairn-new",
      type: "phase_skipped",
      timestamp: new Date().toISOString(),
      audit_id: "a",
      phase: 1,
      data: { reason: "y" },
    });
    await s2.close();
    const ids = listIds(opts);
    assert.equal(ids.length, 9, "Phaser's 8 old events and Cairn's new one; Cairn's own old event went");
    assert.ok(!ids.includes("cairn-old") && ids.includes("cairn-new"));
  });

  test("a read-only .phaser/ serves events list, export, audit show --events and audit watch", async () => {
    const { storage, opts } = phaserProject();
    const s = new PhaserStorage(storage);
    await s.appendEvent({
      id: "cairn-1",
      type: "phase_skipped",
      timestamp: new Date().toISOString(),
      audit_id: "550e8400-e29b-41d4-a716-446655440000",
      phase: 1,
      data: { reason: "x" },
    });
    await s.close();
    assert.equal(await phaserAppends(storage, 1, "later"), 0); // not imported yet
    execFileSync("chmod", ["-R", "a-w", storage]);
    const env = { NO_COLOR: "1", PHASER_STORAGE_DIR: storage };
    // root writes anywhere, so as root the reader runs as nobody
    const asReader = (args: string[]) =>
      spawnSync(process.execPath, [cliPath, ...args], {
        cwd: scratch,
        env: { ...process.env, ...env },
        encoding: "utf8",
        timeout: 30_000,
        ...(process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}),
      });
    try {
      const list = asReader(["events", "list", "--json"]);
      assert.equal(list.status, 0, list.stderr);
      assert.equal(jsonLines(list.stdout).length, 10);
      const exported = asReader(["events", "export"]);
      assert.equal(exported.status, 0, exported.stderr);
      assert.equal(JSON.parse(exported.stdout).events.length, 10);
      const show = asReader(["audit", "show", "550e8400", "--events", "--json"]);
      assert.equal(show.status, 0, show.stderr);
      const watch = asReader(["audit", "watch", "--idle-timeout", "1", "--json"]);
      assert.ok(!/"kind":"Permission"/.test(watch.stderr), watch.stderr);
    } finally {
      execFileSync("chmod", ["-R", "u+w", storage]);
    }
    assert.ok(opts);
  });

  test("with a corrupt events.json, audit start and phase skip fail with Corrupt instead of losing events", () => {
    const repo = gitRepo("coexist-corrupt");
    const storage = path.join(repo, ".phaser-store");
    const opts = { cwd: repo, storage };
    try {
      fs.copyFileSync(path.join(fixturesDir, "audit-document-minimal.md"), path.join(repo, "audit.md"));
      assert.equal(cli(["audit", "start", "audit.md"], opts).status, 0);
      fs.writeFileSync(path.join(storage, "events.json"), '{"version":1,"events":[{"id":');
      const skip = cli(["phase", "skip", "1", "--reason", "user_request", "--json"], opts);
      assert.equal(skip.status, 7, skip.stderr);
      assert.equal(errorOf(skip.stderr).kind, "Corrupt");
      const other = gitRepo("coexist-corrupt2");
      const storage2 = path.join(other, ".phaser-store");
      fs.mkdirSync(storage2);
      fs.writeFileSync(path.join(storage2, "events.json"), '{"version":1,"events":[{"id":');
      fs.copyFileSync(path.join(fixturesDir, "audit-document-minimal.md"), path.join(other, "audit.md"));
      const start = cli(["audit", "start", "audit.md", "--json"], { cwd: other, storage: storage2 });
      assert.equal(start.status, 7, start.stderr);
      assert.equal(errorOf(start.stderr).kind, "Corrupt");
      removeDir(other);
    } finally {
      removeDir(repo);
    }
  });
});
