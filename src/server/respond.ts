/**
 * Writing responses: JSON bodies and the `{"error":{…}}` envelope. Every response carries
 * the protocol version header. An error's HTTP status comes from its ErrorKind; the only
 * refinements are 401 (Permission without valid credentials), 405 and 413 (Usage), which
 * a thrown HttpError names explicitly (408 and 431 come from node's parser, answered in
 * server.ts). Stack traces never reach the wire.
 */
import type * as http from "node:http";
import { CairnError, ErrorKind, httpStatusFor, toCairnError } from "../core/errors.js";
import type { ClientPaths } from "./client-paths.js";

export const PROTOCOL_HEADER = "plasmite-version";
export const PROTOCOL_VERSION = "0";

/** A CairnError with an explicit HTTP status (401, 405, 413) and optional extra headers. */
export class HttpError extends CairnError {
  constructor(
    kind: ErrorKind,
    message: string,
    readonly status: number,
    readonly headers: Record<string, string> = {},
    hint?: string,
  ) {
    super(kind, message, hint === undefined ? {} : { hint });
  }
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  sendJsonText(res, status, JSON.stringify(body));
}

/** A body that is JSON text already (messages carry their data's stored text). */
export function sendJsonText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "cache-control": "no-store",
  });
  res.end(text);
}

/** The status an error is answered with. */
export function statusFor(error: CairnError): number {
  return error instanceof HttpError ? error.status : httpStatusFor(error.kind);
}

/** The error envelope, with the server's paths made relative when `paths` is given. */
export function errorBody(err: unknown, paths?: ClientPaths): { error: ReturnType<CairnError["toJSON"]> } {
  const error = toCairnError(err).toJSON();
  return { error: paths ? paths.error(error) : error };
}

/** Answers with the error envelope, or ends the response if headers already went out. */
export function sendError(res: http.ServerResponse, err: unknown, paths?: ClientPaths): void {
  const error = toCairnError(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  sendJson(res, statusFor(error), errorBody(error, paths));
}

export function usage(message: string, hint?: string): CairnError {
  return new CairnError(ErrorKind.Usage, message, hint === undefined ? {} : { hint });
}
