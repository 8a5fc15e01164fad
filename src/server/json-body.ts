/**
 * Reading request bodies: JSON only (`content-type: application/json`), at most
 * `bodyBytesMax` (1 MiB by default). An oversize body is refused with 413 from its
 * Content-Length before a byte is read, or as soon as the stream passes the limit.
 */
import type * as http from "node:http";
import { checkJsonNumbers } from "../api/wire/json-numbers.js";
import { ErrorKind } from "../core/errors.js";
import type { BodyBudget } from "./body-budget.js";
import { HttpError, usage } from "./respond.js";

export { BODY_BYTES_MAX_DEFAULT } from "../api/wire/limits.js";

function tooLarge(limit: number): HttpError {
  return new HttpError(ErrorKind.Usage, `request body exceeds ${limit} bytes`, 413);
}

/** Parses the body as a JSON object; Usage (400) for bad JSON or a wrong content type. */
export async function readJsonObject(
  req: http.IncomingMessage,
  bodyBytesMax: number,
  budget?: BodyBudget,
): Promise<Record<string, unknown>> {
  return (await readJsonBody(req, bodyBytesMax, budget)).value;
}

/** readJsonObject, also handing back the body's text (so members can be stored as sent). */
export async function readJsonBody(
  req: http.IncomingMessage,
  bodyBytesMax: number,
  budget?: BodyBudget,
): Promise<{ value: Record<string, unknown>; text: string }> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const declared = Number(req.headers["content-length"] ?? Number.NaN);
  if (Number.isFinite(declared) && declared > bodyBytesMax) throw tooLarge(bodyBytesMax);
  if (type !== "application/json") {
    throw new HttpError(ErrorKind.Usage, `expected content-type application/json, got ${type || "none"}`, 400);
  }
  const reservation = new Reservation(budget, Number.isFinite(declared) ? declared : 0);
  let body: Buffer;
  try {
    const { chunks, received } = await collect(req, bodyBytesMax, reservation);
    body = Buffer.concat(chunks, received);
  } finally {
    reservation.end();
  }
  const text = decodeUtf8(body);
  if (text.trim().length === 0) throw usage("request body is empty; expected a JSON object");
  // The number rule: a number that would not read back the same is refused, not stored changed.
  checkJsonNumbers(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw usage(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw usage("request body must be a JSON object");
  return { value: value as Record<string, unknown>, text };
}

/** The body as text; bytes that are not UTF-8 are Usage (400), never silently replaced. */
function decodeUtf8(body: Buffer): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw usage("request body is not valid UTF-8");
  }
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** The bytes one body holds in the server-wide budget: its declared length, or what arrived. */
class Reservation {
  private reserved = 0;

  constructor(
    private readonly budget: BodyBudget | undefined,
    declaredBytes: number,
  ) {
    this.grow(declaredBytes);
  }

  /** Makes sure at least `bytes` are reserved (Busy when the budget is spent). */
  grow(bytes: number): void {
    if (!this.budget || bytes <= this.reserved) return;
    this.budget.reserve(bytes - this.reserved);
    this.reserved = bytes;
  }

  end(): void {
    this.budget?.release(this.reserved);
    this.reserved = 0;
  }
}

/** Collects the body without destroying the request on overflow (the caller answers 413). */
function collect(
  req: http.IncomingMessage,
  bodyBytesMax: number,
  reservation: Reservation,
): Promise<{ chunks: Buffer[]; received: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > bodyBytesMax) {
        cleanup();
        req.pause();
        reject(tooLarge(bodyBytesMax));
        return;
      }
      try {
        reservation.grow(received);
      } catch (err) {
        cleanup();
        req.pause();
        reject(err);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, received });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    req.on("data", onData);
    req.once("end", onEnd);
    req.once("error", onError);
  });
}
