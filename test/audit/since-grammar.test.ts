/**
 * One `--since` grammar for the whole CLI (issue 9, finding 14): `m` is minutes and `mo`
 * months in `follow` and in `events list|clear` alike, parsed by core's `parseSinceNs`.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { parseSinceNs } from "../../src/core/time.js";
import { cli, errorOf, jsonLines, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("since");
after(() => removeDir(scratch));

const MINUTE_NS = 60_000_000_000n;
const NOW_NS = 1_800_000_000_000_000_000n;

describe("the --since grammar", () => {
  test("units are s, m (minutes), h, d, w and mo (months of 30 days); RFC 3339 times and dates", () => {
    assert.equal(parseSinceNs("90s", NOW_NS), NOW_NS - 90_000_000_000n);
    assert.equal(parseSinceNs("30m", NOW_NS), NOW_NS - 30n * MINUTE_NS);
    assert.equal(parseSinceNs("2h", NOW_NS), NOW_NS - 120n * MINUTE_NS);
    assert.equal(parseSinceNs("1d", NOW_NS), NOW_NS - 1440n * MINUTE_NS);
    assert.equal(parseSinceNs("1w", NOW_NS), NOW_NS - 7n * 1440n * MINUTE_NS);
    assert.equal(parseSinceNs("3mo", NOW_NS), NOW_NS - 90n * 1440n * MINUTE_NS);
    assert.equal(parseSinceNs("2025-12-05T10:15:30Z"), 1_764_929_730_000_000_000n);
    assert.equal(parseSinceNs("2025-12-05"), 1_764_892_800_000_000_000n);
    for (const bad of ["yesterday", "5 minutes", "3M", "-5m", "2025-13-01", "5"])
      assert.throws(() => parseSinceNs(bad, NOW_NS), /invalid time/, bad);
  });

  test("events list --since 30m means 30 minutes, as follow --since 30m does", async () => {
    const storage = path.join(scratch, "list", ".phaser");
    const s = new PhaserStorage(storage);
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const base = { type: "phase_skipped", audit_id: "a1", phase: 1, data: { reason: "x" } };
    await s.appendEvent({ ...base, id: "ten-minutes-ago", timestamp: at(10) });
    await s.appendEvent({ ...base, id: "two-hours-ago", timestamp: at(120) });
    await s.appendEvent({ ...base, id: "two-months-ago", timestamp: at(60 * 24 * 61) });
    await s.close();
    const opts = { cwd: scratch, storage };
    const ids = (since: string) => {
      const r = cli(["events", "list", "--since", since, "--json"], opts);
      assert.equal(r.status, 0, r.stderr);
      return jsonLines(r.stdout).map((e) => e.id);
    };
    assert.deepEqual(ids("30m"), ["ten-minutes-ago"]);
    assert.deepEqual(ids("3h"), ["two-hours-ago", "ten-minutes-ago"]);
    assert.deepEqual(ids("3mo"), ["two-months-ago", "two-hours-ago", "ten-minutes-ago"]);
    // follow reads the same words the same way: the pool's messages carry their append time,
    // so every one of them is younger than 30 minutes, and 3mo is accepted too.
    const poolPath = path.join(storage, "events.cairn");
    for (const since of ["30m", "3mo"]) {
      const r = cli(["follow", poolPath, "--since", since, "--no-wait", "--json"], opts);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(jsonLines(r.stdout).length, 3, since);
    }
    const bad = errorOf(cli(["events", "list", "--since", "3M", "--json"], opts).stderr);
    assert.equal(bad.kind, "Usage");
    assert.match(bad.message, /^--since: invalid time "3M"/);
  });
});
