/**
 * The batching rule, as pure arithmetic (the engine needs it, and core cannot import the
 * api, which exposes it to everyone else as `Pool.limits()` and the BatchPlanner).
 *
 * A batch is a run of messages written under one lock. It holds at most a quarter of the
 * pool's ring, so that
 * - a batch never drops its own frames (the engine relies on it for every group it places);
 * - a batch never laps the ring on its own: its first messages would leave before any
 *   follower could read them.
 * Callers add caps of their own (items, bytes in memory or in a request body); the rule
 * for splitting is the same everywhere: in order, as many items as fit, and an item
 * larger than the bound alone (the engine refuses it if it exceeds payloadBytesMax).
 */
import type { PayloadCodec } from "./codec.js";
import { FRAME_ALIGN, FRAME_OVERHEAD_BYTES, payloadBytesMaxFor } from "./layout.js";

export interface BatchBounds {
  itemsMax: number;
  bytesMax: number;
}

/** What a pool file allows one append and one batch, in bytes. */
export interface AppendLimits {
  /** Largest payload one message may have (encoded by the pool's codec). */
  payloadBytesMax: number;
  /** Most ring bytes one batch may take: a quarter of the ring. */
  batchBytesMax: number;
  /**
   * Ring bytes a message takes beyond the JSON text of its data and tags: frame header,
   * commit marker, worst-case padding, and the codec's own wrapper.
   */
  messageOverheadBytes: number;
}

export function batchBytesMaxFor(ringSize: number): number {
  return Math.floor(ringSize / 4);
}

export function appendLimitsFor(ringSize: number, codec: PayloadCodec): AppendLimits {
  return {
    payloadBytesMax: payloadBytesMaxFor(ringSize),
    batchBytesMax: batchBytesMaxFor(ringSize),
    messageOverheadBytes: FRAME_OVERHEAD_BYTES + FRAME_ALIGN - 1 + codec.payloadOverheadBytes,
  };
}

/** A batch being filled: whether one more item of `bytes` joins it, by the rule above. */
export class BatchFill {
  items = 0;
  bytes = 0;

  constructor(readonly bounds: BatchBounds) {}

  /** An empty batch takes any item; otherwise the item must fit both bounds. */
  fits(bytes: number): boolean {
    return this.items === 0 || (this.items < this.bounds.itemsMax && this.bytes + bytes <= this.bounds.bytesMax);
  }

  add(bytes: number): void {
    this.items += 1;
    this.bytes += bytes;
  }

  clear(): void {
    this.items = 0;
    this.bytes = 0;
  }
}

/** Splits items, in order, into batches by the rule; `bytesOf` sizes an item. */
export function splitIntoBatches<T>(items: readonly T[], bytesOf: (item: T) => number, bounds: BatchBounds): T[][] {
  const batches: T[][] = [];
  const fill = new BatchFill(bounds);
  let current: T[] = [];
  for (const item of items) {
    const bytes = bytesOf(item);
    if (!fill.fits(bytes)) {
      batches.push(current);
      current = [];
      fill.clear();
    }
    current.push(item);
    fill.add(bytes);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}
