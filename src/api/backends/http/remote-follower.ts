/**
 * Reading and following a remote pool: a stream of the server's JSON Lines tail endpoint.
 * When a connection breaks, the follower reconnects with backoff (50 ms doubling to 2 s)
 * from the seq after the last one it received (or from `cairn-start-seq` if none arrived
 * yet) and drops any seq it already delivered: no loss, no repeats. Errors the server
 * reports are final; a first connection that fails is final too.
 */
import type * as http from "node:http";
import { CairnError, ErrorKind } from "../../../core/errors.js";
import type { Message } from "../../../core/message.js";
import type { FollowOptions, Follower } from "../../types.js";
import { errorFromWire } from "../../wire/error-envelope.js";
import { messageFromWire } from "../../wire/message.js";
import { type TailQuery, tailQueryToSearch } from "../../wire/tail-query.js";
import { StaleSocketError, type Transport, headersFor, isNetwork, networkError, requestError } from "./transport.js";

const RECONNECT_DELAY_MS_MIN = 50;
const RECONNECT_DELAY_MS_MAX = 2_000;

export class RemoteFollower implements Follower {
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

  /** The tail query of the next connection: it resumes after the last seq received. */
  private query(delivered: number, idleLeftMs: number | undefined): TailQuery {
    const { limit } = this.options;
    return {
      from:
        this.nextSeq > 0 ? { seq: this.nextSeq } : (this.options.from ?? (this.endAtCurrentEnd ? "oldest" : "live")),
      tags: [...(this.options.tags ?? [])],
      gap: this.options.gap ?? "continue",
      max: limit === undefined ? undefined : limit - delivered,
      // The server caps timeout_ms (wire/limits.ts); a longer idle time spans several requests.
      timeoutMs: this.endAtCurrentEnd ? 0 : idleLeftMs,
      notices: true,
    };
  }

  private open(query: TailQuery): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.transport.module.get(
        `${this.transport.origin}${this.poolPath}/tail?${tailQueryToSearch(query)}`,
        { agent: this.transport.agent, headers: headersFor(this.transport, { accept: "application/jsonl" }) },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(res);
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(errorFromWire(status, Buffer.concat(chunks).toString("utf8"))));
          res.on("error", (err) => reject(networkError(this.transport, err)));
        },
      );
      req.on("error", (err: NodeJS.ErrnoException) => reject(requestError(this.transport, req, err)));
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
            if ("error" in item) throw errorFromWire(200, line);
            if ("notice" in item) {
              const n = item.notice as { kind?: string; from_seq: number; to_seq: number; count: number };
              if (n.kind === "drop") {
                if (n.to_seq + 1 > this.nextSeq) this.nextSeq = n.to_seq + 1;
                onGap?.({ fromSeq: n.from_seq, toSeq: n.to_seq, count: n.count });
              }
              continue;
            }
            const message = messageFromWire(item, line);
            if (message.seq < this.nextSeq) continue; // already delivered before a reconnect
            this.nextSeq = message.seq + 1;
            lastActivity = Date.now();
            delayMs = RECONNECT_DELAY_MS_MIN;
            yield message;
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
