/**
 * The error envelope on the wire: `{"error":{"kind","message","hint"?,"path"?,"seq"?,"offset"?}}`
 * (built by CairnError.toJSON). `errorFromWire` rebuilds a CairnError from a server's
 * reply; anything that is not an envelope becomes Io (5xx) or Internal.
 */
import { CairnError, ErrorKind, isErrorKind } from "../../core/errors.js";

export function errorFromWire(status: number, text: string): CairnError {
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
