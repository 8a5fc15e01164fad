/**
 * The events pool: audit events as messages of a Cairn pool, reached only through the api
 * (`Client`, `Pool`), so the pool can be the local `.phaser/events.cairn` (the default) or
 * any pool `storage.events_pool` names, a served one included. Appends cost one frame write
 * (and one `stat` of events.json), and `cairn follow`, `audit watch` and the server see them live.
 *
 * Phaser's `events.json` beside the storage is never renamed or written: its events are
 * imported incrementally (phaser-import-ledger.ts) under the storage lock by every writer
 * that sees the file changed, tagged `phaser`, without duplicates. Readers write nothing:
 * they merge events.json's not-yet-imported events into what they return, so a read-only
 * `.phaser/` serves every read. A writer's first use in a process also sizes the pool for
 * `max_events` (plus room for Phaser's events) and applies retention (retention-plan.ts).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { Client } from "../../api/client.js";
import type { Message, Pool } from "../../api/types.js";
import { isFilePoolInfo } from "../../api/wire/pool-info.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { withStorageLockAsync } from "../storage/atomic-file.js";
import type { EventDict } from "./event.js";
import { asEventDict, sortByTime, tagsOf, toBatchItem, validateRequired } from "./event-dicts.js";
import {
  type FileSignature,
  currentSignature,
  eventsAfterWatermark,
  readLedger,
  readPhaserEvents,
  sameSignature,
  writeLedgerLocked,
} from "./phaser-import-ledger.js";
import { planRetention } from "./retention-plan.js";
import { timestampMs } from "./timestamps.js";

/** The tag of events imported from Phaser's events.json (exempt from retention). */
export const PHASER_TAG = "phaser";

export { EVENTS_POOL_FILE } from "./events-pool-ref.js";
export { sortByTime } from "./event-dicts.js";

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
  private pool: Pool | null = null;
  /** Whether this store has checked the pool's size and retention since it was opened. */
  private maintained = false;
  /** events.json as this process last imported it (null: none); a writer re-imports when it changes. */
  private seenPhaserFile: FileSignature | null | undefined = undefined;
  /** How many events this store imported from Phaser's events.json. */
  importedFromPhaser = 0;
  /** How many events retention dropped in this process (reported by `events import`). */
  droppedByRetention = 0;

  constructor(
    private readonly root: string,
    private readonly retention: RetentionSettings,
    /** The events pool as the api addresses it: an absolute path or a URL. */
    readonly poolRef: string,
    private readonly client: Client,
  ) {}

  /** Whether the pool lives on another machine (a URL), so nothing in it is a local file. */
  get isRemote(): boolean {
    return this.client.resolve(this.poolRef).kind === "remote";
  }

  /**
   * The pool. Where this process may write (.phaser/ and the pool file writable), it is
   * created when absent, and on first use sized, brought up to date with events.json and
   * trimmed by retention; where it may not, the pool is opened as it is (NotFound when absent).
   */
  async open(): Promise<Pool> {
    if (!this.maintained && !this.canWrite()) {
      this.pool ??= await this.client.open(this.poolRef);
      return this.pool;
    }
    const pool = this.pool ?? (await this.openOrCreate());
    this.pool = pool;
    if (!this.maintained) {
      await withStorageLockAsync(this.root, async () => {
        await this.importPhaserEventsLocked(pool);
        await this.maintainLocked(pool);
      });
      this.maintained = true;
    }
    return pool;
  }

  /** Whether this process may write the storage and the pool (a remote pool: asked of the server). */
  private canWrite(): boolean {
    if (this.isRemote) return true;
    const writable = (path: string): boolean => {
      try {
        fs.accessSync(path, fs.constants.W_OK);
        return true;
      } catch (err) {
        // Absent: writable when the nearest directory that exists is (it would be created there).
        const parent = nodePath.dirname(path);
        return (err as { code?: string }).code === "ENOENT" && parent !== path ? writable(parent) : false;
      }
    };
    return writable(this.root) && writable(this.poolRef);
  }

  private async openOrCreate(): Promise<Pool> {
    try {
      return await this.client.open(this.poolRef);
    } catch (err) {
      if (!(err instanceof CairnError && err.kind === ErrorKind.NotFound)) throw err;
    }
    if (!this.isRemote) {
      try {
        fs.mkdirSync(this.root, { recursive: true });
      } catch (err) {
        throw toCairnError(err, { path: this.root, what: "cannot create storage directory" });
      }
    }
    try {
      return await this.client.create(this.poolRef, { size: this.targetBytes() });
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.AlreadyExists) return this.client.open(this.poolRef);
      throw err;
    }
  }

  /** The pool's size: max_events of Cairn's own, plus room for the events.json history it holds. */
  private targetBytes(): number {
    return poolBytesFor(this.retention.maxEvents + (readLedger(this.root)?.count ?? 0));
  }

  /**
   * Call holding the storage lock. Appends events.json's events that are not in the pool yet
   * (tagged `phaser`) and records how far it got; returns how many went in. A corrupt
   * events.json is a Corrupt error: the write that needed it fails rather than go on blind.
   */
  private async importPhaserEventsLocked(pool: Pool): Promise<number> {
    const ledger = readLedger(this.root);
    const now = currentSignature(this.root);
    if (now === null || (ledger && sameSignature(ledger.signature, now))) {
      this.seenPhaserFile = now;
      return 0;
    }
    const file = readPhaserEvents(this.root);
    if (file === null) {
      this.seenPhaserFile = null;
      return 0;
    }
    const candidates = eventsAfterWatermark(file.events, ledger);
    let fresh: EventDict[] = [];
    if (candidates.length > 0) {
      const known = new Set<string>();
      for await (const { dict } of scanPool(pool)) known.add(dict.id);
      fresh = candidates.filter((d) => !known.has(d.id) && known.add(d.id));
    }
    const count = file.events.length;
    const needed = poolBytesFor(this.retention.maxEvents + count);
    const info = await pool.info();
    if (fresh.length > 0 && isFilePoolInfo(info) && info.file_size < needed)
      await this.rebuild(pool, new Set(), needed);
    if (fresh.length > 0)
      await pool.appendBatch(
        sortByTime(fresh).map((d) => ({ data: d, tags: [...tagsOf(d), PHASER_TAG] })),
        { durability: "flush" },
      );
    writeLedgerLocked(this.root, { signature: file.signature, through_id: file.events.at(-1)?.id ?? null, count });
    this.seenPhaserFile = file.signature;
    this.importedFromPhaser += fresh.length;
    return fresh.length;
  }

  /** Call holding the storage lock: the pool at its size, retention applied. */
  private async maintainLocked(pool: Pool, options: { countOnly?: boolean } = {}): Promise<void> {
    const size = this.targetBytes();
    const drop = await this.retentionDrops(pool, options.countOnly ?? false);
    if (drop.size > 0 || (await isSizedOtherThan(pool, size)))
      this.droppedByRetention += await this.rebuild(pool, drop, size);
  }

  private async retentionDrops(pool: Pool, countOnly: boolean): Promise<Set<number>> {
    const entries = [];
    for await (const message of pool.read({ from: "oldest" })) {
      const dict = asEventDict(message.data);
      if (!dict) continue;
      const fromPhaser = message.tags?.includes(PHASER_TAG) ?? false;
      entries.push({ seq: message.seq, ms: timestampMs(dict.timestamp), fromPhaser });
    }
    const retentionDays = countOnly ? 0 : this.retention.retentionDays;
    return planRetention(entries, { ...this.retention, retentionDays, nowMs: Date.now() });
  }

  /**
   * Call holding the storage lock. Rebuilds the pool at `bytes` without the messages in
   * `drop`; returns how many went. A pool that cannot be rebuilt (Usage: a remote one) keeps
   * its size and loses only the oldest run of dropped messages.
   */
  private async rebuild(pool: Pool, drop: ReadonlySet<number>, bytes: number): Promise<number> {
    try {
      return (await pool.rewrite({ size: bytes, keep: (m) => !drop.has(m.seq) })).dropped;
    } catch (err) {
      if (!(err instanceof CairnError && err.kind === ErrorKind.Usage)) throw err;
    }
    if (drop.size === 0) return 0;
    for await (const message of pool.read()) if (!drop.has(message.seq)) return pool.truncate(message.seq);
    return pool.truncate(await nextSeqOf(pool));
  }

  /** `trusted`: the dict comes from Event.toDict (already valid), so it is not checked again. */
  async append(dict: EventDict, options: { trusted?: boolean } = {}): Promise<Message> {
    if (!options.trusted) validateRequired(dict);
    const pool = this.maintained && this.pool ? this.pool : await this.open();
    if (!this.maintained) throw this.readOnlyError();
    // One stat per append: events Phaser wrote since are imported before this one.
    if (!sameSignature(this.seenPhaserFile ?? null, currentSignature(this.root)))
      await withStorageLockAsync(this.root, () => this.importPhaserEventsLocked(pool));
    // A rewrite in another process is followed by the pool itself (the api writes to the
    // file now at the path); a pool deleted under us is created again, once.
    try {
      return await pool.append(dict, { tags: tagsOf(dict) });
    } catch (err) {
      if (!(err instanceof CairnError && err.kind === ErrorKind.NotFound) || this.isRemote) throw err;
      await this.reset();
      return (await this.open()).append(dict, { tags: tagsOf(dict) });
    }
  }

  private readOnlyError(): CairnError {
    return new CairnError(ErrorKind.Permission, `cannot write the events pool: ${this.root} is read-only`, {
      path: this.root,
    });
  }

  /**
   * Appends the events whose ids are not stored yet, then applies retention; returns how many
   * went in, how many were already there and how many older events retention dropped. Holds
   * the storage lock so two imports of one file never duplicate.
   */
  async importEvents(
    dicts: readonly EventDict[],
  ): Promise<{ imported: number; skipped: number; dropped_by_retention?: number }> {
    for (const d of dicts) validateRequired(d);
    const pool = await this.open(); // first: opening may itself take the storage lock
    if (!this.maintained) throw this.readOnlyError();
    return withStorageLockAsync(this.root, async () => {
      const known = new Set<string>();
      for await (const { dict } of scanPool(pool)) known.add(dict.id);
      const fresh = dicts.filter((d) => !known.has(d.id) && known.add(d.id));
      if (fresh.length > 0) await pool.appendBatch(fresh.map(toBatchItem));
      const before = this.droppedByRetention;
      await this.maintainLocked(pool, { countOnly: true }); // the age rule applies at the next open
      const dropped = this.droppedByRetention - before;
      return {
        imported: fresh.length,
        skipped: dicts.length - fresh.length,
        ...(dropped > 0 ? { dropped_by_retention: dropped } : {}),
      };
    });
  }

  /**
   * Retained events matching the query, sorted by timestamp (pool order breaks ties), with
   * events.json's events not imported yet. Writes nothing when the storage is read-only.
   */
  async query(q: EventQuery = {}): Promise<EventDict[]> {
    const all: EventDict[] = [];
    const ids = new Set<string>();
    if (await this.exists()) {
      for await (const { dict } of scanPool(await this.open())) {
        ids.add(dict.id);
        all.push(dict);
      }
    }
    const file = readPhaserEvents(this.root);
    if (file) {
      for (const dict of eventsAfterWatermark(file.events, readLedger(this.root)))
        if (!ids.has(dict.id) && ids.add(dict.id)) all.push(dict);
    }
    const out = all.filter(
      (dict) =>
        (q.auditId === undefined || dict.audit_id === q.auditId) &&
        (q.type === undefined || dict.type === q.type) &&
        (q.sinceMs === undefined || (timestampMs(dict.timestamp) ?? 0) >= q.sinceMs),
    );
    return sortByTime(out);
  }

  /** Every retained event with its seq, in pool order (no maintenance). */
  async *scan(): AsyncGenerator<{ seq: number; dict: EventDict }> {
    yield* scanPool(this.pool ?? (await this.open()));
  }

  /**
   * Drops events; returns how many. Without `beforeMs` every event goes. With it, every
   * event older than `beforeMs` goes, wherever it sits: a ring can only drop its oldest end,
   * so when old events sit behind newer ones (an import of older history) the pool is
   * rebuilt without them — where the pool can be rebuilt; a remote pool loses only the
   * oldest run of old events. Phaser's events.json keeps its own copy: cleared events are not
   * imported again (the ledger is past them).
   */
  async clear(beforeMs?: number): Promise<number> {
    const pool = await this.open();
    if (!this.maintained) throw this.readOnlyError();
    return withStorageLockAsync(this.root, async () => {
      const drop = new Set<number>();
      for await (const { seq, dict } of scanPool(pool)) {
        const ms = timestampMs(dict.timestamp);
        if (beforeMs === undefined || (ms !== null && ms < beforeMs)) drop.add(seq);
      }
      if (drop.size === 0) return 0;
      let cut = 0; // the oldest run of dropped seqs goes by truncation, which any pool can do
      for await (const message of pool.read({ from: "oldest" })) {
        if (!drop.has(message.seq)) break;
        cut = message.seq;
      }
      if (cut > 0 && [...drop].every((seq) => seq <= cut)) return pool.truncate(cut + 1);
      return this.rebuild(pool, drop, this.targetBytes());
    });
  }

  /** Whether there is a pool to read (a read creates none, nor a storage directory). */
  private async exists(): Promise<boolean> {
    if (this.pool) return true;
    if (!this.isRemote) return fs.existsSync(this.poolRef);
    try {
      this.pool = await this.client.open(this.poolRef);
      return true;
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.NotFound) return false;
      throw err;
    }
  }

  private async reset(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    this.maintained = false;
    await pool?.close();
  }

  async close(): Promise<void> {
    await this.reset();
  }
}

async function* scanPool(pool: Pool): AsyncGenerator<{ seq: number; dict: EventDict }> {
  for await (const message of pool.read({ from: "oldest" })) {
    const dict = asEventDict(message.data);
    if (dict) yield { seq: message.seq, dict };
  }
}

/** The seq after the newest retained one (1 for an empty pool: truncating to it drops nothing). */
async function nextSeqOf(pool: Pool): Promise<number> {
  const { newest } = (await pool.info()).bounds;
  return newest === null ? 1 : newest + 1;
}

/** Whether the pool is a ring file of another size than `bytes` (a pool without a file has no size to fix). */
async function isSizedOtherThan(pool: Pool, bytes: number): Promise<boolean> {
  const info = await pool.info();
  return isFilePoolInfo(info) && info.file_size !== bytes;
}
