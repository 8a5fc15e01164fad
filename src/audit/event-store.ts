/**
 * The events pool: audit events as messages of a Cairn pool `.phaser/events.cairn`, so
 * appends cost one locked frame write (not a whole-file rewrite) and `cairn follow`,
 * `audit watch` and the server see them live.
 *
 * The pool is a fixed-size ring sized from `storage.max_events`; on open, events beyond
 * max_events or older than retention_days are truncated away. A Phaser `events.json`
 * found beside it is imported once, when the pool is first created, and kept as
 * `events.json.bak`. Each message's data is the event dict; tags are `audit` and its type.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { LocalPool } from "../api/backends/local.js";
import { CairnError, ErrorKind, toCairnError } from "../core/errors.js";
import type { Message } from "../core/message.js";
import type { PoolHandle } from "../core/pool.js";
import { withStorageLock } from "./atomic-file.js";
import { Event, type EventDict } from "./event.js";
import { readEventsJsonFile } from "./events-json.js";
import { timestampMs } from "./timestamps.js";

export const EVENTS_POOL_FILE = "events.cairn";
/** Generous: a verification_failed event with 1,000 chars of output is about 1.3 KiB. */
const BYTES_PER_EVENT_ESTIMATE = 1536;
const POOL_BYTES_MIN = 256 * 1024;

export interface EventQuery {
  auditId?: string;
  type?: string;
  /** Epoch ms; events at or after it. */
  sinceMs?: number;
}

export interface RetentionSettings {
  maxEvents: number;
  retentionDays: number;
}

export function poolBytesFor(maxEvents: number): number {
  const bytes = Math.max(POOL_BYTES_MIN, Math.ceil(maxEvents) * BYTES_PER_EVENT_ESTIMATE);
  return Math.ceil(bytes / 8) * 8;
}

export class EventStore {
  readonly poolPath: string;
  private pool: LocalPool | null = null;
  /** How many events the one-time events.json import brought in (0 when none). */
  importedOnOpen = 0;

  constructor(
    private readonly root: string,
    private readonly retention: RetentionSettings,
  ) {
    this.poolPath = nodePath.join(root, EVENTS_POOL_FILE);
  }

  /** The pool, opened (or created, importing events.json) on first use. */
  open(): LocalPool {
    if (this.pool) return this.pool;
    let pool: LocalPool;
    if (fs.existsSync(this.poolPath)) pool = LocalPool.open(this.poolPath, "events", this.poolPath);
    else {
      try {
        fs.mkdirSync(this.root, { recursive: true });
      } catch (err) {
        throw toCairnError(err, { path: this.root, what: "cannot create storage directory" });
      }
      pool = withStorageLock(this.root, () => this.createLocked());
    }
    this.pool = pool;
    this.applyRetention();
    return pool;
  }

  private createLocked(): LocalPool {
    if (fs.existsSync(this.poolPath)) return LocalPool.open(this.poolPath, "events", this.poolPath);
    const legacy = nodePath.join(this.root, "events.json");
    const imported = fs.existsSync(legacy) ? readEventsJsonFile(legacy) : [];
    const pool = LocalPool.create(this.poolPath, "events", this.poolPath, {
      size: poolBytesFor(this.retention.maxEvents),
    });
    if (imported.length > 0) {
      sortByTime(imported);
      pool.engine.appendBatch(imported.map(toAppendInput), { durability: "flush" });
      fs.renameSync(legacy, freeBackupName(legacy));
      this.importedOnOpen = imported.length;
    }
    return pool;
  }

  get engine(): PoolHandle {
    return this.open().engine;
  }

  /** `trusted`: the dict comes from Event.toDict (already valid), so it is not checked again. */
  append(dict: EventDict, options: { trusted?: boolean } = {}): Message {
    if (!options.trusted) validateRequired(dict);
    return this.engine.append(toAppendInput(dict));
  }

  appendMany(dicts: readonly EventDict[]): Message[] {
    for (const d of dicts) validateRequired(d);
    return this.engine.appendBatch(dicts.map(toAppendInput));
  }

  /**
   * Appends the events whose ids are not stored yet; returns how many went in and how many
   * were already there. Holds the storage lock so two imports of one file never duplicate.
   */
  importEvents(dicts: readonly EventDict[]): { imported: number; skipped: number } {
    for (const d of dicts) validateRequired(d);
    this.open(); // first: opening may itself take the storage lock (to create and import)
    return withStorageLock(this.root, () => {
      const known = new Set<string>();
      for (const { dict } of this.scan()) known.add(dict.id);
      const fresh = dicts.filter((d) => !known.has(d.id) && known.add(d.id));
      if (fresh.length > 0) this.engine.appendBatch(fresh.map(toAppendInput));
      return { imported: fresh.length, skipped: dicts.length - fresh.length };
    });
  }

  /** Retained events matching the query, sorted by timestamp (pool order breaks ties). */
  query(q: EventQuery = {}): EventDict[] {
    // Nothing stored yet: a read creates no pool (nor a storage directory).
    if (!this.pool && !fs.existsSync(this.poolPath) && !fs.existsSync(nodePath.join(this.root, "events.json")))
      return [];
    const out: EventDict[] = [];
    for (const { dict } of this.scan()) {
      if (q.auditId !== undefined && dict.audit_id !== q.auditId) continue;
      if (q.type !== undefined && dict.type !== q.type) continue;
      if (q.sinceMs !== undefined && (timestampMs(dict.timestamp) ?? 0) < q.sinceMs) continue;
      out.push(dict);
    }
    return sortByTime(out);
  }

  /** Every retained event with its seq, in pool order. */
  *scan(): Generator<{ seq: number; dict: EventDict }> {
    const engine = this.engine;
    const bounds = engine.bounds();
    const cursor = engine.cursor(bounds.oldestSeq ?? bounds.nextSeq);
    for (;;) {
      const step = cursor.next();
      if (step.kind === "none") return;
      if (step.kind === "gap") continue;
      const dict = asEventDict(step.message.data);
      if (dict) yield { seq: step.message.seq, dict };
    }
  }

  /**
   * Drops events; returns how many. Without `beforeMs` every event goes. The pool is a ring,
   * so only a prefix can go: the leading run of events older than `beforeMs`.
   */
  clear(beforeMs?: number): number {
    const engine = this.engine;
    if (beforeMs === undefined) return engine.truncate(engine.bounds().nextSeq);
    let cut: number | null = null;
    for (const { seq, dict } of this.scan()) {
      const ms = timestampMs(dict.timestamp);
      if (ms !== null && ms >= beforeMs) {
        cut = seq;
        break;
      }
    }
    return engine.truncate(cut ?? engine.bounds().nextSeq);
  }

  private applyRetention(): void {
    const engine = this.engine;
    const { oldestSeq, newestSeq } = engine.bounds();
    if (oldestSeq === null || newestSeq === null) return;
    const excess = newestSeq - oldestSeq + 1 - this.retention.maxEvents;
    if (excess > 0) engine.truncate(oldestSeq + excess);
    if (this.retention.retentionDays > 0) {
      const cutoffMs = Date.now() - this.retention.retentionDays * 86_400_000;
      const first = engine.bounds().oldestSeq;
      if (first !== null) {
        const oldest = asEventDict(safeGet(engine, first)?.data);
        if (oldest && (timestampMs(oldest.timestamp) ?? Date.now()) < cutoffMs) this.clear(cutoffMs);
      }
    }
  }

  close(): void {
    this.pool?.engine.close();
    this.pool = null;
  }
}

function safeGet(engine: PoolHandle, seq: number): Message | null {
  try {
    return engine.get(seq);
  } catch {
    return null;
  }
}

function toAppendInput(dict: EventDict): { data: unknown; tags: string[] } {
  return { data: dict, tags: ["audit", dict.type] };
}

function asEventDict(data: unknown): EventDict | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const d = data as EventDict;
  return typeof d.id === "string" && typeof d.type === "string" && typeof d.audit_id === "string" ? d : null;
}

function validateRequired(dict: EventDict): void {
  for (const field of ["id", "type", "timestamp", "audit_id"] as const) {
    if (typeof dict[field] !== "string" || dict[field].length === 0)
      throw new CairnError(ErrorKind.Usage, `event field "${field}" is required (a non-empty string)`);
  }
  try {
    Event.fromDict(dict); // shape check of phase and data
  } catch (err) {
    throw new CairnError(ErrorKind.Usage, (err as Error).message);
  }
}

export function sortByTime(events: EventDict[]): EventDict[] {
  const keyed = events.map((e, i) => ({ e, i, ms: timestampMs(e.timestamp) ?? 0 }));
  keyed.sort((a, b) => a.ms - b.ms || a.i - b.i);
  keyed.forEach((k, i) => {
    events[i] = k.e;
  });
  return events;
}

function freeBackupName(path: string): string {
  let candidate = `${path}.bak`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${path}.bak.${n}`;
  return candidate;
}
