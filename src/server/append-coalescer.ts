/**
 * Group commit for single appends. Append requests that reach the server in the same
 * turn of the event loop are written with one `appendBatch` per pool and durability (one
 * lock, one header update, one sync for `flush`) instead of one each; every request still
 * gets its own message back. If a batch fails, its items are retried one by one, so one
 * bad message (too large, say) fails only its own request. A batch holds at most
 * `batchItemsMax` items and `batchBytesMax` bytes of data, far below any ring.
 */
import type { Durability, Message, Pool } from "../api/types.js";

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
        setImmediate(() => this.flush(pool));
      }
      queue.push({ data, tags, durability, bytes, resolve, reject });
    });
  }

  private flush(pool: Pool): void {
    const queue = this.queues.get(pool) ?? [];
    this.queues.delete(pool);
    for (const durability of ["fast", "flush"] as const) {
      const items = queue.filter((p) => p.durability === durability);
      let start = 0;
      while (start < items.length) {
        let end = start;
        let bytes = 0;
        while (
          end < items.length &&
          end - start < this.batchItemsMax &&
          (end === start || bytes + items[end]!.bytes <= this.batchBytesMax)
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
      } catch {
        // Fall through: find out which item failed by appending each on its own.
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
