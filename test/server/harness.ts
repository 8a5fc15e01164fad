/**
 * Test harness for the HTTP server: real servers on 127.0.0.1 port 0 in this process, a
 * raw request helper over node:http(s) (so tests see exact statuses and headers), and
 * TLS certificates made by the openssl command.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as https from "node:https";
import * as path from "node:path";
import type { ServeConfig } from "../../src/server/config.js";
import { BODY_BYTES_MAX_DEFAULT } from "../../src/server/json-body.js";
import { type RunningServer, startServer } from "../../src/server/server.js";
import { STREAM_SLOTS_MAX_DEFAULT } from "../../src/server/stream-slots.js";
import { repoRoot, tempDir } from "../helpers/tmp.js";

export interface TestServer extends RunningServer {
  dir: string;
}

export async function startTestServer(overrides: Partial<ServeConfig> = {}): Promise<TestServer> {
  const dir = overrides.dir ?? path.join(tempDir("cairn-server-"), "pools");
  const config: ServeConfig = {
    dir,
    bind: "127.0.0.1",
    port: 0,
    token: null,
    access: "read-write",
    tls: null,
    corsOrigins: [],
    bodyBytesMax: BODY_BYTES_MAX_DEFAULT,
    streamSlotsMax: STREAM_SLOTS_MAX_DEFAULT,
    allowNonLoopback: false,
    insecureNoTls: false,
    uiDir: path.join(repoRoot, "ui"),
    sseHeartbeatMs: 500,
    ...overrides,
  };
  const server = await startServer(config);
  return { ...server, dir };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests check reply bodies field by field
  json: () => any;
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Raw body bytes/text sent as is (with `contentType`). */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
  token?: string;
  ca?: string;
}

/** One request; never throws for an HTTP status. */
export function request(base: string, pathAndQuery: string, options: RequestOptions = {}): Promise<Reply> {
  const url = new URL(pathAndQuery, base);
  const body =
    options.raw !== undefined
      ? Buffer.from(options.raw)
      : options.body === undefined
        ? undefined
        : Buffer.from(JSON.stringify(options.body));
  const headers: Record<string, string | number> = { ...(options.headers ?? {}) };
  if (body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
    headers["content-length"] = body.length;
  }
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      url,
      {
        method: options.method ?? (body ? "POST" : "GET"),
        headers,
        agent: false,
        ...(options.ca ? { ca: options.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

export function post(base: string, p: string, body: unknown, options: RequestOptions = {}): Promise<Reply> {
  return request(base, p, { ...options, method: "POST", body });
}

/** Creates a pool and appends messages with the given tags through HTTP. */
export async function seedPool(
  base: string,
  pool: string,
  items: Array<{ data: unknown; tags?: string[] }>,
  options: RequestOptions = {},
): Promise<void> {
  const created = await post(base, "/v0/pools", { pool, size_bytes: "1M" }, options);
  if (created.status !== 200 && created.status !== 409) throw new Error(`create failed: ${created.text}`);
  for (const item of items) {
    const r = await post(base, `/v0/pools/${pool}/append`, item, options);
    if (r.status !== 200) throw new Error(`append failed: ${r.text}`);
  }
}

/** Parses a JSON Lines body. */
// biome-ignore lint/suspicious/noExplicitAny: tests check lines field by field
export function jsonLines(text: string): any[] {
  return text
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l));
}

/** A self-signed certificate for 127.0.0.1/localhost, made by openssl in a temp dir. */
export function makeCertificate(): { cert: string; key: string; certPath: string; keyPath: string } {
  const dir = tempDir("cairn-cert-");
  const certPath = path.join(dir, "cert.pem");
  const keyPath = path.join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "2",
      "-subj",
      "/CN=cairn-test",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { stdio: "ignore" },
  );
  return { cert: fs.readFileSync(certPath, "utf8"), key: fs.readFileSync(keyPath, "utf8"), certPath, keyPath };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns true (or throws after `timeoutMs`; a safety net, not a speed assertion). */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(20);
  }
  throw new Error(`timed out waiting for ${what}`);
}
