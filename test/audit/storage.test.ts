import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, test } from "node:test";
import { setWriteHook } from "../../src/audit/storage/atomic-file.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { findStorageRoot } from "../../src/audit/storage/storage-root.js";
import { formatTimestamp, timestampMs } from "../../src/audit/events/timestamps.js";
import { CairnError } from "../../src/core/errors.js";
import { fixturesDir, removeDir, tempDir } from "./helpers.js";

const dirs: string[] = [];
function storageDir(): string {
  const dir = tempDir("storage");
  dirs.push(dir);
  return path.join(dir, ".phaser");
}
afterEach(() => {
  setWriteHook(null);
  while (dirs.length) removeDir(dirs.pop() as string);
});

function kindOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CairnError, `expected a CairnError, got ${err}`);
    return err.kind;
  }
  assert.fail("expected an error");
}

const audit = { project: "Demo", slug: "hardening", date: "2025-12-05", status: "in_progress" };

describe("storage root", () => {
  test("PHASER_STORAGE_DIR wins, else the nearest .phaser walking up, else ~/.phaser", () => {
    const base = tempDir("root");
    dirs.push(base);
    const nested = path.join(base, "a", "b");
    fs.mkdirSync(nested, { recursive: true });
    fs.mkdirSync(path.join(base, ".phaser"));
    assert.equal(findStorageRoot({ env: { PHASER_STORAGE_DIR: "/x/y" }, cwd: nested }), "/x/y");
    assert.equal(findStorageRoot({ env: {}, cwd: nested, home: "/nonexistent-home" }), path.join(base, ".phaser"));
    assert.equal(findStorageRoot({ env: {}, cwd: nested, home: nested }), path.join(nested, ".phaser"));
  });

  test("getPath refuses paths that escape .phaser/", () => {
    const storage = new PhaserStorage(storageDir());
    assert.equal(storage.getPath("manifests/x.json"), path.join(storage.root, "manifests", "x.json"));
    for (const bad of ["../audits.json", "/etc/passwd", "a/../../b", "..", "x\0y"])
      assert.equal(
        kindOf(() => storage.getPath(bad)),
        "Usage",
      );
  });
});

describe("audits.json", () => {
  test("saveAudit checks required fields and ids, and round-trips through get, list and update", () => {
    const storage = new PhaserStorage(storageDir());
    for (const field of ["project", "slug", "date", "status"]) {
      const partial: Record<string, unknown> = { ...audit };
      delete partial[field];
      assert.equal(
        kindOf(() => storage.saveAudit(partial)),
        "Usage",
      );
    }
    assert.equal(
      kindOf(() => storage.saveAudit({ ...audit, id: "not-a-uuid" })),
      "Usage",
    );
    const id = storage.saveAudit({ ...audit, custom_field: { keep: true } });
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(storage.getAudit(id)?.slug, "hardening");
    assert.equal(storage.getAudit("00000000-0000-4000-8000-000000000000"), null);
    assert.equal(storage.updateAudit(id, { status: "completed", phases_completed: 3 }), true);
    assert.equal(storage.updateAudit("00000000-0000-4000-8000-000000000000", { status: "completed" }), false);
    const stored = storage.getAudit(id);
    assert.equal(stored?.status, "completed");
    assert.deepEqual(stored?.custom_field, { keep: true });
    storage.saveAudit({ ...audit, project: "Other" });
    assert.equal(storage.listAudits("Demo").length, 1);
    assert.equal(storage.listAudits().length, 2);
  });

  test("Python Phaser's .phaser directory opens as it is, unknown fields and other files kept", async () => {
    const root = storageDir();
    fs.cpSync(path.join(fixturesDir, "phaser-dir"), root, { recursive: true });
    const storage = new PhaserStorage(root);
    const [first] = storage.listAudits();
    assert.equal(first?.id, "550e8400-e29b-41d4-a716-446655440000");
    assert.deepEqual(first?.tags, ["security"]);
    assert.equal(
      storage.getConfig().storage && (storage.getConfig().storage as Record<string, unknown>).max_events,
      5000,
    );
    storage.updateAudit(first?.id as string, { phases_completed: 2 });
    const raw = JSON.parse(fs.readFileSync(path.join(root, "audits.json"), "utf8"));
    assert.equal(raw.audits[0].completed_at, "2025-12-05T12:30:00Z", "existing timestamps are preserved");
    assert.deepEqual(raw.audits[0].metadata, { git_branch: "main" });
    // events.json is read (and imported into the pool) but never renamed or rewritten (issue 9, finding 7)
    const events = await storage.getEvents();
    assert.equal(events.length, 8);
    assert.ok(!fs.existsSync(path.join(root, "events.json.bak")));
    assert.ok(fs.existsSync(path.join(root, "events.json")));
    assert.deepEqual(
      events.map((e) => e.type),
      [
        "audit_started",
        "phase_started",
        "file_deleted",
        "file_created",
        "verification_passed",
        "phase_completed",
        "phase_skipped",
        "audit_completed",
      ],
    );
    assert.equal((await storage.getEvents({ eventType: "file_created" }))[0]?.data.size_bytes, 10);
    assert.equal((await storage.getEvents({ since: "2026-11-22T02:12:53.024+00:00" })).length, 2);
    assert.ok(fs.existsSync(path.join(root, "branches.yaml")) && fs.existsSync(path.join(root, "contracts")));
    storage.close();
  });

  test("invalid JSON in audits.json is a Corrupt error naming the file and position; the file is left alone", () => {
    const root = storageDir();
    fs.mkdirSync(root, { recursive: true });
    const bad = '{\n  "version": 1,\n  "audits": [ {,} ]\n}\n';
    fs.writeFileSync(path.join(root, "audits.json"), bad);
    const storage = new PhaserStorage(root);
    try {
      storage.saveAudit(audit);
      assert.fail("expected Corrupt");
    } catch (err) {
      assert.ok(err instanceof CairnError);
      assert.equal(err.kind, "Corrupt");
      assert.match(err.message, /audits\.json is not valid JSON at line 3, column \d+/);
    }
    assert.equal(fs.readFileSync(path.join(root, "audits.json"), "utf8"), bad);
  });

  test("a full disk during a write leaves the previous audits.json intact and no temp file behind", () => {
    const storage = new PhaserStorage(storageDir());
    const id = storage.saveAudit(audit);
    const before = fs.readFileSync(path.join(storage.root, "audits.json"), "utf8");
    setWriteHook((phase) => {
      if (phase === "temp-written")
        throw Object.assign(new Error("ENOSPC: no space left on device"), { code: "ENOSPC" });
    });
    assert.equal(
      kindOf(() => storage.updateAudit(id, { status: "completed" })),
      "Io",
    );
    setWriteHook(null);
    assert.equal(fs.readFileSync(path.join(storage.root, "audits.json"), "utf8"), before);
    assert.deepEqual(
      fs.readdirSync(storage.root).filter((f) => f.endsWith(".tmp")),
      [],
    );
  });
});

describe("config.yaml", () => {
  test("defaults, deep merge, set keeps the user's comments, reset restores", () => {
    const storage = new PhaserStorage(storageDir());
    const config = storage.getConfig();
    assert.deepEqual(config.storage, { location: "global", max_events: 10000, retention_days: 90 });
    assert.deepEqual(config.features, { diffs: true, contracts: true, simulation: true, branches: true });
    fs.mkdirSync(storage.root, { recursive: true });
    fs.writeFileSync(storage.config.path, "# my settings\nstorage:\n  max_events: 500 # small machine\n");
    assert.equal((storage.getConfig().storage as Record<string, unknown>).retention_days, 90, "deep merge");
    storage.setConfig("storage.retention_days", 30);
    storage.setConfig("display.color", "never");
    const text = fs.readFileSync(storage.config.path, "utf8");
    assert.match(text, /# my settings/);
    assert.match(text, /max_events: 500 # small machine/);
    assert.equal(storage.config.getValue("storage.retention_days"), 30);
    assert.equal(storage.config.getValue("display.color"), "never");
    assert.equal(
      kindOf(() => storage.setConfig("bad..key", 1)),
      "Usage",
    );
    storage.resetConfig();
    assert.equal(storage.config.getValue("storage.max_events"), 10000);
  });

  test("a bad YAML file is a Corrupt error naming the file and line", () => {
    const storage = new PhaserStorage(storageDir());
    fs.mkdirSync(storage.root, { recursive: true });
    fs.writeFileSync(storage.config.path, "storage:\n  max_events: [1, 2\nfeatures: {\n");
    try {
      storage.getConfig();
      assert.fail("expected Corrupt");
    } catch (err) {
      assert.ok(err instanceof CairnError);
      assert.equal(err.kind, "Corrupt");
      assert.match(err.message, /config\.yaml is not valid YAML \(line \d+\)/);
    }
  });
});

describe("timestamps", () => {
  test("every form Phaser wrote is read as the same instant; one form is written", () => {
    const forms = [
      "2025-12-05T10:15:30.123Z",
      "2025-12-05T10:15:30.123+00:00",
      "2025-12-05T10:15:30.123000+00:00",
      "2025-12-05T10:15:30.123000",
      "2025-12-05T11:15:30.123+01:00",
      "2025-12-05 10:15:30.123",
    ];
    const expected = Date.UTC(2025, 11, 5, 10, 15, 30, 123);
    for (const form of forms) assert.equal(timestampMs(form), expected, form);
    assert.equal(timestampMs("2025-12-05"), Date.UTC(2025, 11, 5));
    assert.equal(timestampMs("yesterday"), null);
    assert.equal(formatTimestamp(expected), "2025-12-05T10:15:30.123Z");
  });
});
