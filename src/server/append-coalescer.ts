/**
 * Group commit for single appends. Append requests that reach the server in the same
 * turn of the event loop are written with one `appendBatch` per pool and durability (one
 * lock, one header update, one sync for `flush`) instead of one each; every request still
 * gets its own message back. A batch holds at most `batchItemsMax` items and
 * `batchBytesMax` bytes, and never more than a quarter of the pool's ring (the engine has
 * been seen to fail part-way through batches about the size of the ring). A batch refused
 * with Usage (a bad or oversize message, found before anything is written) is retried item
 * by item, so one bad message fails only its own request; any other failure fails the
 * whole batch, since retrying could write a message twice.
 */
import type { Durability, Message, Pool } from "../api/types.js";
import { CairnError, ErrorKind } from "../core/errors.js";

interface PendingAppend {
  data: unknown;
  tags: readonly string[] | undefined;
  durability: Durability;
  bytes: number;
  resolve(message: Message): void;
  reject(err: unknown): void;
}

export class AppendCoalescer {
  private readonly queues = new Map<Pool, PendingAppend[]>();
  private readonly ringBytes = new WeakMap<Pool, number>();

  constructor(
    private readonly batchItemsMax = 64,
    private readonly batchBytesMax = 256 * 1024,
  ) {}

  /** `bytes` is the request body size, a cheap upper bound for the message's size. */
  append(
    pool: Pool,
    data: unknown,
    tags: readonly string[] | undefined,
    durability: Durability,
    bytes: number,
  ): Promise<Message> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(pool);
      if (!queue) {
        queue = [];
        this.queues.set(pool, queue);
        setImmediate(() => void this.flush(pool));
      }
      queue.push({ data, tags, durability, bytes, resolve, reject });
    });
  }

  private async budgetFor(pool: Pool): Promise<number> {
    let ring = this.ringBytes.get(pool);
    if (ring === undefined) {
      try {
        ring = (await pool.info()).ring_size;
      } catch {
        ring = 0; // unknown: batches of one
      }
      this.ringBytes.set(pool, ring);
    }
    return Math.min(this.batchBytesMax, Math.floor(ring / 4));
  }

  private async flush(pool: Pool): Promise<void> {
    const queue = this.queues.get(pool) ?? [];
    this.queues.delete(pool);
    const budget = await this.budgetFor(pool);
    for (const durability of ["fast", "flush"] as const) {
      const items = queue.filter((p) => p.durability === durability);
      let start = 0;
      while (start < items.length) {
        let end = start;
        let bytes = 0;
        while (
          end < items.length &&
          end - start < this.batchItemsMax &&
          (end === start || bytes + items[end]!.bytes <= budget)
        ) {
          bytes += items[end]!.bytes;
          end += 1;
        }
        void this.write(pool, items.slice(start, end), durability);
        start = end;
      }
    }
  }

  private async write(pool: Pool, batch: PendingAppend[], durability: Durability): Promise<void> {
    if (batch.length > 1) {
      try {
        const messages = await pool.appendBatch(
          batch.map((p) => (p.tags === undefined ? { data: p.data } : { data: p.data, tags: p.tags })),
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
        p.resolve(await pool.append(p.data, p.tags === undefined ? { durability } : { tags: p.tags, durability }));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}
