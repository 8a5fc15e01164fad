/** Black-box: bad input gets a clear error with its kind, and nothing is lost; Phaser files interoperate. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { timestampMs } from "../../src/audit/events/timestamps.js";
import { auditProject, cli, errorOf, fixturesDir, jsonLines, removeDir } from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const d of cleanup) removeDir(d);
});

const setup = (label: string) => auditProject(label, cleanup);

describe("bad input", () => {
  test("malformed documents: validate lists line-numbered errors; start refuses with a Usage error", () => {
    const { repo, opts } = setup("baddoc");
    fs.writeFileSync(path.join(repo, "bad.md"), "# Broken\n\n## Phase 1: A\n```bash\nls\n");
    const v = cli(["audit", "validate", "bad.md"], opts);
    assert.equal(v.status, 2);
    const report = JSON.parse(v.stdout);
    assert.equal(report.valid, false);
    assert.ok(
      report.errors.some((e: { line: number; message: string }) => e.line === 4 && /never closed/.test(e.message)),
    );
    const s = cli(["audit", "start", "bad.md"], opts);
    assert.equal(s.status, 2);
    assert.equal(errorOf(s.stderr).kind, "Usage");
    assert.match(errorOf(s.stderr).message, /line \d+/);
    const missing = cli(["audit", "start", "nope.md"], opts);
    assert.equal(errorOf(missing.stderr).kind, "NotFound");
  });

  test("a corrupt audits.json is reported as Corrupt and never overwritten", () => {
    const { storage, opts } = setup("corrupt");
    fs.mkdirSync(storage, { recursive: true });
    fs.writeFileSync(path.join(storage, "audits.json"), '{"version":1,"audits":[');
    for (const args of [
      ["audit", "list"],
      ["audit", "start", "x.md"],
    ]) {
      const r = cli(args, opts);
      if (args[1] === "list") {
        assert.equal(r.status, 7);
        assert.equal(errorOf(r.stderr).kind, "Corrupt");
        assert.match(errorOf(r.stderr).message, /audits\.json is not valid JSON/);
      }
    }
    assert.equal(fs.readFileSync(path.join(storage, "audits.json"), "utf8"), '{"version":1,"audits":[');
  });

  test("a bad config.yaml is a clear Corrupt error; config reset recovers", () => {
    const { storage, opts } = setup("badyaml");
    fs.mkdirSync(storage, { recursive: true });
    fs.writeFileSync(path.join(storage, "config.yaml"), "storage: [unclosed\n");
    const r = cli(["config", "get"], opts);
    assert.equal(r.status, 7);
    assert.match(errorOf(r.stderr).message, /config\.yaml is not valid YAML/);
    assert.equal(cli(["config", "reset"], opts).status, 0);
    assert.equal(cli(["config", "get", "storage.max_events"], opts).stdout.trim(), "10000");
    assert.equal(cli(["config", "set", "storage.max_events", "5000"], opts).status, 0);
    assert.equal(cli(["config", "get", "storage.max_events", "--json"], opts).stdout.trim(), "5000");
  });

  test("wrong phase numbers, unknown audits and empty reasons are Usage or NotFound errors", () => {
    const { opts } = setup("wrongphase");
    assert.equal(errorOf(cli(["phase", "start", "1"], opts).stderr).kind, "NotFound");
    assert.equal(errorOf(cli(["phase", "verify", "zero"], opts).stderr).kind, "Usage");
    assert.equal(errorOf(cli(["audit", "show", "deadbeef"], opts).stderr).kind, "NotFound");
    assert.equal(errorOf(cli(["events", "clear"], opts).stderr).kind, "Usage");
    assert.equal(errorOf(cli(["events", "list", "--since", "whenever"], opts).stderr).kind, "Usage");
  });
});

describe("Python Phaser interop", () => {
  test("its audit document fixture validates and starts", () => {
    const { repo, opts } = setup("fixture-doc");
    fs.copyFileSync(path.join(fixturesDir, "audit-document-minimal.md"), path.join(repo, "doc.md"));
    const v = JSON.parse(cli(["audit", "validate", "doc.md"], opts).stdout);
    assert.equal(v.valid, true);
    assert.deepEqual(v.phases, [{ number: 1, title: "Test Phase", verify: 1 }]);
    const start = cli(["audit", "start", "doc.md"], opts);
    assert.equal(start.status, 0, start.stderr);
    assert.equal(JSON.parse(start.stdout).slug, "test-document");
  });

  test("its .phaser directory opens unchanged; events.json imports and exports back equivalent", () => {
    const { repo, storage, opts } = setup("interop");
    fs.cpSync(path.join(fixturesDir, "phaser-dir"), storage, { recursive: true });
    const list = jsonLines(cli(["audit", "list"], opts).stdout);
    assert.equal(list[0]?.slug, "security-hardening");
    const out = path.join(repo, "events-out.json");
    const exported = cli(["events", "export", "-o", out], opts);
    assert.equal(exported.status, 0, exported.stderr);
    const original = JSON.parse(fs.readFileSync(path.join(fixturesDir, "phaser-dir", "events.json"), "utf8"));
    const back = JSON.parse(fs.readFileSync(out, "utf8"));
    assert.equal(back.version, 1);
    assert.equal(back.events.length, original.events.length);
    for (const [i, e] of original.events.entries()) {
      const b = back.events[i];
      assert.deepEqual({ ...b, timestamp: undefined }, { ...e, timestamp: undefined });
      assert.equal(timestampMs(b.timestamp), timestampMs(e.timestamp), "same instant");
      assert.match(b.timestamp, /Z$/, "one written form");
    }
    // Importing the same file again adds nothing; unknown types are preserved.
    const again = cli(["events", "import", path.join(fixturesDir, "phaser-dir", "events.json"), "--json"], opts);
    assert.deepEqual(JSON.parse(again.stdout), {
      imported: 0,
      skipped: 8,
      path: path.join(fixturesDir, "phaser-dir", "events.json"),
    });
    const future = path.join(repo, "future.json");
    fs.writeFileSync(
      future,
      JSON.stringify({
        version: 1,
        events: [
          {
            id: "f1",
            type: "contract_violation",
            timestamp: "2026-11-23T00:00:00Z",
            audit_id: "x",
            phase: null,
            data: { rule: "r" },
            extra_field: 1,
          },
        ],
      }),
    );
    assert.equal(JSON.parse(cli(["events", "import", future], opts).stdout).imported, 1);
    const kept = jsonLines(cli(["events", "list", "--type", "contract_violation"], opts).stdout);
    assert.equal(kept[0]?.extra_field, 1);
    assert.equal(jsonLines(cli(["events", "list", "--audit", "550e8400"], opts).stdout).length, 8);
    assert.equal(JSON.parse(cli(["events", "clear", "--all"], opts).stdout).cleared, 9);
  });
});
