/**
 * Group commit for single appends. Append requests that reach the server in the same
 * turn of the event loop are written with one `appendBatch` per pool and durability (one
 * lock, one header update, one sync for `flush`) instead of one each; every request still
 * gets its own message back. Batches are cut by the api's BatchPlanner: at most
 * `batchItemsMax` items and `batchBytesMax` bytes (request body sizes, a cheap upper bound
 * of each message), within the pool's own limits (a quarter of its ring). A batch refused
 * with Usage (a bad or oversize message, found before anything is written) is retried item
 * by item, so one bad message fails only its own request; any other failure fails the
 * whole batch, since retrying could write a message twice.
 */
import { BatchPlanner } from "../api/batch-planner.js";
import type { BatchItem, Durability, Message, Pool } from "../api/types.js";
import { CairnError, ErrorKind } from "../core/errors.js";

interface PendingAppend {
  /** The message, with the data's text as the client sent it when there is one. */
  item: BatchItem;
  durability: Durability;
  bytes: number;
  resolve(message: Message): void;
  reject(err: unknown): void;
}

export class AppendCoalescer {
  private readonly queues = new Map<Pool, PendingAppend[]>();
  private readonly planners = new WeakMap<Pool, Promise<BatchPlanner>>();

  constructor(
    private readonly batchItemsMax = 64,
    private readonly batchBytesMax = 256 * 1024,
  ) {}

  /** `bytes` is the request body size, a cheap upper bound for the message's size. */
  append(pool: Pool, item: BatchItem, durability: Durability, bytes: number): Promise<Message> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(pool);
      if (!queue) {
        queue = [];
        this.queues.set(pool, queue);
        setImmediate(() => void this.flush(pool));
      }
      queue.push({ item, durability, bytes, resolve, reject });
    });
  }

  /** The pool's batching limits, asked once per pool handle. */
  private plannerFor(pool: Pool): Promise<BatchPlanner> {
    let planner = this.planners.get(pool);
    if (!planner) {
      planner = BatchPlanner.forPool(pool, { itemsMax: this.batchItemsMax, bytesMax: this.batchBytesMax });
      this.planners.set(pool, planner);
    }
    return planner;
  }

  private async flush(pool: Pool): Promise<void> {
    const queue = this.queues.get(pool) ?? [];
    this.queues.delete(pool);
    const planner = await this.plannerFor(pool);
    for (const durability of ["fast", "flush"] as const) {
      const items = queue.filter((p) => p.durability === durability);
      for (const batch of planner.split(items, (p) => p.bytes)) void this.write(pool, batch, durability);
    }
  }

  private async write(pool: Pool, batch: PendingAppend[], durability: Durability): Promise<void> {
    if (batch.length > 1) {
      try {
        const messages = await pool.appendBatch(
          batch.map((p) => p.item),
          { durability },
        );
        for (const [i, p] of batch.entries()) p.resolve(messages[i] as Message);
        return;
      } catch (err) {
        const usage = err instanceof CairnError && err.kind === ErrorKind.Usage;
        if (!usage) {
          for (const p of batch) p.reject(err);
          return;
        }
        // Nothing was written: find out which item is bad by appending each on its own.
      }
    }
    for (const p of batch) {
      try {
        const [message] = await pool.appendBatch([p.item], { durability });
        p.resolve(message as Message);
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
