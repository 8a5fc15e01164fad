/**
 * The synchronous pool engine: one handle on one pool file.
 *
 * Appends take the writer lock for exactly the span of `appendLocked`; reads take no lock.
 * This is the only place that combines the lock with the write path (and with
 * `rewriteLocked`, which replaces the file by a rebuilt one).
 *
 * A handle stays on the file it opened. The `…UnlessReplaced` methods check under the lock
 * that the file is still linked and return null when it was replaced (a rewrite in any
 * process renamed a new file over it) or deleted, writing nothing: the caller reopens the
 * path (see api/backends/local/local-pool.ts) and so never writes into an orphaned file.
 */
import type { PayloadCodec } from "./codec.js";
import { CairnError, ErrorKind } from "./errors.js";
import {
  type AppendResult,
  type Durability,
  RingMirror,
  type WriterMemory,
  appendLocked,
  durabilityOf,
  truncateLocked,
} from "./append.js";
import { type AppendLimits, appendLimitsFor } from "./batch-rule.js";
import { lockExclusive, unlock } from "./lock.js";
import { checkJsonNumbers } from "./json-numbers.js";
import { type Message, checkNesting, makeMessage } from "./message.js";
import { type CreatePoolFileOptions, PoolFile } from "./pool-file.js";
import { Cursor, type GapPolicy, getMessage } from "./read.js";
import { type RewriteOptions, type RewriteResult, rewriteLocked } from "./rewrite.js";
import { type PoolStats, poolStats } from "./stats.js";
import { type ValidationReport, validatePool } from "./validate.js";

export interface AppendInput {
  data: unknown;
  tags?: readonly string[];
  /** The JSON text of `data` when the caller already has it (saves serialising twice). */
  dataJson?: string;
}

export interface AppendOptions {
  durability?: Durability;
}

/** How long validate leaves the lock to writers between runs of frames (see validatePool). */
const VALIDATE_PAUSE_MS = 1;
const PAUSE = new Int32Array(new SharedArrayBuffer(4));

export class PoolHandle {
  private readonly file: PoolFile;
  private readonly memory: WriterMemory = { lastSeq: 0, lastTimeNs: 0n, mirror: new RingMirror() };

  private constructor(file: PoolFile) {
    this.file = file;
  }

  static create(path: string, options: CreatePoolFileOptions): PoolHandle {
    return new PoolHandle(PoolFile.create(path, options));
  }

  static open(path: string): PoolHandle {
    return new PoolHandle(PoolFile.open(path));
  }

  get path(): string {
    return this.file.path;
  }

  get codec(): PayloadCodec {
    return this.file.codec;
  }

  get poolFile(): PoolFile {
    return this.file;
  }

  append(input: AppendInput, options: AppendOptions = {}): Message {
    return this.appendBatch([input], options)[0] as Message;
  }

  /** Appends every input under one lock; seqs are consecutive. */
  appendBatch(inputs: readonly AppendInput[], options: AppendOptions = {}): Message[] {
    return this.appendBatchWhen(false, inputs, options) as Message[];
  }

  /** appendBatch, unless the file is no longer at its path (then null, nothing written). */
  appendBatchUnlessReplaced(inputs: readonly AppendInput[], options: AppendOptions = {}): Message[] | null {
    return this.appendBatchWhen(true, inputs, options);
  }

  private appendBatchWhen(
    onlyIfLinked: boolean,
    inputs: readonly AppendInput[],
    options: AppendOptions,
  ): Message[] | null {
    if (inputs.length === 0) return [];
    const tagLists = inputs.map((input) => normaliseTags(input.tags));
    for (const input of inputs) {
      // The text first, so an inexact number is named as the writer wrote it (the number rule).
      if (input.dataJson !== undefined) checkJsonNumbers(input.dataJson);
      checkNesting(input.data);
    }
    const payloads = inputs.map((input, i) =>
      this.file.codec.encode(tagLists[i] as string[], input.data, input.dataJson),
    );
    const durability = durabilityOf(options.durability);
    const results = this.withLock(() =>
      onlyIfLinked && this.file.isUnlinked() ? null : appendLocked(this.file, payloads, durability, this.memory),
    );
    if (results === null) return null;
    return results.map((r: AppendResult, i) =>
      makeMessage(
        r.seq,
        r.timeNs,
        tagLists[i] as string[],
        inputs[i]?.data,
        this.file.codec.dataJsonOf?.(payloads[i] as Buffer | string),
      ),
    );
  }

  get(seq: number): Message {
    return getMessage(this.file, seq);
  }

  /** A non-blocking sequential reader starting at `seq`. */
  cursor(seq: number, gapPolicy: GapPolicy = "continue"): Cursor {
    return new Cursor(this.file, seq, gapPolicy);
  }

  bounds(): { oldestSeq: number | null; newestSeq: number | null; nextSeq: number } {
    const s = this.file.readState();
    return {
      oldestSeq: s.oldestSeq === 0 ? null : s.oldestSeq,
      newestSeq: s.oldestSeq === 0 ? null : s.newestSeq,
      nextSeq: s.newestSeq + 1,
    };
  }

  /** The first retained seq whose time is >= timeNs (binary search: times are monotonic). */
  seqAtOrAfter(timeNs: bigint): number {
    const s = this.file.readState();
    if (s.oldestSeq === 0) return s.newestSeq + 1;
    let lo = s.oldestSeq;
    let hi = s.newestSeq + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      let midTime: bigint;
      try {
        midTime = getMessage(this.file, mid).timeNs;
      } catch (err) {
        if (err instanceof CairnError && err.kind === ErrorKind.NotFound) {
          lo = mid + 1; // dropped while searching: the answer is later
          continue;
        }
        throw err;
      }
      if (midTime < timeNs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Drops every message with seq < beforeSeq; returns how many left. */
  truncate(beforeSeq: number, options: AppendOptions = {}): number {
    if (!Number.isSafeInteger(beforeSeq) || beforeSeq < 1)
      throw new CairnError(ErrorKind.Usage, `invalid seq ${beforeSeq}`);
    const durability = durabilityOf(options.durability);
    return this.withLock(() => truncateLocked(this.file, beforeSeq, durability));
  }

  /** What one append and one batch may carry into this pool (see batch-rule.ts). */
  limits(): AppendLimits {
    return appendLimitsFor(this.file.geometry.ringSize, this.file.codec);
  }

  /** truncate, unless the file is no longer at its path (then null, nothing dropped). */
  truncateUnlessReplaced(beforeSeq: number, options: AppendOptions = {}): number | null {
    if (!Number.isSafeInteger(beforeSeq) || beforeSeq < 1)
      throw new CairnError(ErrorKind.Usage, `invalid seq ${beforeSeq}`);
    const durability = durabilityOf(options.durability);
    return this.withLock(() => (this.file.isUnlinked() ? null : truncateLocked(this.file, beforeSeq, durability)));
  }

  /**
   * Replaces the pool file by a rebuilt one (see rewrite.ts), holding this file's writer
   * lock from the copy to the rename; null when this file was already replaced or deleted
   * (nothing done: reopen the path and ask again). This handle then refers to the orphaned
   * old file: reopen the path to use the new one.
   */
  rewriteUnlessReplaced(options: RewriteOptions = {}): RewriteResult | null {
    return this.withLock(() => (this.file.isUnlinked() ? null : rewriteLocked(this.file, options)));
  }

  stats(): PoolStats {
    return poolStats(this.file);
  }

  /**
   * A full scan under the writer lock, released briefly every few thousand frames so that
   * writers are not stalled for the whole scan (see validatePool).
   */
  validate(): ValidationReport {
    const relock = () => {
      unlock(this.file.fd, this.file.path);
      // flock is not fair: taking it straight back would beat the writers it just woke.
      Atomics.wait(PAUSE, 0, 0, VALIDATE_PAUSE_MS);
      lockExclusive(this.file.fd, this.file.path);
    };
    return this.withLock(() => validatePool(this.file, { relock }));
  }

  close(): void {
    this.file.close();
  }

  private withLock<T>(fn: () => T): T {
    lockExclusive(this.file.fd, this.file.path);
    try {
      return fn();
    } finally {
      unlock(this.file.fd, this.file.path);
    }
  }
}

function normaliseTags(tags: readonly string[] | undefined): string[] {
  if (tags === undefined) return [];
  if (!Array.isArray(tags)) throw new CairnError(ErrorKind.Usage, "tags must be an array of strings");
  for (const tag of tags) {
    if (typeof tag !== "string" || tag.length === 0)
      throw new CairnError(ErrorKind.Usage, "tags must be non-empty strings");
  }
  return [...tags];
}
