/**
 * GET /v0/ui/pools/{p}/events: Server-Sent Events for the web UI. Same query as tail.
 *
 *   event: message   id: <seq>   data: <wire message>
 *   event: gap       data: {"from_seq","to_seq","count"}
 *   event: info      data: {"pool": PoolInfo, "streams": N}    (at start and every few seconds)
 *   event: error     data: {"error":{…}}                         (then the stream ends)
 *
 * `id` is the seq, so a browser EventSource that reconnects sends Last-Event-ID and
 * resumes right after the last message it saw. A pool info that cannot be read ends the
 * stream with that error, like any other failure.
 */
import type * as http from "node:http";
import { messageToJsonLine } from "../../api/wire/message.js";
import { errorBody } from "../respond.js";
import type { ServerContext } from "../server-context.js";
import { serveStream } from "../stream-follow.js";
import { tailQueryFromSearch } from "../../api/wire/tail-query.js";

function sseEvent(event: string, data: unknown, id?: number): string {
  return sseText(event, JSON.stringify(data), id);
}

/** An event whose data is JSON text already (a stored message is always one line). */
function sseText(event: string, json: string, id?: number): string {
  return `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${json}\n\n`;
}

export async function handleEvents(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  poolName: string,
  query: URLSearchParams,
): Promise<void> {
  const lastEventId = req.headers["last-event-id"];
  const params = tailQueryFromSearch(query, typeof lastEventId === "string" ? lastEventId : undefined);
  await serveStream(ctx, req, res, poolName, params, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "x-accel-buffering": "no" },
    gapText: (gap) => sseEvent("gap", { from_seq: gap.fromSeq, to_seq: gap.toSeq, count: gap.count }),
    messageText: (message) => sseText("message", messageToJsonLine(message), message.seq),
    errorText: (err) => sseEvent("error", errorBody(err, ctx.paths)),
    async start(writer, pool, fail) {
      const sendInfo = async () => {
        // A client that stopped reading gets no more info events until it drains, so a
        // stalled stream's buffer cannot grow by one event per heartbeat forever.
        if (writer.isBackedUp) return;
        try {
          const info = await pool.info();
          await writer.write(sseEvent("info", { pool: ctx.paths.of(info), streams: ctx.streams.openOn(poolName) }));
        } catch (err) {
          fail(err);
        }
      };
      await writer.write("retry: 2000\n\n");
      await sendInfo();
      const timer = setInterval(() => void sendInfo(), ctx.sseHeartbeatMs);
      return () => clearInterval(timer);
    },
  });
}
