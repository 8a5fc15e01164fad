/**
 * The remote backend for `http(s)://host:port/POOL` refs: the same Pool contract over a
 * Cairn (or Plasmite protocol v0) server. Requests share one keep-alive agent per origin
 * and TLS setting; errors come back as the server's ErrorKind. `read` and `follow` stream
 * the JSON Lines tail endpoint and, when a connection breaks, reconnect from the seq after
 * the last one received, so a follower never loses or repeats a message across reconnects.
 * Importing this module registers it for the http and https schemes.
 */
import * as http from "node:http";
import * as https from "node:https";
import { CairnError, ErrorKind, isErrorKind } from "../../core/errors.js";
import type { Message } from "../../core/message.js";
import { formatTimeNs } from "../../core/time.js";
import { type RemoteBackend, type RemoteOptions, type RemoteRef, registerRemoteBackend } from "../client.js";
import type {
  AppendOptions,
  BatchItem,
  CreateOptions,
  FollowOptions,
  Follower,
  Pool,
  PoolInfo,
  PoolListing,
  ReadOptions,
  RewriteResult,
  StartAt,
  ValidationReport,
} from "../types.js";

const RECONNECT_DELAY_MS_MIN = 50;
const RECONNECT_DELAY_MS_MAX = 2_000;
const SERVER_TAIL_TIMEOUT_MS_MAX = 30_000;

// ---------------------------------------------------------------- transport

interface Transport {
  origin: string;
  agent: http.Agent;
  module: typeof http | typeof https;
  token: string | undefined;
}

const agents = new Map<string, http.Agent>();

function transportFor(url: URL, options: RemoteOptions): Transport {
  const secure = url.protocol === "https:";
  const key = `${url.origin}|${options.tlsCa ?? ""}|${options.tlsSkipVerify === true}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = secure
      ? new https.Agent({
          keepAlive: true,
          ...(options.tlsCa ? { ca: options.tlsCa } : {}),
          rejectUnauthorized: options.tlsSkipVerify !== true,
        })
      : new http.Agent({ keepAlive: true });
    agents.set(key, agent);
  }
  return { origin: url.origin, agent, module: secure ? https : http, token: options.token };
}

function networkError(transport: Transport, err: NodeJS.ErrnoException): CairnError {
  const code = err.code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|TLS/i.test(code)) {
    return new CairnError(ErrorKind.Io, `TLS failure talking to ${transport.origin}: ${err.message}`, {
      cause: err,
      hint: "pass --tls-ca with the server's certificate (or --tls-skip-verify for testing)",
    });
  }
  return new CairnError(ErrorKind.Io, `cannot reach ${transport.origin}: ${code || err.message}`, { cause: err });
}

/** Rebuilds the server's error envelope as a CairnError; anything else becomes Io/Internal. */
function errorFromResponse(status: number, text: string): CairnError {
  try {
    const body = JSON.parse(text) as { error?: Record<string, unknown> };
    const e = body.error;
    if (e && isErrorKind(e.kind) && typeof e.message === "string") {
      return new CairnError(e.kind, e.message, {
        ...(typeof e.hint === "string" ? { hint: e.hint } : {}),
        ...(typeof e.path === "string" ? { path: e.path } : {}),
        ...(typeof e.seq === "number" ? { seq: e.seq } : {}),
        ...(typeof e.offset === "number" ? { offset: e.offset } : {}),
      });
    }
  } catch {}
  return new CairnError(status >= 500 ? ErrorKind.Io : ErrorKind.Internal, `server answered HTTP ${status}`);
}

function headersFor(transport: Transport, extra: Record<string, string | number> = {}): http.OutgoingHttpHeaders {
  return { ...(transport.token ? { authorization: `Bearer ${transport.token}` } : {}), ...extra };
}

/**
 * One JSON request/response round trip. A kept-alive socket the server closed while idle
 * fails with ECONNRESET/EPIPE before the request was read; such a request is sent once
 * more on a fresh socket (the server never saw it, so even an append is not repeated).
 */
async function requestJson(
  transport: Transport,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  return requestJsonText(transport, method, path, body === undefined ? undefined : JSON.stringify(body));
}

/** requestJson with a body that is already JSON text. */
async function requestJsonText(
  transport: Transport,
  method: string,
  path: string,
  bodyJson: string | undefined,
): Promise<Record<string, unknown>> {
  const payload = bodyJson === undefined ? undefined : Buffer.from(bodyJson, "utf8");
  try {
    return await requestJsonOnce(transport, method, path, payload);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return requestJsonOnce(transport, method, path, payload);
  }
}

class StaleSocketError extends Error {}

function requestJsonOnce(
  transport: Transport,
  method: string,
  path: string,
  payload: Buffer | undefined,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const req = transport.module.request(
      `${transport.origin}${path}`,
      {
        method,
        agent: transport.agent,
        headers: headersFor(
          transport,
          payload ? { "content-type": "application/json", "content-length": payload.length } : {},
        ),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", (err) => reject(networkError(transport, err)));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status < 200 || status >= 300) return reject(errorFromResponse(status, text));
          try {
            resolve(JSON.parse(text) as Record<string, unknown>);
          } catch {
            reject(new CairnError(ErrorKind.Io, `server sent a body that is not JSON (HTTP ${status})`));
          }
        });
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => {
      const stale = req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE");
      reject(stale ? new StaleSocketError(err.message) : networkError(transport, err));
    });
    req.end(payload);
  });
}

// ---------------------------------------------------------------- wire shapes

interface WireMessage {
  data: unknown;
  meta?: { tags?: string[] };
  seq: number;
  time: string;
}

const secondsCache = new Map<string, bigint>();

/** RFC 3339 UTC → ns; the whole-second part is cached since a stream repeats it often. */
function timeNsOf(time: string): bigint {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(time);
  if (!m) throw new CairnError(ErrorKind.Io, `server sent an invalid time "${time}"`);
  const prefix = m[1] as string;
  let seconds = secondsCache.get(prefix);
  if (seconds === undefined) {
    if (secondsCache.size > 1024) secondsCache.clear();
    seconds = BigInt(Date.parse(`${prefix}Z`)) * 1_000_000n;
    secondsCache.set(prefix, seconds);
  }
  return seconds + BigInt((m[2] ?? "").padEnd(9, "0"));
}

function messageFromWire(wire: WireMessage): Message {
  return { seq: wire.seq, time: wire.time, timeNs: timeNsOf(wire.time), tags: wire.meta?.tags ?? [], data: wire.data };
}

function startParams(from: StartAt, query: URLSearchParams): void {
  if (from === "live") query.set("from", "live");
  else if (from === "oldest") query.set("from", "oldest");
  else if ("seq" in from) query.set("since_seq", String(from.seq));
  else if ("last" in from) query.set("last", String(from.last));
  else query.set("since_time", formatTimeNs(from.timeNs));
}

// ---------------------------------------------------------------- streaming

class RemoteFollower implements Follower {
  timedOut = false;
  private closed = false;
  private nextSeq = 0;
  private current: http.ClientRequest | null = null;
  private wakeSleep: (() => void) | null = null;

  constructor(
    private readonly transport: Transport,
    private readonly poolPath: string,
    private readonly options: FollowOptions,
    /** `read` ends at the current end (timeout_ms=0); `follow` keeps going. */
    private readonly endAtCurrentEnd: boolean,
  ) {
    options.signal?.addEventListener("abort", () => this.close(), { once: true });
  }

  get position(): number {
    return this.nextSeq;
  }

  close(): void {
    this.closed = true;
    this.current?.destroy();
    this.wakeSleep?.();
  }

  private query(delivered: number, idleLeftMs: number | undefined): string {
    const q = new URLSearchParams();
    if (this.nextSeq > 0) q.set("since_seq", String(this.nextSeq));
    else startParams(this.options.from ?? (this.endAtCurrentEnd ? "oldest" : "live"), q);
    for (const tag of this.options.tags ?? []) q.append("tag", tag);
    if (this.options.gap === "error") q.set("gap_policy", "error");
    if (this.options.limit !== undefined) q.set("max", String(this.options.limit - delivered));
    if (this.endAtCurrentEnd) q.set("timeout_ms", "0");
    else if (idleLeftMs !== undefined) q.set("timeout_ms", String(Math.min(SERVER_TAIL_TIMEOUT_MS_MAX, idleLeftMs)));
    q.set("notices", "1");
    return q.toString();
  }

  private open(query: string): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.transport.module.get(
        `${this.transport.origin}${this.poolPath}/tail?${query}`,
        { agent: this.transport.agent, headers: headersFor(this.transport, { accept: "application/jsonl" }) },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(res);
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(errorFromResponse(status, Buffer.concat(chunks).toString("utf8"))));
          res.on("error", (err) => reject(networkError(this.transport, err)));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => {
        const stale = req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE");
        reject(stale ? new StaleSocketError(err.message) : networkError(this.transport, err));
      });
      this.current = req;
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeSleep = null;
        resolve();
      }, ms);
      this.wakeSleep = () => {
        clearTimeout(timer);
        this.wakeSleep = null;
        resolve();
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    const { limit, onGap, idleTimeoutMs } = this.options;
    let delivered = 0;
    let lastActivity = Date.now();
    let connectedOnce = false;
    let disconnected = false;
    let delayMs = RECONNECT_DELAY_MS_MIN;
    const lost = (err: unknown) => {
      if (disconnected) return;
      disconnected = true;
      const message = err instanceof Error ? err.message : "connection lost";
      this.options.onStatus?.({ kind: "disconnected", message, retryInMs: delayMs });
    };
    while (!this.closed) {
      const idleLeftMs = idleTimeoutMs === undefined ? undefined : idleTimeoutMs - (Date.now() - lastActivity);
      if (idleLeftMs !== undefined && idleLeftMs <= 0) {
        this.timedOut = true;
        return;
      }
      let res: http.IncomingMessage;
      try {
        res = await this.open(this.query(delivered, idleLeftMs));
      } catch (err) {
        // A server error is final; a network failure before the first connection is too.
        if (this.closed) return;
        if (err instanceof StaleSocketError) continue; // an idle kept-alive socket the server had closed
        if (!connectedOnce || !(err instanceof CairnError) || err.kind !== ErrorKind.Io || !isNetwork(err)) throw err;
        lost(err);
        await this.sleep(delayMs);
        delayMs = Math.min(delayMs * 2, RECONNECT_DELAY_MS_MAX);
        continue;
      }
      connectedOnce = true;
      if (disconnected) {
        disconnected = false;
        this.options.onStatus?.({ kind: "reconnected" });
      }
      if (this.nextSeq === 0) {
        const start = Number(res.headers["cairn-start-seq"]);
        if (Number.isSafeInteger(start) && start > 0) this.nextSeq = start;
      }
      let endedCleanly = false;
      try {
        res.setEncoding("utf8");
        let rest = "";
        for await (const chunk of res as AsyncIterable<string>) {
          const text = rest + chunk;
          let start = 0;
          let newline = text.indexOf("\n", start);
          while (newline >= 0) {
            const line = text.slice(start, newline);
            start = newline + 1;
            newline = text.indexOf("\n", start);
            if (line.length === 0) continue;
            const item = JSON.parse(line) as Record<string, unknown>;
            if ("error" in item) throw errorFromResponse(200, line);
            if ("notice" in item) {
              const n = item.notice as { kind?: string; from_seq: number; to_seq: number; count: number };
              if (n.kind === "drop") {
                if (n.to_seq + 1 > this.nextSeq) this.nextSeq = n.to_seq + 1;
                onGap?.({ fromSeq: n.from_seq, toSeq: n.to_seq, count: n.count });
              }
              continue;
            }
            const wire = item as unknown as WireMessage;
            if (wire.seq < this.nextSeq) continue; // already delivered before a reconnect
            this.nextSeq = wire.seq + 1;
            lastActivity = Date.now();
            delayMs = RECONNECT_DELAY_MS_MIN;
            yield messageFromWire(wire);
            delivered += 1;
            if (this.closed || (limit !== undefined && delivered >= limit)) return;
          }
          rest = text.slice(start);
        }
        endedCleanly = true;
      } catch (err) {
        if (this.closed) return;
        if (err instanceof CairnError && !isNetwork(err)) throw err;
        if (!(err instanceof CairnError) && !(err as NodeJS.ErrnoException).code) throw err;
      } finally {
        res.destroy();
      }
      if (endedCleanly && this.endAtCurrentEnd) return;
      if (endedCleanly && idleTimeoutMs !== undefined) continue; // the loop top decides whether the idle time is up
      if (!endedCleanly) {
        lost(null);
        await this.sleep(delayMs);
        delayMs = Math.min(delayMs * 2, RECONNECT_DELAY_MS_MAX);
      }
    }
  }
}

function isNetwork(err: CairnError): boolean {
  return err.kind === ErrorKind.Io && err.cause !== undefined;
}

// ---------------------------------------------------------------- pool

class RemotePool implements Pool {
  private readonly path: string;

  constructor(
    readonly ref: string,
    readonly name: string,
    private readonly transport: Transport,
  ) {
    this.path = `/v0/pools/${encodeURIComponent(name)}`;
  }

  async append(data: unknown, options: AppendOptions = {}): Promise<Message> {
    const body: Record<string, unknown> = { data };
    if (options.tags !== undefined) body.tags = options.tags;
    if (options.durability !== undefined) body.durability = options.durability;
    const reply = await requestJson(this.transport, "POST", `${this.path}/append`, body);
    return messageFromWire(reply.message as WireMessage);
  }

  async appendBatch(items: readonly BatchItem[], options: Pick<AppendOptions, "durability"> = {}): Promise<Message[]> {
    if (items.length === 0) return [];
    // The wire item is {data, tags?}: `dataJson` is the text of `data`, so it is sent in its
    // place (once), never beside it.
    const itemsJson = items.map((item) => {
      const data = item.dataJson ?? JSON.stringify(item.data);
      const fields = [
        data === undefined ? "" : `"data":${data}`,
        item.tags === undefined ? "" : `"tags":${JSON.stringify(item.tags)}`,
      ];
      return `{${fields.filter((f) => f.length > 0).join(",")}}`;
    });
    const durability = options.durability === undefined ? "" : `,"durability":${JSON.stringify(options.durability)}`;
    const body = `{"items":[${itemsJson.join(",")}]${durability}}`;
    const reply = await requestJsonText(this.transport, "POST", `${this.path}/append_batch`, body);
    return (reply.messages as WireMessage[]).map(messageFromWire);
  }

  async get(seq: number): Promise<Message> {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new CairnError(ErrorKind.Usage, `invalid seq ${seq}`);
    const reply = await requestJson(this.transport, "GET", `${this.path}/messages/${seq}`);
    return messageFromWire(reply.message as WireMessage);
  }

  read(options: ReadOptions = {}): AsyncIterable<Message> {
    return new RemoteFollower(this.transport, this.path, options, true);
  }

  follow(options: FollowOptions = {}): Follower {
    return new RemoteFollower(this.transport, this.path, options, false);
  }

  async info(): Promise<PoolInfo> {
    return (await requestJson(this.transport, "GET", `${this.path}/info`)).pool as PoolInfo;
  }

  async validate(): Promise<ValidationReport> {
    return (await requestJson(this.transport, "GET", `${this.path}/validate`)).report as ValidationReport;
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

// ---------------------------------------------------------------- backend

export const httpBackend: RemoteBackend = {
  async open(ref: RemoteRef, options: RemoteOptions): Promise<Pool> {
    const transport = transportFor(ref.url, options);
    await requestJson(transport, "POST", "/v0/pools/open", { pool: ref.name });
    return new RemotePool(ref.ref, ref.name, transport);
  },

  async create(ref: RemoteRef, createOptions: CreateOptions, options: RemoteOptions): Promise<Pool> {
    const transport = transportFor(ref.url, options);
    const body: Record<string, unknown> = { pool: ref.name };
    if (createOptions.size !== undefined) body.size_bytes = createOptions.size;
    if (createOptions.indexCapacity !== undefined) body.index_capacity = createOptions.indexCapacity;
    await requestJson(transport, "POST", "/v0/pools", body);
    return new RemotePool(ref.ref, ref.name, transport);
  },

  async delete(ref: RemoteRef, options: RemoteOptions): Promise<void> {
    const transport = transportFor(ref.url, options);
    await requestJson(transport, "DELETE", `/v0/pools/${encodeURIComponent(ref.name)}`);
  },

  async list(base: URL, options: RemoteOptions): Promise<PoolListing[]> {
    const reply = await requestJson(transportFor(base, options), "GET", "/v0/pools");
    return (reply.pools as Array<PoolInfo & { error?: { kind: string; message: string } }>).map((p) =>
      p.error ? { name: p.name, path: p.path, error: p.error } : { name: p.name, path: p.path, info: p },
    );
  },
};

registerRemoteBackend("http", httpBackend);
registerRemoteBackend("https", httpBackend);
