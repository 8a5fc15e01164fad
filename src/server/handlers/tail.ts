/**
 * GET /v0/pools/{p}/tail: messages as JSON Lines (`application/jsonl`), read through the
 * api's follow. The stream ends after `max` messages, after `timeout_ms` without a
 * message, or when the client goes away (the follower is closed at once). A failure after
 * the headers went out is reported as one `{"error":…}` line before the stream ends.
 * The response header `cairn-start-seq` tells where the stream began, so a client can
 * resume from exactly there after a disconnect. HEAD answers the headers and ends at once.
 */
import type * as http from "node:http";
import { messageToJsonLine } from "../../core/message.js";
import { LineWriter } from "../line-writer.js";
import { errorBody } from "../respond.js";
import type { ServerContext } from "../server-context.js";
import { endHeadersOnly, followForResponse, poolGone } from "../stream-follow.js";
import { parseTailParams } from "../tail-params.js";

export async function handleTail(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  poolName: string,
  query: URLSearchParams,
): Promise<void> {
  const params = parseTailParams(query);
  const release = ctx.streams.acquire(poolName);
  try {
    const lease = await ctx.pools.lease(poolName);
    try {
      const writer = new LineWriter(res);
      const { follower, gone } = followForResponse(lease, params, res, (gap) => {
        if (params.notices) {
          const notice = { kind: "drop", from_seq: gap.fromSeq, to_seq: gap.toSeq, count: gap.count };
          void writer.write(`${JSON.stringify({ notice })}\n`);
        }
      });
      res.writeHead(200, {
        "content-type": "application/jsonl; charset=utf-8",
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "cairn-start-seq": String(follower.position),
      });
      if (req.method === "HEAD") return endHeadersOnly(res, follower);
      res.flushHeaders();
      try {
        for await (const message of follower) {
          await writer.write(`${messageToJsonLine(message)}\n`);
          if (writer.isClosed) break;
        }
        await writer.end(gone() ? `${JSON.stringify(errorBody(poolGone(poolName)))}\n` : undefined);
      } catch (err) {
        await writer.end(`${JSON.stringify(errorBody(err))}\n`);
      } finally {
        follower.close();
      }
    } finally {
      lease.release();
    }
  } finally {
    release();
  }
}
