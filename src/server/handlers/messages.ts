/**
 * Message endpoints: append one (`{data, tags?, durability?}`), append a batch
 * (`{items:[{data, tags?}], durability?}`, Cairn extension, atomic with respect to other
 * writers) and get one by seq. Replies carry the wire envelope, the data as the pool stores it.
 * Only the wire shape is checked here; what a valid message, tag or seq is, the api decides.
 */
import type * as http from "node:http";
import { type BatchItem, durabilityOf } from "../../api/types.js";
import { type Span, elementSpans, memberSpans } from "../../api/wire/json-spans.js";
import { messageToJsonLine } from "../../api/wire/message.js";
import { readJsonBody } from "../json-body.js";
import { sendJsonText, usage } from "../respond.js";
import type { ServerContext } from "../server-context.js";

/** `null` is absent; anything else goes to the api, which owns the rule for tags. */
/**
 * The message as the client sent it: `data` with its exact text (the writer's key order and
 * number spelling are what JSON pools keep), when its place in the body is known.
 */
function itemAsSent(data: unknown, tags: string[] | undefined, body: string, span: Span | undefined): BatchItem {
  const item: BatchItem = span ? { data, dataJson: body.slice(span.start, span.end) } : { data };
  if (tags !== undefined) item.tags = tags;
  return item;
}

function tagsFrom(value: unknown): string[] | undefined {
  return value === undefined || value === null ? undefined : (value as string[]);
}

export async function appendMessage(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  name: string,
): Promise<void> {
  const { value: body, text } = await readJsonBody(req, ctx.bodyBytesMax, ctx.bodies);
  if (!("data" in body)) throw usage('the body needs a "data" field', 'send {"data": …, "tags": […]}');
  const tags = tagsFrom(body.tags);
  const durability = durabilityOf(body.durability);
  const pool = await ctx.pools.open(name);
  const bytes = Number(req.headers["content-length"] ?? ctx.bodyBytesMax);
  const item = itemAsSent(body.data, tags, text, memberSpans(text).get("data"));
  const message = await ctx.appends.append(pool, item, durability, bytes);
  sendJsonText(res, 200, `{"message":${messageToJsonLine(message)}}`);
}

export async function appendBatch(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  name: string,
): Promise<void> {
  const { value: body, text } = await readJsonBody(req, ctx.bodyBytesMax, ctx.bodies);
  if (!Array.isArray(body.items)) throw usage('the body needs an "items" array of {data, tags?}');
  const itemsSpan = memberSpans(text).get("items");
  const itemSpans = itemsSpan ? elementSpans(text, itemsSpan) : [];
  const items: BatchItem[] = body.items.map((item: unknown, i: number) => {
    if (item === null || typeof item !== "object" || !("data" in item)) throw usage(`items[${i}] needs a "data" field`);
    const tags = tagsFrom((item as { tags?: unknown }).tags);
    const span = itemSpans[i];
    return itemAsSent((item as { data: unknown }).data, tags, text, span && memberSpans(text, span).get("data"));
  });
  const durability = durabilityOf(body.durability);
  const pool = await ctx.pools.open(name);
  const messages = await pool.appendBatch(items, { durability });
  sendJsonText(res, 200, `{"messages":[${messages.map(messageToJsonLine).join(",")}]}`);
}

export async function getMessage(
  ctx: ServerContext,
  res: http.ServerResponse,
  name: string,
  seqText: string,
): Promise<void> {
  if (!/^\d{1,16}$/.test(seqText)) throw usage(`invalid seq "${seqText}"`);
  const pool = await ctx.pools.open(name);
  const message = await pool.get(Number(seqText));
  sendJsonText(res, 200, `{"message":${messageToJsonLine(message)}}`);
}
