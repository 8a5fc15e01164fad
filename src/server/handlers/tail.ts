/**
 * GET /v0/pools/{p}/tail: messages as JSON Lines (`application/jsonl`), read through the
 * api's follow (see stream-follow.ts for how a stream starts and ends). A failure after
 * the headers went out is one `{"error":…}` line before the stream ends; with `notices=1`
 * skipped ranges are `{"notice":{"kind":"drop",…}}` lines. The response header
 * `cairn-start-seq` tells where the stream began, so a client can resume from there.
 */
import type * as http from "node:http";
import { messageToJsonLine } from "../../api/wire/message.js";
import { errorBody } from "../respond.js";
import type { ServerContext } from "../server-context.js";
import { serveStream } from "../stream-follow.js";
import { tailQueryFromSearch } from "../../api/wire/tail-query.js";

export async function handleTail(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  poolName: string,
  query: URLSearchParams,
): Promise<void> {
  const params = tailQueryFromSearch(query);
  await serveStream(ctx, req, res, poolName, params, {
    headers: { "content-type": "application/jsonl; charset=utf-8", "x-content-type-options": "nosniff" },
    gapText: (gap) =>
      params.notices
        ? `${JSON.stringify({ notice: { kind: "drop", from_seq: gap.fromSeq, to_seq: gap.toSeq, count: gap.count } })}\n`
        : undefined,
    messageText: (message) => `${messageToJsonLine(message)}\n`,
    errorText: (err) => `${JSON.stringify(errorBody(err, ctx.paths))}\n`,
  });
}
