/**
 * The one way to cut messages into appendBatch calls above core: the batching rule of
 * core/batch-rule.ts with the limits the pool reports (`Pool.limits()`: its ring, its
 * codec's overhead, its transport) and any caps of the caller's own (the server's group
 * commit takes at most 64 items, say). Used by `feed`, `tap` and the server's coalescer;
 * the engine applies the same rule to the groups it places.
 *
 * Sizes are estimates in bytes: the characters of the JSON text of data and tags plus the
 * pool's per-message overhead (text with non-ASCII characters takes more bytes; the
 * bounds leave room for that).
 */
import { type BatchBounds, BatchFill, splitIntoBatches } from "../core/batch-rule.js";
import { REMOTE_BATCH_BYTES_MAX } from "./wire/limits.js";
import type { Pool, PoolLimits } from "./types.js";

/** Most messages one batch carries whatever the pool: bounds the caller's memory. */
export const BATCH_ITEMS_MAX = 4096;
/** Most estimated bytes one batch carries whatever the pool: bounds the caller's memory. */
export const BATCH_BYTES_MAX = 4 * 1024 * 1024;

/**
 * For a pool that cannot say (an older server, an info failure): bounds any pool Cairn
 * can write to accepts, with an overhead above every codec's (JSON's is 105).
 */
const LIMITS_UNKNOWN: PoolLimits = {
  payloadBytesMax: REMOTE_BATCH_BYTES_MAX,
  batchItemsMax: BATCH_ITEMS_MAX,
  batchBytesMax: REMOTE_BATCH_BYTES_MAX,
  messageOverheadBytes: 128,
};

export class BatchPlanner {
  private readonly fill: BatchFill;

  constructor(
    readonly limits: PoolLimits,
    caps: Partial<BatchBounds> = {},
  ) {
    this.fill = new BatchFill({
      itemsMax: Math.max(1, Math.min(limits.batchItemsMax, caps.itemsMax ?? Number.MAX_SAFE_INTEGER)),
      bytesMax: Math.max(1, Math.min(limits.batchBytesMax, caps.bytesMax ?? Number.MAX_SAFE_INTEGER)),
    });
  }

  /** A planner for `pool`; its limits are only a sizing aid, so a pool that cannot tell gets safe ones. */
  static async forPool(pool: Pool, caps: Partial<BatchBounds> = {}): Promise<BatchPlanner> {
    let limits: PoolLimits;
    try {
      limits = await pool.limits();
    } catch {
      limits = LIMITS_UNKNOWN;
    }
    return new BatchPlanner(limits, caps);
  }

  /** The bytes one batch may carry (the pool's bound within the caller's caps). */
  get bytesMax(): number {
    return this.fill.bounds.bytesMax;
  }

  /** Estimated bytes of a message from the lengths of its data's and tags' JSON text. */
  messageBytes(dataJsonChars: number, tagsJsonChars = 2): number {
    return dataJsonChars + tagsJsonChars + this.limits.messageOverheadBytes;
  }

  /** Whether a message of `bytes` joins the batch being filled; false: send that batch first. */
  fits(bytes: number): boolean {
    return this.fill.fits(bytes);
  }

  add(bytes: number): void {
    this.fill.add(bytes);
  }

  /** Starts a new batch (after sending the last one). */
  clear(): void {
    this.fill.clear();
  }

  /** Splits `items`, in order, into batches; `bytesOf` sizes an item (see messageBytes). */
  split<T>(items: readonly T[], bytesOf: (item: T) => number): T[][] {
    return splitIntoBatches(items, bytesOf, this.fill.bounds);
  }
}
