/**
 * One long-lived response (a tail or an SSE stream) read through the api's follow:
 * `serveStream` takes a stream slot, leases the shared pool handle, sends the headers with
 * `cairn-start-seq`, then writes each message in the stream's own format through a
 * backpressured LineWriter. The stream ends after `max`, after `timeout_ms` idle, when
 * the client goes away (the follower closes at once), or with one error in the stream's
 * format: a follow failure, the pool deleted or replaced under it (NotFound), or a failure
 * the format reports through `fail`. HEAD answers the headers and takes no slot.
 */
import type * as http from "node:http";
import type { Follower, Gap, Message, Pool } from "../api/types.js";
import { CairnError, ErrorKind } from "../core/errors.js";
import { LineWriter } from "./line-writer.js";
import { PoolHandles } from "./pool-handles.js";
import type { ServerContext } from "./server-context.js";
import type { TailQuery } from "../api/wire/tail-query.js";

/** How one kind of stream looks on the wire. */
export interface StreamFormat {
  /** Response headers besides cache-control and cairn-start-seq. */
  headers: Record<string, string>;
  /** Text for messages that left the ring before they were read, or nothing. */
  gapText(gap: Gap): string | undefined;
  messageText(message: Message): string;
  /** The last text of a stream that ends with an error. */
  errorText(err: unknown): string;
  /**
   * Runs once the headers went out, before the first message; `fail` ends the stream with
   * that error. Returns a function that stops what it started.
   */
  start?(writer: LineWriter, pool: Pool, fail: (err: unknown) => void): Promise<() => void>;
}

function followFromParams(pool: Pool, params: TailQuery, onGap: (gap: Gap) => void): Follower {
  return pool.follow({
    from: params.from,
    tags: params.tags,
    gap: params.gap,
    onGap,
    ...(params.max === undefined ? {} : { limit: params.max }),
    ...(params.timeoutMs === undefined ? {} : { idleTimeoutMs: params.timeoutMs }),
  });
}

/** The error that ends a stream whose pool was deleted or replaced under it. */
export function poolGone(poolName: string): CairnError {
  return new CairnError(ErrorKind.NotFound, `pool ${poolName} was deleted or replaced`, {
    hint: "re-create it and start a new stream",
  });
}

export async function serveStream(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  poolName: string,
  params: TailQuery,
  format: StreamFormat,
): Promise<void> {
  // A bad name is Usage (400) even when every slot is taken.
  PoolHandles.checkName(poolName);
  // HEAD answers headers and ends at once, so it neither keeps nor needs a slot.
  const release = req.method === "HEAD" ? () => {} : ctx.streams.acquire(poolName);
  let stop = () => {};
  try {
    const lease = await ctx.pools.lease(poolName);
    try {
      const writer = new LineWriter(res);
      const follower = followFromParams(lease.pool, params, (gap) => {
        const text = format.gapText(gap);
        if (text !== undefined) void writer.write(text);
      });
      let failure: unknown;
      const fail = (err: unknown) => {
        failure ??= err;
        follower.close();
      };
      res.on("close", () => follower.close());
      lease.onGone(() => fail(poolGone(poolName)));
      res.writeHead(200, {
        ...format.headers,
        "cache-control": "no-store",
        "cairn-start-seq": String(follower.position),
      });
      if (req.method === "HEAD") {
        follower.close();
        res.end();
        return;
      }
      res.flushHeaders();
      try {
        if (format.start) stop = await format.start(writer, lease.pool, fail);
        for await (const message of follower) {
          await writer.write(format.messageText(message));
          if (writer.isClosed) break;
        }
        await writer.end(failure === undefined ? undefined : format.errorText(failure));
      } catch (err) {
        await writer.end(format.errorText(err));
      } finally {
        follower.close();
      }
    } finally {
      lease.release();
    }
  } finally {
    stop();
    release();
  }
}
