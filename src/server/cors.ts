/**
 * CORS for exact origins only: a request whose Origin equals one of the configured
 * origins gets it echoed back; any other origin gets no CORS headers (the browser then
 * blocks the response), and its preflight is refused with 403. No wildcards.
 */
import type * as http from "node:http";
import { ErrorKind } from "../core/errors.js";
import { HttpError } from "./respond.js";

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.origins = new Set(origins);
  }

  get configured(): readonly string[] {
    return [...this.origins];
  }

  /** Sets the CORS headers for an allowed origin; returns whether the origin is allowed. */
  apply(req: http.IncomingMessage, res: http.ServerResponse): boolean {
    res.setHeader("vary", "Origin");
    const origin = req.headers.origin;
    if (origin === undefined || !this.origins.has(origin)) return false;
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-expose-headers", "plasmite-version, cairn-start-seq");
    return true;
  }

  /** Answers an OPTIONS preflight. */
  preflight(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.apply(req, res)) throw new HttpError(ErrorKind.Permission, "origin not allowed", 403);
    res.writeHead(204, {
      "access-control-allow-methods": "GET, POST, DELETE, OPTIONS",
      "access-control-allow-headers": "authorization, content-type, last-event-id",
      "access-control-max-age": "600",
    });
    res.end();
  }
}
