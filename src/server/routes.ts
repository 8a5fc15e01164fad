/**
 * The route table of protocol v0 (plus Cairn's extensions and the UI's endpoints): for each
 * path pattern, its method, the operation the access mode checks, and the handler. A known
 * path with another method is 405; an unknown path is 404.
 */
import type * as http from "node:http";
import { CairnError, ErrorKind } from "../core/errors.js";
import type { Operation } from "./auth.js";
import { handleEvents } from "./handlers/events.js";
import { historyHistogram, historyPage } from "./handlers/history.js";
import { appendBatch, appendMessage, getMessage } from "./handlers/messages.js";
import {
  createPool,
  deletePool,
  listPools,
  openPool,
  poolInfo,
  poolLimits,
  truncatePool,
  validatePool,
} from "./handlers/pools.js";
import { handleTail } from "./handlers/tail.js";
import { uiCatalog, uiSession } from "./handlers/ui-api.js";
import { HttpError, usage } from "./respond.js";
import type { ServerContext } from "./server-context.js";

export interface RouteCall {
  ctx: ServerContext;
  req: http.IncomingMessage;
  res: http.ServerResponse;
  /** Decoded path parameters (pool name, seq). */
  params: string[];
  query: URLSearchParams;
}

interface Route {
  method: string;
  pattern: RegExp;
  operation: Operation | "session";
  handle(call: RouteCall): Promise<void>;
}

const POOL = "([^/]+)";

const routes: Route[] = [
  { method: "GET", pattern: /^\/v0\/pools$/, operation: "read", handle: (c) => listPools(c.ctx, c.res) },
  { method: "POST", pattern: /^\/v0\/pools$/, operation: "write", handle: (c) => createPool(c.ctx, c.req, c.res) },
  { method: "POST", pattern: /^\/v0\/pools\/open$/, operation: "open", handle: (c) => openPool(c.ctx, c.req, c.res) },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/info$`),
    operation: "read",
    handle: (c) => poolInfo(c.ctx, c.res, c.params[0] as string),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/limits$`),
    operation: "open",
    handle: (c) => poolLimits(c.ctx, c.res, c.params[0] as string),
  },
  {
    method: "DELETE",
    pattern: new RegExp(`^/v0/pools/${POOL}$`),
    operation: "write",
    handle: (c) => deletePool(c.ctx, c.res, c.params[0] as string),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v0/pools/${POOL}/append$`),
    operation: "write",
    handle: (c) => appendMessage(c.ctx, c.req, c.res, c.params[0] as string),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v0/pools/${POOL}/append_batch$`),
    operation: "write",
    handle: (c) => appendBatch(c.ctx, c.req, c.res, c.params[0] as string),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/messages/([^/]+)$`),
    operation: "read",
    handle: (c) => getMessage(c.ctx, c.res, c.params[0] as string, c.params[1] as string),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/tail$`),
    operation: "read",
    handle: (c) => handleTail(c.ctx, c.req, c.res, c.params[0] as string, c.query),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/validate$`),
    operation: "read",
    handle: (c) => validatePool(c.ctx, c.res, c.params[0] as string),
  },
  {
    method: "POST",
    pattern: new RegExp(`^/v0/pools/${POOL}/truncate$`),
    operation: "write",
    handle: (c) => truncatePool(c.ctx, c.req, c.res, c.params[0] as string),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/history$`),
    operation: "read",
    handle: (c) => historyPage(c.ctx, c.res, c.params[0] as string, c.query),
  },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/pools/${POOL}/histogram$`),
    operation: "read",
    handle: (c) => historyHistogram(c.ctx, c.res, c.params[0] as string, c.query),
  },
  { method: "GET", pattern: /^\/v0\/ui\/session$/, operation: "session", handle: (c) => uiSession(c.ctx, c.res) },
  { method: "GET", pattern: /^\/v0\/ui\/pools$/, operation: "read", handle: (c) => uiCatalog(c.ctx, c.res) },
  {
    method: "GET",
    pattern: new RegExp(`^/v0/ui/pools/${POOL}/events$`),
    operation: "read",
    handle: (c) => handleEvents(c.ctx, c.req, c.res, c.params[0] as string, c.query),
  },
];

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw usage(`invalid percent-encoding in "${segment}"`);
  }
}

/** Finds the route for an authenticated /v0 request and runs it. */
export async function dispatchV0(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  url: URL,
): Promise<void> {
  const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
  const allowed: string[] = [];
  for (const route of routes) {
    const match = route.pattern.exec(url.pathname);
    if (!match) continue;
    if (route.method !== method) {
      allowed.push(route.method);
      continue;
    }
    ctx.auth.authenticate(req);
    if (route.operation !== "session") ctx.auth.authorize(route.operation);
    const params = match.slice(1).map(decodeSegment);
    await route.handle({ ctx, req, res, params, query: url.searchParams });
    return;
  }
  ctx.auth.authenticate(req);
  if (allowed.length > 0) {
    throw new HttpError(ErrorKind.Usage, `method ${req.method} is not allowed here`, 405, {
      allow: allowed.join(", "),
    });
  }
  throw new CairnError(ErrorKind.NotFound, `no endpoint ${url.pathname}`);
}
