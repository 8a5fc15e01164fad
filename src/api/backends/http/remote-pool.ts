/**
 * The Pool of a pool on a Cairn (or Plasmite protocol v0) server: each method is one
 * request to `/v0/pools/{name}/…`, in the wire shapes of src/api/wire/; reading and
 * following stream the tail endpoint (remote-follower.ts).
 */
import { CairnError, ErrorKind } from "../../../core/errors.js";
import type { Message } from "../../../core/message.js";
import type {
  AppendOptions,
  BatchItem,
  FollowOptions,
  Follower,
  Pool,
  PoolInfo,
  PoolLimits,
  RewriteResult,
  ReadOptions,
  ValidationReport,
} from "../../types.js";
import { REMOTE_BATCH_BYTES_MAX } from "../../wire/limits.js";
import { checkJsonNumbers } from "../../../core/json-numbers.js";
import { checkNesting } from "../../../core/message.js";
import { messageFromWire } from "../../wire/message.js";
import { poolInfoFromWire } from "../../wire/pool-info.js";
import { poolLimitsFromWire } from "../../wire/pool-limits.js";
import { validationReportFromWire } from "../../wire/validation-report.js";
import { RemoteFollower } from "./remote-follower.js";
import { elementSpans, memberSpans } from "../../wire/json-spans.js";
import { requestJson, requestJsonReply } from "./request-json.js";
import type { Transport } from "./transport.js";

export class RemotePool implements Pool {
  private readonly path: string;
  private limitsAsked: Promise<PoolLimits> | null = null;

  constructor(
    readonly ref: string,
    readonly name: string,
    private readonly transport: Transport,
  ) {
    this.path = `/v0/pools/${encodeURIComponent(name)}`;
  }

  async append(data: unknown, options: AppendOptions = {}): Promise<Message> {
    // JSON.stringify would send NaN or Infinity as null: refused here, as a local pool does.
    checkNesting(data);
    const body: Record<string, unknown> = { data };
    if (options.tags !== undefined) body.tags = options.tags;
    if (options.durability !== undefined) body.durability = options.durability;
    const { value, text } = await requestJsonReply(this.transport, "POST", `${this.path}/append`, JSON.stringify(body));
    return messageFromReply(value, text);
  }

  async appendBatch(items: readonly BatchItem[], options: Pick<AppendOptions, "durability"> = {}): Promise<Message[]> {
    if (items.length === 0) return [];
    // The wire item is {data, tags?}: `dataJson` is the text of `data`, so it is sent in its
    // place (once), never beside it.
    const itemsJson = items.map((item) => {
      if (item.dataJson !== undefined) checkJsonNumbers(item.dataJson);
      checkNesting(item.data);
      const data = item.dataJson ?? JSON.stringify(item.data);
      const fields = [
        data === undefined ? "" : `"data":${data}`,
        item.tags === undefined ? "" : `"tags":${JSON.stringify(item.tags)}`,
      ];
      return `{${fields.filter((f) => f.length > 0).join(",")}}`;
    });
    const durability = options.durability === undefined ? "" : `,"durability":${JSON.stringify(options.durability)}`;
    const body = `{"items":[${itemsJson.join(",")}]${durability}}`;
    const { value: reply, text } = await requestJsonReply(this.transport, "POST", `${this.path}/append_batch`, body);
    if (!Array.isArray(reply.messages)) throw new CairnError(ErrorKind.Io, "server sent no messages for a batch");
    const listSpan = memberSpans(text).get("messages");
    const spans = listSpan ? elementSpans(text, listSpan) : [];
    return reply.messages.map((m, i) => {
      const span = spans[i];
      return messageFromWire(m, span && text.slice(span.start, span.end));
    });
  }

  async get(seq: number): Promise<Message> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new CairnError(ErrorKind.Usage, `invalid seq ${seq}`);
    const { value, text } = await requestJsonReply(this.transport, "GET", `${this.path}/messages/${seq}`);
    return messageFromReply(value, text);
  }

  read(options: ReadOptions = {}): AsyncIterable<Message> {
    return new RemoteFollower(this.transport, this.path, options, true);
  }

  follow(options: FollowOptions = {}): Follower {
    return new RemoteFollower(this.transport, this.path, options, false);
  }

  async info(): Promise<PoolInfo> {
    return poolInfoFromWire((await requestJson(this.transport, "GET", `${this.path}/info`)).pool);
  }

  /** The server's limits for the pool, with a batch kept within one request body. Asked once. */
  limits(): Promise<PoolLimits> {
    this.limitsAsked ??= requestJson(this.transport, "GET", `${this.path}/limits`).then((reply) => {
      const limits = poolLimitsFromWire(reply.limits);
      return { ...limits, batchBytesMax: Math.min(limits.batchBytesMax, REMOTE_BATCH_BYTES_MAX) };
    });
    const asked = this.limitsAsked;
    asked.catch(() => {
      if (this.limitsAsked === asked) this.limitsAsked = null; // ask again next time
    });
    return asked;
  }

  /** The server notices a replaced pool file itself (it reopens its handles). */
  async isStale(): Promise<boolean> {
    return false;
  }

  async validate(): Promise<ValidationReport> {
    return validationReportFromWire((await requestJson(this.transport, "GET", `${this.path}/validate`)).report);
  }

  async truncate(beforeSeq: number): Promise<number> {
    const reply = await requestJson(this.transport, "POST", `${this.path}/truncate`, { before_seq: beforeSeq });
    return reply.dropped as number;
  }

  async rewrite(): Promise<RewriteResult> {
    throw new CairnError(ErrorKind.Usage, `rewriting a pool is not supported by remote pools (${this.ref})`, {
      hint: "rewrite it where its file lives, or truncate it",
    });
  }

  async close(): Promise<void> {}
}

/** The `message` of a reply, with its data's text as the server sent it (the writer's key order). */
function messageFromReply(reply: Record<string, unknown>, text: string): Message {
  const span = memberSpans(text).get("message");
  return messageFromWire(reply.message, span && text.slice(span.start, span.end));
}
