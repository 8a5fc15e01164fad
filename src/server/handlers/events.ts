/**
 * GET /v0/ui/pools/{p}/events: Server-Sent Events for the web UI. Same query as tail.
 *
 *   event: message   id: <seq>   data: <wire message>
 *   event: gap       data: {"from_seq","to_seq","count"}
 *   event: info      data: {"pool": PoolInfo, "streams": N}    (at start and every few seconds)
 *   event: error     data: {"error":{…}}                         (then the stream ends)
 *
 * `id` is the seq, so a browser EventSource that reconnects sends Last-Event-ID and
 * resumes right after the last message it saw. HEAD answers the headers and ends at once.
 */
import type * as http from "node:http";
import type { Pool } from "../../api/types.js";
import { messageToWire } from "../../core/message.js";
import { LineWriter } from "../line-writer.js";
import { errorBody } from "../respond.js";
import type { ServerContext } from "../server-context.js";
import { endHeadersOnly, followForResponse, poolGone } from "../stream-follow.js";
import { parseTailParams } from "../tail-params.js";

function sseEvent(event: string, data: unknown, id?: number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export async function handleEvents(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  poolName: string,
  query: URLSearchParams,
): Promise<void> {
  const lastEventId = req.headers["last-event-id"];
  const params = parseTailParams(query, typeof lastEventId === "string" ? lastEventId : undefined);
  const release = ctx.streams.acquire(poolName);
  let timer: NodeJS.Timeout | undefined;
  try {
    const lease = await ctx.pools.lease(poolName);
    try {
      const writer = new LineWriter(res);
      const { follower, gone } = followForResponse(lease, params, res, (gap) => {
        void writer.write(sseEvent("gap", { from_seq: gap.fromSeq, to_seq: gap.toSeq, count: gap.count }));
      });
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-store",
        "x-accel-buffering": "no",
        "cairn-start-seq": String(follower.position),
      });
      if (req.method === "HEAD") return endHeadersOnly(res, follower);
      const sendInfo = () => void sendPoolInfo(ctx, lease.pool, poolName, writer);
      await writer.write(`retry: 2000\n\n`);
      sendInfo();
      timer = setInterval(sendInfo, ctx.sseHeartbeatMs);
      try {
        for await (const message of follower) {
          await writer.write(sseEvent("message", messageToWire(message), message.seq));
          if (writer.isClosed) break;
        }
        await writer.end(gone() ? sseEvent("error", errorBody(poolGone(poolName))) : undefined);
      } catch (err) {
        await writer.end(sseEvent("error", errorBody(err)));
      } finally {
        follower.close();
      }
    } finally {
      lease.release();
    }
  } finally {
    if (timer) clearInterval(timer);
    release();
  }
}

async function sendPoolInfo(ctx: ServerContext, pool: Pool, poolName: string, writer: LineWriter): Promise<void> {
  if (writer.isClosed) return;
  try {
    await writer.write(sseEvent("info", { pool: await pool.info(), streams: ctx.streams.openOn(poolName) }));
  } catch (err) {
    await writer.write(sseEvent("error", errorBody(err)));
  }
}
