/**
 * Count-based retention keeps the newest max_events by timestamp (issue 10, finding 3):
 * importing old history never deletes recent events.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, test } from "node:test";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { cli, jsonLines, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("retention-time");
after(() => removeDir(scratch));

test("importing 150 two-day-old events with max_events 100 keeps all 16 recent ones", async () => {
  const storage = path.join(scratch, ".phaser");
  const s = new PhaserStorage(storage);
  s.setConfig("storage.max_events", 100);
  const base = { type: "phase_skipped", audit_id: "a1", phase: 1, data: { reason: "x" } };
  for (let i = 0; i < 16; i++)
    await s.appendEvent({ ...base, id: `recent-${i}`, timestamp: new Date(Date.now() - i * 1000).toISOString() });
  await s.close();
  const twoDaysAgo = Date.now() - 2 * 86_400_000;
  const old = Array.from({ length: 150 }, (_, i) => ({
    ...base,
    id: `old-${i}`,
    timestamp: new Date(twoDaysAgo + i * 1000).toISOString(),
  }));
  const file = path.join(scratch, "old.json");
  fs.writeFileSync(file, JSON.stringify({ version: 1, events: old }));
  const r = cli(["events", "import", file, "--json"], { cwd: scratch, storage });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).dropped_by_retention, 66, "it says what it dropped");
  const ids = jsonLines(cli(["events", "list", "--json"], { cwd: scratch, storage }).stdout).map((e) => e.id as string);
  assert.equal(ids.length, 100);
  assert.equal(ids.filter((id) => id.startsWith("recent-")).length, 16);
  assert.ok(ids.includes("old-149") && !ids.includes("old-65"), "the newest of the old ones stay");
});
