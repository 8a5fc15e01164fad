/**
 * The events pool: audit events as messages of a Cairn pool `.phaser/events.cairn`, so
 * appends cost one locked frame write (not a whole-file rewrite) and `cairn follow`,
 * `audit watch` and the server see them live.
 *
 * The pool is a fixed-size ring sized from `storage.max_events`; on open, a pool of another
 * size is rebuilt at the configured one, and events beyond max_events or older than
 * retention_days are dropped. A rebuild (resize, or a clear of events that are not the
 * oldest run) writes a new pool file and renames it over the old; every handle notices the
 * old file is unlinked and reopens. A Phaser `events.json`
 * found beside it is imported once, when the pool is first created, and kept as
 * `events.json.bak`. Each message's data is the event dict; tags are `audit` and its type.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { LocalPool } from "../../api/backends/local.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import type { Message } from "../../core/message.js";
import type { PoolHandle } from "../../core/pool.js";
import { lockExclusive, unlock } from "../../core/lock.js";
import { removeStaleTemps, syncDirectory, withStorageLock } from "../storage/atomic-file.js";
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
  /** Whether this store has checked the pool's size and retention since it was opened. */
  private maintained = false;
  /** How many events the one-time events.json import brought in (0 when none). */
  importedOnOpen = 0;

  constructor(
    private readonly root: string,
    private readonly retention: RetentionSettings,
  ) {
    this.poolPath = nodePath.join(root, EVENTS_POOL_FILE);
  }

  /**
   * The pool, opened (or created, importing events.json) on first use; on the first open a
   * pool whose size no longer matches `max_events` is rebuilt at the new size, and events
   * beyond max_events or older than retention_days are dropped.
   */
  open(): LocalPool {
    const pool = this.current();
    if (!this.maintained) {
      this.maintained = true;
      if (pool.engine.stats().file_size !== poolBytesFor(this.retention.maxEvents)) {
        withStorageLock(this.root, () => {
          // Checked again under the lock: another process may have resized it meanwhile.
          if (this.current().engine.stats().file_size !== poolBytesFor(this.retention.maxEvents))
            this.rewriteLocked(() => true);
        });
      }
      this.applyRetention();
    }
    return this.current();
  }

  /**
   * The open pool, reopened when its file was replaced (a resize or clear in any process
   * renames a rebuilt pool over it) or deleted; created when absent. No maintenance.
   */
  private current(): LocalPool {
    if (this.pool && !this.pool.engine.poolFile.isUnlinked()) return this.pool;
    this.pool?.engine.close();
    this.pool = null;
    if (fs.existsSync(this.poolPath)) this.pool = LocalPool.open(this.poolPath, "events", this.poolPath);
    else {
      try {
        fs.mkdirSync(this.root, { recursive: true });
      } catch (err) {
        throw toCairnError(err, { path: this.root, what: "cannot create storage directory" });
      }
      this.pool = withStorageLock(this.root, () => this.createLocked());
    }
    return this.pool;
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
    // The open handle as it is (no check before): the check after the append covers both.
    const engine = this.maintained && this.pool ? this.pool.engine : this.engine;
    const message = engine.append(toAppendInput(dict));
    // One fstat: was the file replaced by a rebuild (or deleted) before or during this
    // append? Then the event may have gone into the orphaned file, after the copy.
    if (engine.poolFile.isUnlinked()) return this.appendAfterSwap(dict) ?? message;
    return message;
  }

  /** Under the storage lock (no rebuild can run): appends `dict` to the current pool unless it is there. */
  private appendAfterSwap(dict: EventDict): Message | null {
    return withStorageLock(this.root, () => {
      for (const { dict: stored } of this.scan()) if (stored.id === dict.id) return null;
      return this.current().engine.append(toAppendInput(dict));
    });
  }

  appendMany(dicts: readonly EventDict[]): Message[] {
    for (const d of dicts) validateRequired(d);
    this.open();
    // Under the storage lock, so no rebuild can orphan the batch.
    return withStorageLock(this.root, () => this.current().engine.appendBatch(dicts.map(toAppendInput)));
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
      if (fresh.length > 0) this.current().engine.appendBatch(fresh.map(toAppendInput));
      return { imported: fresh.length, skipped: dicts.length - fresh.length };
    });
  }

  /** Retained events matching the query, sorted by timestamp (pool order breaks ties). */
  query(q: EventQuery = {}): EventDict[] {
    // Nothing stored yet: a read creates no pool (nor a storage directory).
    if (!this.pool && !fs.existsSync(this.poolPath) && !fs.existsSync(nodePath.join(this.root, "events.json")))
      return [];
    this.open();
    const out: EventDict[] = [];
    for (const { dict } of this.scan()) {
      if (q.auditId !== undefined && dict.audit_id !== q.auditId) continue;
      if (q.type !== undefined && dict.type !== q.type) continue;
      if (q.sinceMs !== undefined && (timestampMs(dict.timestamp) ?? 0) < q.sinceMs) continue;
      out.push(dict);
    }
    return sortByTime(out);
  }

  /** Every retained event with its seq, in pool order (of the current pool file, without maintenance). */
  *scan(): Generator<{ seq: number; dict: EventDict }> {
    yield* scanEngine(this.current().engine);
  }

  /**
   * Drops events; returns how many. Without `beforeMs` every event goes. With it, every
   * event older than `beforeMs` goes, wherever it sits: a ring can only drop its oldest end,
   * so when old events sit behind newer ones (an import of older history) the pool is
   * rebuilt without them.
   */
  clear(beforeMs?: number): number {
    this.open();
    if (beforeMs === undefined) {
      const engine = this.current().engine;
      return engine.truncate(engine.bounds().nextSeq);
    }
    const isOld = (dict: EventDict) => {
      const ms = timestampMs(dict.timestamp);
      return ms !== null && ms < beforeMs;
    };
    return withStorageLock(this.root, () => {
      const engine = this.current().engine;
      let cut: number | null = null;
      let oldAfterCut = false;
      for (const { seq, dict } of this.scan()) {
        if (!isOld(dict)) cut ??= seq;
        else if (cut !== null) {
          oldAfterCut = true;
          break;
        }
      }
      if (oldAfterCut) return this.rewriteLocked((dict) => !isOld(dict));
      return engine.truncate(cut ?? engine.bounds().nextSeq);
    });
  }

  /**
   * Call holding the storage lock. Replaces the pool file by a new one sized from max_events
   * holding the newest max_events events that `keep` accepts, in their order; returns how
   * many events went. The old file's writer lock is held from the copy to the rename, so an
   * append in another process lands either before the copy (and is copied) or in the
   * orphaned file after the rename (and that writer, seeing its file unlinked, appends it
   * again: see `append`).
   */
  private rewriteLocked(keep: (dict: EventDict) => boolean): number {
    removeStaleTemps(this.poolPath);
    const engine = this.current().engine;
    const temp = nodePath.join(this.root, `.${EVENTS_POOL_FILE}.${process.pid}.${Date.now()}.tmp`);
    let removed = 0;
    lockExclusive(engine.poolFile.fd, engine.path);
    try {
      const kept: EventDict[] = [];
      let total = 0;
      for (const { dict } of scanEngine(engine)) {
        total++;
        if (keep(dict)) kept.push(dict);
      }
      const tail = kept.slice(Math.max(0, kept.length - this.retention.maxEvents));
      removed = total - tail.length;
      try {
        const fresh = LocalPool.create(temp, "events", temp, { size: poolBytesFor(this.retention.maxEvents) });
        try {
          if (tail.length > 0) fresh.engine.appendBatch(tail.map(toAppendInput), { durability: "flush" });
        } finally {
          fresh.engine.close();
        }
        fs.renameSync(temp, this.poolPath);
      } catch (err) {
        fs.rmSync(temp, { force: true });
        throw toCairnError(err, { path: this.poolPath, what: "cannot rebuild the events pool" });
      }
      syncDirectory(this.root);
    } finally {
      unlock(engine.poolFile.fd, engine.path);
    }
    this.current(); // the old file is unlinked now: reopen the new one
    return removed;
  }

  private applyRetention(): void {
    const engine = this.current().engine;
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
    this.maintained = false;
  }
}

function* scanEngine(engine: PoolHandle): Generator<{ seq: number; dict: EventDict }> {
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
