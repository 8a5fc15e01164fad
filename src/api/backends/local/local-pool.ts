/**
 * The local file backend: a Pool over one pool file, calling the synchronous core engine.
 * Reading and following are async iterators over a core Cursor; following waits on a
 * ChangeSignal with a bounded poll, so correctness never depends on notification.
 */
import { CairnError, ErrorKind } from "../../../core/errors.js";
import type { Message } from "../../../core/message.js";
import { PoolHandle } from "../../../core/pool.js";
import type { RewriteOptions as CoreRewriteOptions } from "../../../core/rewrite.js";
import { parseSize } from "../../../core/size.js";
import { BATCH_BYTES_MAX, BATCH_ITEMS_MAX } from "../../batch-planner.js";
import { ChangeSignal } from "../../change-signal.js";
import { lastMatchingStartSeq } from "../../last-matching.js";
import type {
  AppendOptions,
  BatchItem,
  CreateOptions,
  FollowOptions,
  Follower,
  FilePoolInfo,
  Pool,
  PoolLimits,
  ReadOptions,
  RewriteOptions,
  RewriteResult,
  SalvageReading,
  StartAt,
  ValidationReport,
} from "../../types.js";
import { FileDamageCheck } from "./file-damage.js";
import { salvageReadingOf } from "./salvage-reading.js";
import { SeqCheckpoints } from "./seq-checkpoints.js";
import { validateOffLoop } from "./validate-off-loop.js";

const POLL_MS_DEFAULT = 100;
const POLL_MS_MAX = 250;
/** How often a waiting follower checks that its pool file still exists. */
const UNLINK_CHECK_MS = 1000;
/**
 * Cursor steps between two turns of the event loop: a scan whose tags match nothing never
 * awaits anything else, so without this it would hold the loop for the whole pool. 1024
 * steps are about 1 ms of decoding; one setImmediate per slice costs a few microseconds.
 */
const STEPS_PER_SLICE = 1024;
export const DEFAULT_POOL_SIZE = 1024 * 1024;

export class LocalPool implements Pool {
  readonly ref: string;
  readonly name: string;
  readonly path: string;
  private handle: PoolHandle;
  /** Hints for seqs older than the index reaches (see seq-checkpoints.ts). */
  private checkpoints: SeqCheckpoints;
  /** Handles on files a rewrite replaced; readers started on them may still use them. */
  private readonly replaced: PoolHandle[] = [];

  private constructor(ref: string, name: string, handle: PoolHandle) {
    this.ref = ref;
    this.name = name;
    this.path = handle.path;
    this.handle = handle;
    this.checkpoints = new SeqCheckpoints(handle.poolFile);
  }

  static open(ref: string, name: string, path: string): LocalPool {
    return new LocalPool(ref, name, PoolHandle.open(path));
  }

  static create(ref: string, name: string, path: string, options: CreateOptions = {}): LocalPool {
    const sizeBytes = options.size === undefined ? DEFAULT_POOL_SIZE : parseSize(options.size);
    const create: { sizeBytes: number; indexCapacity?: number } = { sizeBytes };
    if (options.indexCapacity !== undefined) create.indexCapacity = options.indexCapacity;
    return new LocalPool(ref, name, PoolHandle.create(path, create));
  }

  /** The synchronous engine handle, for in-process callers that want no promises. */
  get engine(): PoolHandle {
    return this.handle;
  }

  async append(data: unknown, options: AppendOptions = {}): Promise<Message> {
    const input = options.tags === undefined ? { data } : { data, tags: options.tags };
    return this.appendToCurrentFile([input], options.durability)[0] as Message;
  }

  async appendBatch(items: readonly BatchItem[], options: Pick<AppendOptions, "durability"> = {}): Promise<Message[]> {
    return this.appendToCurrentFile(items, options.durability);
  }

  /**
   * Appends to the file now at the path: when a rewrite (in any process) replaced the open
   * one, the check under the lock sees it and the append goes to the new file, so nothing is
   * written into the orphan. One fstat per batch (about 1.5 µs).
   */
  private appendToCurrentFile(items: readonly BatchItem[], durability: AppendOptions["durability"]): Message[] {
    const options = durability === undefined ? {} : { durability };
    for (;;) {
      const messages = this.handle.appendBatchUnlessReplaced(items, options);
      if (messages) return messages;
      this.reopen();
    }
  }

  /** Moves to the file now at the path; NotFound when the pool was deleted. */
  private reopen(): void {
    let next: PoolHandle;
    try {
      next = PoolHandle.open(this.path);
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.NotFound)
        throw new CairnError(ErrorKind.NotFound, "pool was deleted", { path: this.path });
      throw err;
    }
    this.replaced.push(this.handle);
    this.handle = next;
    this.checkpoints = new SeqCheckpoints(next.poolFile);
  }

  /** The handle, moved to the current file first when the open one was replaced. */
  private current(): PoolHandle {
    if (this.handle.poolFile.isUnlinked()) this.reopen();
    return this.handle;
  }

  async get(seq: number): Promise<Message> {
    return this.getNow(seq);
  }

  private getNow(seq: number): Message {
    return this.checkpoints.get(seq) ?? this.handle.get(seq);
  }

  read(options: ReadOptions = {}): AsyncIterable<Message> {
    const handle = this.current();
    const from = options.from ?? "oldest";
    // A start time becomes a seq by binary search over the hinted get: the engine's own
    // search walks from the tail for every probe older than the index (about 1.1 s on
    // 100,000 messages, measured, against a few ms).
    const start = typeof from === "object" && "timeNs" in from ? { seq: this.seqAtOrAfter(from.timeNs) } : from;
    const follower = new LocalFollower(handle, { ...options, from: start }, false);
    return follower;
  }

  follow(options: FollowOptions = {}): Follower {
    const handle = this.current();
    const from = options.from ?? "live";
    const start = typeof from === "object" && "timeNs" in from ? { seq: this.seqAtOrAfter(from.timeNs) } : from;
    return new LocalFollower(handle, { ...options, from: start }, true);
  }

  /** The first retained seq whose time is >= timeNs, or the next seq when none is (times never decrease). */
  private seqAtOrAfter(timeNs: bigint): number {
    const bounds = this.current().bounds();
    let lo = bounds.oldestSeq ?? bounds.nextSeq;
    let hi = bounds.nextSeq;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let midTimeNs: bigint;
      try {
        midTimeNs = this.getNow(mid).timeNs;
      } catch (err) {
        if (err instanceof CairnError && err.kind === ErrorKind.NotFound) {
          lo = mid + 1; // dropped while searching: the answer is later
          continue;
        }
        throw err;
      }
      if (midTimeNs < timeNs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  async info(): Promise<FilePoolInfo> {
    return this.current().stats();
  }

  async limits(): Promise<PoolLimits> {
    const engine = this.handle.limits();
    return {
      payloadBytesMax: engine.payloadBytesMax,
      batchItemsMax: BATCH_ITEMS_MAX,
      batchBytesMax: Math.min(BATCH_BYTES_MAX, engine.batchBytesMax),
      messageOverheadBytes: engine.messageOverheadBytes,
    };
  }

  async isStale(): Promise<boolean> {
    return this.handle.poolFile.isReplaced();
  }

  /** Validates off the event loop (a worker thread with its own handle on the file). */
  async validate(): Promise<ValidationReport> {
    return validateOffLoop(this.current().path);
  }

  async truncate(beforeSeq: number): Promise<number> {
    for (;;) {
      const dropped = this.handle.truncateUnlessReplaced(beforeSeq);
      if (dropped !== null) return dropped;
      this.reopen();
    }
  }

  async rewrite(options: RewriteOptions = {}): Promise<RewriteResult> {
    const core: CoreRewriteOptions = {};
    if (options.size !== undefined) core.sizeBytes = parseSize(options.size);
    if (options.keep !== undefined) core.keep = options.keep;
    if (options.keepNewestMax !== undefined) {
      if (!Number.isSafeInteger(options.keepNewestMax) || options.keepNewestMax < 0)
        throw new CairnError(
          ErrorKind.Usage,
          `keepNewestMax must be a whole number >= 0, not ${options.keepNewestMax}`,
        );
      core.keepNewestMax = options.keepNewestMax;
    }
    for (;;) {
      const result = this.handle.rewriteUnlessReplaced(core);
      this.reopen(); // after a rewrite as after a replacement: the new file is at the path
      if (result) return result;
    }
  }

  async salvage(): Promise<SalvageReading> {
    return salvageReadingOf(this.current().poolFile);
  }

  async close(): Promise<void> {
    for (const handle of this.replaced.splice(0)) handle.close();
    this.handle.close();
  }
}

/** Resolves a start position to the first seq to read; `last` counts messages carrying `tags`. */
export function startSeqFor(handle: PoolHandle, from: StartAt, tags?: readonly string[]): number {
  const bounds = handle.bounds();
  if (from === "live") return bounds.nextSeq;
  if (from === "oldest") return bounds.oldestSeq ?? bounds.nextSeq;
  if ("seq" in from) {
    if (!Number.isSafeInteger(from.seq) || from.seq < 1)
      throw new CairnError(ErrorKind.Usage, `invalid start seq ${from.seq}`);
    return from.seq;
  }
  if ("last" in from) {
    if (!Number.isSafeInteger(from.last) || from.last < 0)
      throw new CairnError(ErrorKind.Usage, `invalid count ${from.last}`);
    if (tags && tags.length > 0) return lastMatchingStartSeq(handle, from.last, tags);
    const oldest = bounds.oldestSeq ?? bounds.nextSeq;
    return Math.max(oldest, bounds.nextSeq - from.last);
  }
  return handle.seqAtOrAfter(from.timeNs);
}

/** Resolves on the next turn of the event loop, after pending I/O and timers. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class LocalFollower implements Follower {
  timedOut = false;
  private closed = false;
  private readonly abort = new AbortController();
  private readonly startSeq: number;
  private nextSeq: number;

  constructor(
    private readonly handle: PoolHandle,
    private readonly options: FollowOptions,
    private readonly live: boolean,
  ) {
    const poll = options.pollIntervalMs;
    if (poll !== undefined && (!(poll > 0) || poll > POLL_MS_MAX)) {
      throw new CairnError(ErrorKind.Usage, `pollIntervalMs must be in (0, ${POLL_MS_MAX}]`);
    }
    this.startSeq = startSeqFor(handle, options.from ?? "live", options.tags);
    this.nextSeq = this.startSeq;
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
  }

  get position(): number {
    return this.nextSeq;
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    const { tags, limit, onGap, idleTimeoutMs } = this.options;
    const cursor = this.handle.cursor(this.startSeq, this.options.gap ?? "continue");
    const pollMs = this.options.pollIntervalMs ?? POLL_MS_DEFAULT;
    const signal = this.live ? new ChangeSignal(this.handle.path) : null;
    const damage = this.live ? new FileDamageCheck(this.handle) : null;
    let delivered = 0;
    let stepsInSlice = 0;
    let lastActivity = Date.now();
    let lastUnlinkCheck = Date.now();
    try {
      while (!this.closed) {
        if (++stepsInSlice >= STEPS_PER_SLICE) {
          stepsInSlice = 0;
          await nextTurn();
          if (this.closed) return;
        }
        const step = cursor.next();
        this.nextSeq = cursor.position;
        if (step.kind === "message") {
          damage?.saw(step.message);
          if (tags && !tags.every((t) => step.message.tags.includes(t))) continue;
          lastActivity = Date.now();
          yield step.message;
          if (limit !== undefined && ++delivered >= limit) return;
          continue;
        }
        if (step.kind === "gap") {
          onGap?.({ fromSeq: step.fromSeq, toSeq: step.toSeq, count: step.count });
          continue;
        }
        if (!signal) return;
        let waitMs = pollMs;
        if (idleTimeoutMs !== undefined) {
          const left = idleTimeoutMs - (Date.now() - lastActivity);
          if (left <= 0) {
            this.timedOut = true;
            return;
          }
          waitMs = Math.min(waitMs, left);
        }
        await signal.wait(waitMs, this.abort.signal);
        stepsInSlice = 0;
        if (this.closed) return;
        damage?.check();
        if (Date.now() - lastUnlinkCheck >= UNLINK_CHECK_MS) {
          lastUnlinkCheck = Date.now();
          if (this.handle.poolFile.isUnlinked()) {
            throw new CairnError(ErrorKind.NotFound, "pool was deleted while it was being followed", {
              path: this.handle.path,
            });
          }
        }
      }
    } finally {
      signal?.close();
    }
  }
}
