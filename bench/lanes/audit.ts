/**
 * Audit lanes (issue 4): event appends through AuditEmitter (awaited) into the events pool, beside
 * the spec's approach measured in the same run — read events.json, append, rewrite it
 * atomically with fsync, per event — at 1,000 and 5,000 stored events; and manifest
 * capture throughput on a generated tree of 10,000 files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../src/audit/storage/atomic-file.js";
import { AuditEmitter } from "../../src/audit/events/emitter.js";
import type { EventData } from "../../src/audit/events/event-payloads.js";
import { Event, EventType } from "../../src/audit/events/event.js";
import { captureManifest } from "../../src/audit/manifests/manifest.js";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { type BenchContext, type LaneResult, median } from "../types.js";

const AUDIT = "550e8400-e29b-41d4-a716-446655440000";

function sampleData(i: number): EventData<"verification_passed"> {
  return { command: `grep -q "Schema" specs/events-${i}.md`, exit_code: 0, duration_ms: 12 };
}

async function emitterAppendsPerS(dir: string, count: number): Promise<number> {
  const storage = new PhaserStorage(path.join(dir, ".phaser"));
  const emitter = new AuditEmitter(storage);
  await emitter.emit(EventType.AUDIT_STARTED, AUDIT, null, { project: "bench", slug: "b", phases_total: 1 }); // opens the pool
  const started = performance.now();
  for (let i = 0; i < count; i++) await emitter.emit(EventType.VERIFICATION_PASSED, AUDIT, 1, sampleData(i));
  const seconds = (performance.now() - started) / 1000;
  await storage.close();
  return count / seconds;
}

/** Python Phaser's append_event: load the whole file, push, atomically rewrite with fsync. */
function rewriteAppendsPerS(dir: string, existing: number, appends: number): number {
  const file = path.join(dir, `events-${existing}.json`);
  const events = Array.from({ length: existing }, (_, i) =>
    new Event({ type: EventType.VERIFICATION_PASSED, auditId: AUDIT, phase: 1, data: sampleData(i) }).toDict(),
  );
  fs.writeFileSync(file, JSON.stringify({ version: 1, events }, null, 2));
  const started = performance.now();
  for (let i = 0; i < appends; i++) {
    const doc = JSON.parse(fs.readFileSync(file, "utf8")) as { events: unknown[] };
    doc.events.push(
      new Event({ type: EventType.VERIFICATION_PASSED, auditId: AUDIT, phase: 1, data: sampleData(i) }).toDict(),
    );
    writeFileAtomic(file, JSON.stringify(doc, null, 2));
  }
  return appends / ((performance.now() - started) / 1000);
}

function generateTree(root: string, files: number): number {
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, `d${i % 100}`, `e${i % 7}`);
    fs.mkdirSync(dir, { recursive: true });
    const body = `// file ${i}\n${"const value = 'x';\n".repeat(20 + (i % 200))}`;
    fs.writeFileSync(path.join(dir, `f${i}.ts`), body);
    bytes += Buffer.byteLength(body);
  }
  return bytes;
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const events = ctx.quick ? 2_000 : 10_000;
  const rounds = ctx.quick ? 1 : 3;
  const appendRates: number[] = [];
  for (let r = 0; r < rounds; r++)
    appendRates.push(await emitterAppendsPerS(path.join(ctx.tmpDir, `emit-${r}`), events));

  const rewriteAppends = ctx.quick ? 10 : 40;
  const rewriteRates = [1_000, 5_000].map((existing) => rewriteAppendsPerS(ctx.tmpDir, existing, rewriteAppends));
  const baseline = rewriteRates.reduce((a, b) => a + b, 0) / rewriteRates.length;

  const files = ctx.quick ? 2_000 : 10_000;
  const treeRoot = path.join(ctx.tmpDir, "tree");
  const treeBytes = generateTree(treeRoot, files);
  const captureRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    const manifest = await captureManifest(treeRoot);
    if (manifest.file_count !== files) throw new Error(`captured ${manifest.file_count} of ${files} files`);
    captureRates.push(treeBytes / 2 ** 20 / ((performance.now() - started) / 1000));
  }

  return [
    {
      name: "audit_event_append_per_s",
      value: median(appendRates),
      unit: "events/s",
      baseline: "baseline_events_json_rewrite_per_s",
      target: ">= 100x baseline_events_json_rewrite_per_s",
      note: `${events} events through AuditEmitter (each emit awaited) into the .phaser events pool (durability fast)`,
    },
    {
      name: "baseline_events_json_rewrite_per_s",
      value: baseline,
      unit: "events/s",
      note: `Phaser's read-modify-rewrite of events.json with fsync; mean of ${rewriteRates.map((r) => r.toFixed(1)).join(" and ")} events/s at 1,000 and 5,000 stored events`,
    },
    {
      name: "diff_capture_mb_per_s",
      value: median(captureRates),
      unit: "MiB/s",
      note: `captureManifest over ${files} generated files (${(treeBytes / 2 ** 20).toFixed(1)} MiB), sha256 and contents below the cap`,
    },
  ];
}
