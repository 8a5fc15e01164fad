/**
 * One JSON request/response round trip with a server. A request that failed on a stale
 * kept-alive socket is sent once more on a fresh one (the server never saw it, so even an
 * append is not repeated). A reply outside 2xx becomes the server's error (wire/error-envelope.ts).
 */
import { CairnError, ErrorKind } from "../../../core/errors.js";
import { errorFromWire } from "../../wire/error-envelope.js";
import { StaleSocketError, type Transport, headersFor, networkError, requestError } from "./transport.js";

export async function requestJson(
  transport: Transport,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  return (await requestJsonReply(transport, method, path, body === undefined ? undefined : JSON.stringify(body))).value;
}

/** A request whose body is JSON text already; the reply parsed and as text (for members kept exactly as the server sent them). */
export async function requestJsonReply(
  transport: Transport,
  method: string,
  path: string,
  bodyJson?: string,
): Promise<{ value: Record<string, unknown>; text: string }> {
  const payload = bodyJson === undefined ? undefined : Buffer.from(bodyJson, "utf8");
  try {
    return await requestJsonOnce(transport, method, path, payload);
  } catch (err) {
    if (!(err instanceof StaleSocketError)) throw err;
    return requestJsonOnce(transport, method, path, payload);
  }
}

function requestJsonOnce(
  transport: Transport,
  method: string,
  path: string,
  payload: Buffer | undefined,
): Promise<{ value: Record<string, unknown>; text: string }> {
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
          if (status < 200 || status >= 300) return reject(errorFromWire(status, text));
          try {
            resolve({ value: JSON.parse(text) as Record<string, unknown>, text });
          } catch {
            reject(new CairnError(ErrorKind.Io, `server sent a body that is not JSON (HTTP ${status})`));
          }
        });
      },
    );
    req.on("error", (err: NodeJS.ErrnoException) => reject(requestError(transport, req, err)));
    req.end(payload);
  });
}
