/**
 * `startServer(config)`: the Cairn HTTP(S) server. Each request gets the protocol version
 * header and CORS treatment, then goes to /healthz, the UI's static files, or the /v0 API
 * (authenticated first). Whatever a handler throws is answered as the JSON error envelope
 * with its kind's status; nothing else reaches the client.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import { Client } from "../api/client.js";
import { CairnError, ErrorKind, toCairnError } from "../core/errors.js";
import { AppendCoalescer } from "./append-coalescer.js";
import { BODY_BYTES_IN_FLIGHT_MAX_DEFAULT, BodyBudget } from "./body-budget.js";
import { ClientPaths } from "./client-paths.js";
import { boundConnections } from "./connection-shedding.js";
import { Auth } from "./auth.js";
import { POOL_SIZE_MAX_DEFAULT, type ServeConfig } from "./config.js";
import { CorsPolicy } from "./cors.js";
import { HostCheck } from "./host-check.js";
import { PoolHandles } from "./pool-handles.js";
import { HttpError, PROTOCOL_HEADER, PROTOCOL_VERSION, sendError, sendJson } from "./respond.js";
import { dispatchV0 } from "./routes.js";
import type { ServerContext } from "./server-context.js";
import { StreamSlots } from "./stream-slots.js";
import { UiAssets, defaultUiDir } from "./ui-assets.js";
import { VALIDATIONS_MAX_DEFAULT, WorkSlots } from "./work-slots.js";

const REQUEST_TIMEOUT_MS_DEFAULT = 30_000;
const CONNECTIONS_MAX_DEFAULT = 1024;

export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:9700`. */
  url: string;
  port: number;
  context: ServerContext;
  /** The underlying node server (tests watch its sockets). */
  httpServer: http.Server;
  close(): Promise<void>;
}

export function createContext(config: ServeConfig): ServerContext {
  return {
    pools: new PoolHandles(new Client({ dir: config.dir })),
    paths: new ClientPaths(config.dir),
    appends: new AppendCoalescer(),
    auth: new Auth(config.token, config.access),
    cors: new CorsPolicy(config.corsOrigins),
    hosts: new HostCheck(config.allowedHosts ?? [], config.bind),
    streams: new StreamSlots(config.streamSlotsMax),
    validations: new WorkSlots(config.validationsMax ?? VALIDATIONS_MAX_DEFAULT, "validations"),
    ui: new UiAssets(config.uiDir ?? defaultUiDir()),
    bodyBytesMax: config.bodyBytesMax,
    bodies: new BodyBudget(config.bodyBytesInFlightMax ?? BODY_BYTES_IN_FLIGHT_MAX_DEFAULT),
    poolBytesMax: config.poolBytesMax ?? POOL_SIZE_MAX_DEFAULT,
    sseHeartbeatMs: config.sseHeartbeatMs,
  };
}

async function handleRequest(ctx: ServerContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  res.setHeader(PROTOCOL_HEADER, PROTOCOL_VERSION);
  try {
    ctx.hosts.check(req);
    const target = req.url ?? "/";
    if (!target.startsWith("/")) throw new CairnError(ErrorKind.Usage, "request target must be a path");
    const url = new URL(`http://localhost${target}`);
    ctx.cors.apply(req, res);
    if (req.method === "OPTIONS") return ctx.cors.preflight(req, res);
    const path = url.pathname;
    if (path === "/healthz") {
      requireGet(req);
      return sendJson(res, 200, { ok: true });
    }
    if (path === "/" || path === "/index.html") {
      requireGet(req);
      res.writeHead(302, { location: "/ui/" });
      res.end();
      return;
    }
    if (path === "/ui" || path.startsWith("/ui/")) {
      requireGet(req);
      if (ctx.ui.serve(req, res, path)) return;
      throw new CairnError(ErrorKind.NotFound, `no UI file ${path}`);
    }
    if (path.startsWith("/v0/")) return await dispatchV0(ctx, req, res, url);
    throw new CairnError(ErrorKind.NotFound, `no endpoint ${path}`);
  } catch (err) {
    if (!req.complete && !res.headersSent) {
      // Busy means the server is short of room: answer now and close rather than read on.
      if (toCairnError(err).kind === ErrorKind.Busy) res.setHeader("connection", "close");
      else await discardBody(req);
    }
    sendError(res, err, ctx.paths);
  }
}

/** /healthz, the redirect and the UI's files are read-only: another method is 405. */
function requireGet(req: http.IncomingMessage): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  throw new HttpError(ErrorKind.Usage, `method ${req.method} is not allowed here`, 405, { allow: "GET, HEAD" });
}

/**
 * Reads and drops what is left of a refused request's body (bounded), so the client reads
 * our error instead of a connection reset from unread bytes.
 */
function discardBody(req: http.IncomingMessage, bytesMax = 64 * 1024 * 1024, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    let seen = 0;
    const done = () => {
      clearTimeout(timer);
      req.off("data", onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > bytesMax) {
        req.socket.destroy();
        done();
      }
    };
    const timer = setTimeout(done, timeoutMs);
    req.on("data", onData);
    req.once("end", done);
    req.once("error", done);
    req.once("close", done);
    req.resume();
  });
}

/** Status and message for a request node's parser refused before any handler saw it. */
function clientErrorAnswer(code: string | undefined): [number, string] {
  if (code === "HPE_HEADER_OVERFLOW") return [431, "request headers are too large (at most 16 KiB)"];
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return [408, "the request did not arrive in time"];
  return [400, "malformed HTTP request"];
}

export async function startServer(config: ServeConfig): Promise<RunningServer> {
  const context = createContext(config);
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => void handleRequest(context, req, res);
  // TCP keep-alive probes find tail clients that vanished without a FIN, so their slots free up.
  // Node checks request deadlines every connectionsCheckingInterval (30 s by default), so a
  // stalled upload would live up to twice requestTimeout; check often enough to keep it close.
  const requestTimeoutMs = config.requestTimeoutMs ?? REQUEST_TIMEOUT_MS_DEFAULT;
  const socketOptions = {
    keepAlive: true,
    keepAliveInitialDelay: 30_000,
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(requestTimeoutMs / 4))),
    // A request without Host gets the host check's JSON answer, not node's bare 400.
    requireHostHeader: false,
  };
  const server = config.tls
    ? https.createServer({ ...socketOptions, cert: config.tls.cert, key: config.tls.key }, listener)
    : http.createServer(socketOptions, listener);
  // A request has 30 s to arrive in full (408 after that); responses (tails) may stream for longer.
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(20_000, requestTimeoutMs);
  server.keepAliveTimeout = 5_000;
  // Sockets are cheap but not free: bound them so a flood cannot exhaust fds, and make room
  // by closing idle ones first, so idle sockets cannot lock real clients out.
  boundConnections(server, {
    connectionsMax: config.connectionsMax ?? CONNECTIONS_MAX_DEFAULT,
    rawSocketsCarryRequests: !config.tls,
  });
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === "ECONNRESET") return socket.destroy();
    const [status, message] = clientErrorAnswer(err.code);
    const body = JSON.stringify({ error: { kind: ErrorKind.Usage, message } });
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${PROTOCOL_HEADER}: ${PROTOCOL_VERSION}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const message = err.code === "EADDRINUSE" ? `${config.bind}:${config.port} is already in use` : err.message;
      reject(new CairnError(err.code === "EADDRINUSE" ? ErrorKind.Busy : ErrorKind.Io, message, { cause: err }));
    });
    server.listen(config.port, config.bind, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.bind.includes(":") ? `[${config.bind}]` : config.bind;
  return {
    url: `${config.tls ? "https" : "http"}://${host}:${port}`,
    port,
    context,
    httpServer: server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        context.pools.closeAll();
      }),
  };
}
