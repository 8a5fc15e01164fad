/**
 * Batched, backpressured writes for long-lived streams. Lines collect in one string and
 * go out together: when the batch reaches `batchBytesMax`, or on the next macrotask (so a
 * burst that is already in the pool leaves as a few large writes, and a lone live message
 * leaves at once). When the socket's buffer is full, `write` waits for 'drain': a slow
 * client stalls its own reader, and the server never buffers more than about one batch
 * plus the socket's high-water mark per stream.
 */
import type * as http from "node:http";

const BATCH_BYTES_MAX = 64 * 1024;

export class LineWriter {
  private batch = "";
  private flushScheduled = false;
  private closed = false;
  private drainWaiters: Array<() => void> = [];

  constructor(
    private readonly res: http.ServerResponse,
    private readonly batchBytesMax = BATCH_BYTES_MAX,
  ) {
    const wake = () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    };
    res.on("drain", wake);
    res.on("close", () => {
      this.closed = true;
      wake();
    });
  }

  /** True once the client went away or the response ended: later writes are dropped. */
  get isClosed(): boolean {
    return this.closed || this.res.destroyed || this.res.writableEnded;
  }

  /** True while the client is not keeping up: optional extras (SSE info) should be skipped, not queued. */
  get isBackedUp(): boolean {
    return this.res.writableNeedDrain || this.drainWaiters.length > 0;
  }

  /** Queues text; resolves once it may be followed by more without overfilling the socket. */
  async write(text: string): Promise<void> {
    if (this.isClosed) return;
    this.batch += text;
    if (this.batch.length >= this.batchBytesMax || this.res.writableNeedDrain) {
      await this.flush();
      return;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        void this.flush();
      });
    }
  }

  /** Sends the batch now; waits while the socket is over its high-water mark. */
  async flush(): Promise<void> {
    if (this.batch.length > 0 && !this.isClosed) {
      const text = this.batch;
      this.batch = "";
      this.res.write(text);
    }
    while (this.res.writableNeedDrain && !this.isClosed) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
    }
  }

  /** Flushes what is left and ends the response. */
  async end(text = ""): Promise<void> {
    if (text) this.batch += text;
    await this.flush();
    if (!this.isClosed) this.res.end();
  }
}
