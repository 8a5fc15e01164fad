/**
 * The events pool: audit events as messages of a Cairn pool, reached only through the api
 * (`Client`, `Pool`), so the pool can be the local `.phaser/events.cairn` (the default) or
 * any pool `storage.events_pool` names, a served one included. Appends cost one frame write,
 * and `cairn follow`, `audit watch` and the server see them live.
 *
 * The pool is a ring sized from `storage.max_events`. On the first use in a process, a pool
 * of another size is rebuilt at the configured one (`Pool.rewrite`), and events beyond
 * max_events or older than retention_days are dropped. Pools that refuse `rewrite` (remote
 * ones) keep their size and lose only their oldest end (`truncate`). A Phaser `events.json`
 * beside the storage is imported once, when this store creates the pool, and kept as
 * `events.json.bak`. Each message's data is the event dict; tags are `audit` and its type.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import type { Client } from "../../api/client.js";
import type { Message, Pool, RewriteOptions } from "../../api/types.js";
import { isFilePoolInfo } from "../../api/wire/pool-info.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { withStorageLockAsync } from "../storage/atomic-file.js";
import type { EventDict } from "./event.js";
import { asEventDict, sortByTime, tagsOf, toBatchItem, validateRequired } from "./event-dicts.js";
import { readEventsJsonFile } from "./events-json.js";
import { timestampMs } from "./timestamps.js";

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
  /** How many events the one-time events.json import brought in (0 when none). */
  importedOnOpen = 0;

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
   * The pool, opened (or created, importing events.json) on first use; on the first open a
   * pool whose size no longer matches `max_events` is rebuilt at the new size, and events
   * beyond max_events or older than retention_days are dropped.
   */
  async open(): Promise<Pool> {
    const pool = this.pool ?? (await this.openOrCreate());
    this.pool = pool;
    if (!this.maintained) {
      this.maintained = true;
      const size = poolBytesFor(this.retention.maxEvents);
      if (await isSizedOtherThan(pool, size)) {
        await withStorageLockAsync(this.root, async () => {
          // Checked again under the lock: another process may have resized it meanwhile.
          if (await isSizedOtherThan(pool, size)) await this.rewriteOrTruncate(pool, {});
        });
      }
      await this.applyRetention(pool);
    }
    return pool;
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
    return withStorageLockAsync(this.root, () => this.createLocked());
  }

  /** Under the storage lock: creates the pool (unless another process just did) and imports events.json. */
  private async createLocked(): Promise<Pool> {
    const size = poolBytesFor(this.retention.maxEvents);
    let pool: Pool;
    try {
      pool = await this.client.create(this.poolRef, { size });
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.AlreadyExists) return this.client.open(this.poolRef);
      throw err;
    }
    const legacy = nodePath.join(this.root, "events.json");
    if (fs.existsSync(legacy)) {
      const imported = sortByTime(readEventsJsonFile(legacy));
      if (imported.length > 0) await pool.appendBatch(imported.map(toBatchItem), { durability: "flush" });
      fs.renameSync(legacy, freeBackupName(legacy));
      this.importedOnOpen = imported.length;
    }
    return pool;
  }

  /** `trusted`: the dict comes from Event.toDict (already valid), so it is not checked again. */
  async append(dict: EventDict, options: { trusted?: boolean } = {}): Promise<Message> {
    if (!options.trusted) validateRequired(dict);
    const pool = this.maintained && this.pool ? this.pool : await this.open();
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

  /**
   * Appends the events whose ids are not stored yet; returns how many went in and how many
   * were already there. Holds the storage lock so two imports of one file never duplicate.
   */
  async importEvents(dicts: readonly EventDict[]): Promise<{ imported: number; skipped: number }> {
    for (const d of dicts) validateRequired(d);
    const pool = await this.open(); // first: opening may itself take the storage lock (to create and import)
    return withStorageLockAsync(this.root, async () => {
      const known = new Set<string>();
      for await (const { dict } of scanPool(pool)) known.add(dict.id);
      const fresh = dicts.filter((d) => !known.has(d.id) && known.add(d.id));
      if (fresh.length > 0) await pool.appendBatch(fresh.map(toBatchItem));
      return { imported: fresh.length, skipped: dicts.length - fresh.length };
    });
  }

  /** Retained events matching the query, sorted by timestamp (pool order breaks ties). */
  async query(q: EventQuery = {}): Promise<EventDict[]> {
    if (!(await this.exists())) return []; // a read creates no pool (nor a storage directory)
    const pool = await this.open();
    const out: EventDict[] = [];
    for await (const { dict } of scanPool(pool)) {
      if (q.auditId !== undefined && dict.audit_id !== q.auditId) continue;
      if (q.type !== undefined && dict.type !== q.type) continue;
      if (q.sinceMs !== undefined && (timestampMs(dict.timestamp) ?? 0) < q.sinceMs) continue;
      out.push(dict);
    }
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
   * oldest run of old events.
   */
  async clear(beforeMs?: number): Promise<number> {
    const pool = await this.open();
    if (beforeMs === undefined) return pool.truncate(await nextSeqOf(pool));
    const isOld = (dict: EventDict | null) => {
      const ms = dict ? timestampMs(dict.timestamp) : null;
      return ms !== null && ms < beforeMs;
    };
    return withStorageLockAsync(this.root, async () => {
      let cut: number | null = null;
      let oldAfterCut = false;
      for await (const { seq, dict } of scanPool(pool)) {
        if (!isOld(dict)) cut ??= seq;
        else if (cut !== null) {
          oldAfterCut = true;
          break;
        }
      }
      if (oldAfterCut) return this.rewriteOrTruncate(pool, { keep: (m) => !isOld(asEventDict(m.data)) });
      return pool.truncate(cut ?? (await nextSeqOf(pool)));
    });
  }

  /**
   * Call holding the storage lock. Rebuilds the pool at the size for max_events with the
   * newest max_events events `keep` accepts; returns how many events went. A pool that
   * cannot be rebuilt (Usage: a remote one) keeps its size and loses only the oldest run of
   * events `keep` refuses.
   */
  private async rewriteOrTruncate(pool: Pool, options: Pick<RewriteOptions, "keep">): Promise<number> {
    try {
      const result = await pool.rewrite({
        ...options,
        size: poolBytesFor(this.retention.maxEvents),
        keepNewestMax: this.retention.maxEvents,
      });
      return result.dropped;
    } catch (err) {
      if (!(err instanceof CairnError && err.kind === ErrorKind.Usage)) throw err;
    }
    const keep = options.keep;
    if (!keep) return 0;
    for await (const message of pool.read()) if (keep(message)) return pool.truncate(message.seq);
    return pool.truncate(await nextSeqOf(pool));
  }

  private async applyRetention(pool: Pool): Promise<void> {
    const { oldest, newest } = (await pool.info()).bounds;
    if (oldest === null || newest === null) return;
    const excess = newest - oldest + 1 - this.retention.maxEvents;
    if (excess > 0) await pool.truncate(oldest + excess);
    if (this.retention.retentionDays > 0) {
      const cutoffMs = Date.now() - this.retention.retentionDays * 86_400_000;
      for await (const message of pool.read({ limit: 1 })) {
        const first = asEventDict(message.data);
        if (first && (timestampMs(first.timestamp) ?? Date.now()) < cutoffMs) await this.clear(cutoffMs);
      }
    }
  }

  /** Whether there is anything to read: the pool, or an events.json it would import. */
  private async exists(): Promise<boolean> {
    if (this.pool || fs.existsSync(nodePath.join(this.root, "events.json"))) return true;
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

function freeBackupName(path: string): string {
  let candidate = `${path}.bak`;
  for (let n = 2; fs.existsSync(candidate); n++) candidate = `${path}.bak.${n}`;
  return candidate;
}

/** Whether the pool is a ring file of another size than `bytes` (a pool without a file has no size to fix). */
async function isSizedOtherThan(pool: Pool, bytes: number): Promise<boolean> {
  const info = await pool.info();
  return isFilePoolInfo(info) && info.file_size !== bytes;
}
