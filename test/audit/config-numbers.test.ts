/**
 * Numeric settings are checked where they are set and where they are read (issue 10,
 * finding 2): a bad `storage.max_events` in config.yaml is a clear error, never a deletion.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { cli, errorOf, jsonLines, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("config-numbers");
after(() => removeDir(scratch));
let n = 0;

async function storageWithEvents(count: number): Promise<string> {
  const storage = path.join(scratch, `s${n++}`, ".phaser");
  const s = new PhaserStorage(storage);
  for (let i = 0; i < count; i++)
    await s.appendEvent({
      id: `e${i}`,
      type: "phase_skipped",
      timestamp: new Date(Date.now() - (count - i) * 1000).toISOString(),
      audit_id: "a1",
      phase: 1,
      data: { reason: "x" },
    });
  await s.close();
  return storage;
}

describe("numeric settings", () => {
  test("config set refuses zero, negatives, fractions, non-numbers and absurd sizes for every numeric key", () => {
    const storage = path.join(scratch, `s${n++}`, ".phaser");
    const opts = { cwd: scratch, storage };
    const keys = [
      "storage.max_events",
      "storage.retention_days",
      "audit.verify_timeout_seconds",
      "audit.max_attempts",
      "audit.stale_days",
      "diff.content_max_bytes",
    ];
    for (const key of keys)
      for (const bad of ["0", "-5", ...(key.endsWith("seconds") ? [] : ["0.5"]), "1e12", "many"]) {
        const r = cli(["config", "set", key, bad, "--json"], opts);
        assert.equal(r.status, 2, `${key}=${bad}: ${r.stderr}`);
        assert.match(errorOf(r.stderr).message, new RegExp(`^${key.replace(".", "\\.")} takes a (whole )?number`));
      }
    assert.equal(cli(["config", "set", "storage.max_events", "5000"], opts).status, 0);
    assert.equal(cli(["config", "get", "storage.max_events"], opts).stdout.trim(), "5000");
  });

  test("a bad storage.max_events in config.yaml is a clear error on read and on write, and deletes nothing", async () => {
    for (const bad of ["0", "-5", "0.5", "'ten'"]) {
      const storage = await storageWithEvents(8);
      const opts = { cwd: scratch, storage };
      fs.writeFileSync(path.join(storage, "config.yaml"), `storage:\n  max_events: ${bad}\n`);
      const list = cli(["events", "list", "--json"], opts);
      assert.equal(list.status, 2, `max_events ${bad}: ${list.stderr}`);
      const error = errorOf(list.stderr);
      assert.equal(error.kind, "Usage");
      assert.match(error.message, /storage\.max_events/);
      assert.notEqual(cli(["events", "import", path.join(storage, "missing.json")], opts).status, 0);
      fs.writeFileSync(path.join(storage, "config.yaml"), "storage:\n  max_events: 100\n");
      assert.equal(jsonLines(cli(["events", "list", "--json"], opts).stdout).length, 8, `max_events ${bad}`);
    }
  });

  test("the library's setConfig checks numbers too", () => {
    const storage = new PhaserStorage(path.join(scratch, `s${n++}`, ".phaser"));
    assert.throws(() => storage.setConfig("storage.max_events", 0), { kind: "Usage" });
    assert.throws(() => storage.setConfig("storage.retention_days", 1.5), { kind: "Usage" });
    storage.setConfig("storage.retention_days", 30);
    assert.equal(storage.config.getValue("storage.retention_days"), 30);
  });
});
