import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import * as helpers from "../../src/audit/events/emit-helpers.js";
import { EventEmitter } from "../../src/audit/events/emitter.js";
import { EVENT_TYPES, Event, EventType } from "../../src/audit/events/event.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import type { CairnError } from "../../src/core/errors.js";
import { removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("events");
after(() => removeDir(scratch));
let n = 0;
const freshStorage = () => new PhaserStorage(path.join(scratch, `s${n++}`, ".phaser"));
const AUDIT = "550e8400-e29b-41d4-a716-446655440000";

describe("Event", () => {
  test("there are the spec's 12 types", () => {
    assert.equal(EVENT_TYPES.length, 12);
    assert.equal(EventType.VERIFICATION_FAILED, "verification_failed");
  });

  test("is immutable, and toDict/fromDict round-trip unknown types and fields without throwing", () => {
    const dict = {
      id: "a65781ff-a418-477f-9683-58fa6dea5661",
      type: "contract_violation",
      timestamp: "2026-11-22T02:12:53.017+00:00",
      audit_id: AUDIT,
      phase: 2,
      data: { rule: "no-todo", nested: { x: 1 } },
      source: "v1.8",
    };
    const event = Event.fromDict(dict);
    assert.equal(event.isKnownType, false);
    assert.deepEqual(event.toDict(), dict);
    assert.throws(() => {
      (event as unknown as { type: string }).type = "x";
    });
    assert.throws(() => {
      (event.data.nested as { x: number }).x = 2;
    });
    assert.deepEqual(Event.fromDict({ ...dict, phase: undefined, data: undefined }).toDict().data, {});
    assert.throws(
      () => Event.fromDict({ type: "audit_started" }),
      (err: unknown) => (err as CairnError).kind === "Corrupt",
    );
  });
});

describe("EventEmitter", () => {
  test("emit validates the type (Usage), persists, and notifies subscribers synchronously in order", async () => {
    const storage = freshStorage();
    const emitter = new EventEmitter(storage);
    await assert.rejects(
      () => emitter.emit("not_a_type" as EventType, AUDIT, null, {} as never),
      (err: unknown) => (err as CairnError).kind === "Usage",
    );
    const seen: string[] = [];
    const first = (e: Event) => seen.push(`first:${e.type}`);
    emitter.subscribe(first);
    emitter.subscribe((e) => seen.push(`second:${e.type}`));
    const event = await emitter.emit(EventType.PHASE_STARTED, AUDIT, 1, { description: "One", file: "f.md" });
    assert.deepEqual(seen, ["first:phase_started", "second:phase_started"], "called before emit returned");
    emitter.unsubscribe(first);
    await emitter.emit(EventType.PHASE_SKIPPED, AUDIT, 2, { reason: "user_request" });
    assert.deepEqual(seen.slice(2), ["second:phase_skipped"]);
    const stored = await storage.getEvents({ auditId: AUDIT });
    assert.equal(stored.length, 2);
    assert.deepEqual(stored[0], event.toDict());
    storage.close();
  });

  test("a subscriber's error is logged and isolated; the others still run", async () => {
    const warnings: string[] = [];
    const emitter = new EventEmitter(null, { warn: (m) => warnings.push(m) });
    let reached = false;
    emitter.subscribe(() => {
      throw new Error("boom");
    });
    emitter.subscribe(() => {
      reached = true;
    });
    await emitter.emit(EventType.AUDIT_STARTED, AUDIT, null, { project: "p", slug: "s", phases_total: 1 });
    assert.equal(reached, true);
    assert.match(warnings[0] ?? "", /subscriber failed/);
  });

  test("storage unavailable: the emit succeeds in memory with a warning", async () => {
    const blocker = path.join(scratch, "not-a-dir");
    fs.writeFileSync(blocker, "x");
    const warnings: string[] = [];
    const emitter = new EventEmitter(new PhaserStorage(path.join(blocker, ".phaser")), {
      warn: (m) => warnings.push(m),
    });
    const event = await emitter.emit(EventType.PHASE_SKIPPED, AUDIT, 1, { reason: "user_request" });
    assert.equal(event.type, "phase_skipped");
    assert.equal(emitter.unpersisted.length, 1);
    assert.match(warnings[0] ?? "", /kept in memory only/);
  });

  test("dry-run mode notifies subscribers but persists nothing", async () => {
    const storage = freshStorage();
    const emitter = new EventEmitter(storage, { dryRun: true });
    let calls = 0;
    emitter.subscribe(() => calls++);
    await emitter.emit(EventType.PHASE_STARTED, AUDIT, 1, { description: "x" });
    assert.equal(calls, 1);
    assert.equal((await storage.getEvents()).length, 0);
    storage.close();
  });

  test("replay calls back in time order and returns the count; imported events sort by instant, not string", async () => {
    const storage = freshStorage();
    await storage.appendEvent({
      id: "b",
      type: "phase_started",
      timestamp: "2025-12-05T11:00:00.000+01:00", // 10:00Z
      audit_id: AUDIT,
      phase: 1,
      data: {},
    });
    await storage.appendEvent({
      id: "a",
      type: "audit_started",
      timestamp: "2025-12-05T09:30:00Z",
      audit_id: AUDIT,
      phase: null,
      data: {},
    });
    await storage.appendEvent({
      id: "c",
      type: "phase_completed",
      timestamp: "2025-12-05T10:00:00.500000",
      audit_id: AUDIT,
      phase: 1,
      data: {},
    });
    await storage.appendEvent({
      id: "z",
      type: "audit_started",
      timestamp: "2025-12-05T09:00:00Z",
      audit_id: "other",
      phase: null,
      data: {},
    });
    const order: string[] = [];
    const count = await new EventEmitter(storage).replay(AUDIT, (e) => order.push(e.id));
    assert.equal(count, 3);
    assert.deepEqual(order, ["a", "b", "c"]);
    await assert.rejects(
      () => storage.appendEvent({ id: "", type: "x", timestamp: "t", audit_id: AUDIT, phase: null, data: {} }),
      (err: unknown) => (err as CairnError).kind === "Usage",
    );
    // "a" and "z" are older than 09:45Z although "b" (newer) was appended before them: both go.
    assert.equal(await storage.clearEvents("2025-12-05T09:45:00Z"), 2);
    assert.deepEqual(
      (await storage.getEvents()).map((e) => e.id),
      ["b", "c"],
    );
    assert.equal(await storage.clearEvents(), 2);
    storage.close();
  });

  test("each convenience function emits its type with the spec's payload fields", async () => {
    const emitter = new EventEmitter(null);
    const e = (ev: Event) => [ev.type, ev.phase, ev.data];
    assert.deepEqual(
      e(
        await helpers.emitAuditStarted(emitter, AUDIT, {
          project: "P",
          slug: "s",
          phases_total: 2,
          git_branch: "main",
        }),
      ),
      ["audit_started", null, { project: "P", slug: "s", phases_total: 2, git_branch: "main" }],
    );
    assert.deepEqual(
      e(
        await helpers.emitVerificationFailed(emitter, AUDIT, 3, {
          command: "c",
          exit_code: 2,
          duration_ms: 5,
          output: "x".repeat(5000),
        }),
      )[2],
      { command: "c", exit_code: 2, duration_ms: 5, output: "x".repeat(1000) },
    );
    assert.deepEqual(e(await helpers.emitVerificationPassed(emitter, AUDIT, 3, { command: "c", duration_ms: 1 }))[2], {
      command: "c",
      duration_ms: 1,
      exit_code: 0,
    });
    assert.equal(
      (
        await helpers.emitAuditCompleted(emitter, AUDIT, {
          duration_seconds: 1.5,
          phases_completed: 1,
          phases_skipped: 0,
          files_created: 0,
          files_modified: 0,
          files_deleted: 0,
        })
      ).type,
      "audit_completed",
    );
    assert.equal(
      (
        await helpers.emitAuditAbandoned(emitter, AUDIT, {
          reason: "timeout",
          phases_completed: 0,
          phases_remaining: 1,
        })
      ).type,
      "audit_abandoned",
    );
    assert.equal(
      (await helpers.emitPhaseStarted(emitter, AUDIT, 1, { description: "d", file: "f" })).type,
      "phase_started",
    );
    assert.equal(
      (await helpers.emitPhaseCompleted(emitter, AUDIT, 1, { duration_seconds: 2 })).type,
      "phase_completed",
    );
    assert.equal(
      (await helpers.emitPhaseFailed(emitter, AUDIT, 1, { error: "e", attempts: 3, duration_seconds: 4 })).type,
      "phase_failed",
    );
    assert.equal((await helpers.emitPhaseSkipped(emitter, AUDIT, 1, { reason: "user_request" })).type, "phase_skipped");
    assert.deepEqual(e(await helpers.emitFileCreated(emitter, AUDIT, 1, { path: "a", size_bytes: 3 }))[2], {
      path: "a",
      size_bytes: 3,
    });
    assert.deepEqual(
      e(
        await helpers.emitFileModified(emitter, AUDIT, 1, {
          path: "a",
          size_bytes: 3,
          lines_added: 1,
          lines_removed: 2,
        }),
      )[2],
      { path: "a", size_bytes: 3, lines_added: 1, lines_removed: 2 },
    );
    assert.deepEqual(e(await helpers.emitFileDeleted(emitter, AUDIT, 1, { path: "a" }))[2], { path: "a" });
  });

  test("importEvents into a fresh store adds new ids once and skips known ones", async () => {
    const storage = freshStorage();
    const base = { type: "phase_skipped", timestamp: "2025-12-05T10:00:00Z", audit_id: AUDIT, phase: 1, data: {} };
    assert.deepEqual(
      await storage.events.importEvents([
        { ...base, id: "a" },
        { ...base, id: "b" },
        { ...base, id: "a" },
      ]),
      {
        imported: 2,
        skipped: 1,
      },
    );
    assert.deepEqual(
      await storage.events.importEvents([
        { ...base, id: "b" },
        { ...base, id: "c" },
      ]),
      { imported: 1, skipped: 1 },
    );
    assert.equal((await storage.getEvents()).length, 3);
    storage.close();
  });

  test("retention: events older than storage.retention_days are dropped when the pool is opened", async () => {
    const storage = freshStorage();
    storage.setConfig("storage.retention_days", 30);
    const old = { type: "phase_skipped", audit_id: AUDIT, phase: 1, data: {} };
    await storage.appendEvent({ ...old, id: "o1", timestamp: "2020-01-01T00:00:00.000Z" });
    await storage.appendEvent({ ...old, id: "o2", timestamp: "2020-01-02T00:00:00+00:00" });
    await storage.appendEvent({ ...old, id: "n1", timestamp: new Date().toISOString() });
    storage.close();
    const reopened = new PhaserStorage(storage.root);
    assert.deepEqual(
      (await reopened.getEvents()).map((e) => e.id),
      ["n1"],
    );
    reopened.close();
  });

  test("retention: events beyond storage.max_events are dropped when the pool is opened", async () => {
    const storage = freshStorage();
    storage.setConfig("storage.max_events", 50);
    const emitter = new EventEmitter(storage);
    for (let i = 0; i < 80; i++) await emitter.emit(EventType.PHASE_SKIPPED, AUDIT, 1, { reason: `r${i}` });
    storage.close();
    const reopened = new PhaserStorage(storage.root);
    const events = await reopened.getEvents();
    assert.equal(events.length, 50);
    assert.equal(events[0]?.data.reason, "r30");
    reopened.close();
  });
});
