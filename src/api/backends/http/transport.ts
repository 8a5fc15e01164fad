/**
 * How the HTTP backend reaches a server: one keep-alive agent per origin and TLS setting,
 * the bearer token on every request, and network failures turned into Io errors (with a
 * hint for TLS ones). A kept-alive socket the server closed while idle fails before the
 * request was read; that is a StaleSocketError, which callers retry once on a new socket.
 */
import * as http from "node:http";
import * as https from "node:https";
import { CairnError, ErrorKind } from "../../../core/errors.js";
import { checkCaCertificates } from "../../tls-ca.js";
import type { RemoteOptions } from "../../types.js";

export interface Transport {
  origin: string;
  agent: http.Agent;
  module: typeof http | typeof https;
  token: string | undefined;
}

const agents = new Map<string, http.Agent>();

export function transportFor(url: URL, options: RemoteOptions): Transport {
  const secure = url.protocol === "https:";
  const key = `${url.origin}|${options.tlsCa ?? ""}|${options.tlsSkipVerify === true}`;
  let agent = agents.get(key);
  if (!agent) {
    if (options.tlsCa !== undefined) checkCaCertificates(options.tlsCa);
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

export function networkError(transport: Transport, err: NodeJS.ErrnoException): CairnError {
  const code = err.code ?? "";
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|TLS/i.test(code)) {
    return new CairnError(ErrorKind.Io, `TLS failure talking to ${transport.origin}: ${err.message}`, {
      cause: err,
      hint: "pass --tls-ca with the server's certificate (or --tls-skip-verify for testing)",
    });
  }
  return new CairnError(ErrorKind.Io, `cannot reach ${transport.origin}: ${code || err.message}`, { cause: err });
}

/** True for an Io error that came from the network (it has a cause), not from the server. */
export function isNetwork(err: CairnError): boolean {
  return err.kind === ErrorKind.Io && err.cause !== undefined;
}

export function headersFor(
  transport: Transport,
  extra: Record<string, string | number> = {},
): http.OutgoingHttpHeaders {
  return { ...(transport.token ? { authorization: `Bearer ${transport.token}` } : {}), ...extra };
}

export class StaleSocketError extends Error {}

/** The error a request failed with: stale (retry once) or a network failure. */
export function requestError(transport: Transport, req: http.ClientRequest, err: NodeJS.ErrnoException): Error {
  const stale = req.reusedSocket && (err.code === "ECONNRESET" || err.code === "EPIPE");
  return stale ? new StaleSocketError(err.message) : networkError(transport, err);
}
