/**
 * The Host check against DNS rebinding: a page on any site can rebind its own name to
 * 127.0.0.1 and then talk to a loopback server as same-origin, so CORS never applies. Its
 * requests still carry the attacker's name in Host, so the server answers only the names
 * it is known by: loopback names (127.0.0.0/8, `localhost`, `[::1]`) with the server's
 * port or none, the address it is bound to when that is a specific one, and the names the
 * operator allows (`--allowed-host`, any port). Anything else, and a request with no Host
 * at all, is 421 Misdirected Request before any route runs.
 */
import type * as http from "node:http";
import * as net from "node:net";
import { ErrorKind } from "../core/errors.js";
import { isLoopback } from "./config.js";
import { HttpError } from "./respond.js";

export const MISDIRECTED_STATUS = 421;

/** A Host header split into its lower-case name (IPv6 without brackets) and port. */
export function parseHostHeader(value: string): { name: string; port: number | null } | null {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9._-]+))(?::(\d{1,5}))?$/.exec(value);
  if (!match) return null;
  const name = (match[1] ?? match[2] ?? "").toLowerCase();
  if (match[1] !== undefined && !net.isIPv6(name)) return null;
  return { name, port: match[3] === undefined ? null : Number(match[3]) };
}

/** The form `--allowed-host` takes: a host name or an IP address, no scheme, port or path. */
export function normalizeAllowedHost(text: string): string | null {
  const parsed = parseHostHeader(text.trim());
  if (parsed === null || parsed.port !== null) return null;
  if (
    !net.isIP(parsed.name) &&
    !/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\.?$/.test(parsed.name)
  )
    return null;
  return parsed.name;
}

const WILDCARD_BINDS = new Set(["0.0.0.0", "::", ""]);

export class HostCheck {
  private readonly anyPort: ReadonlySet<string>;
  private readonly bindName: string | null;

  constructor(allowedHosts: readonly string[], bind: string) {
    this.anyPort = new Set(allowedHosts.map((h) => h.toLowerCase()));
    this.bindName = WILDCARD_BINDS.has(bind) ? null : bind.toLowerCase();
  }

  /** Whether a request that arrived on `serverPort` with this Host header is for this server. */
  allows(hostHeader: string | undefined, serverPort: number | undefined): boolean {
    if (hostHeader === undefined) return false;
    const host = parseHostHeader(hostHeader);
    if (host === null) return false;
    if (this.anyPort.has(host.name)) return true;
    const ownPort = host.port === null || host.port === serverPort;
    return ownPort && (isLoopback(host.name) || host.name === this.bindName);
  }

  /** Throws the 421 answer for a request that names another host (or none). */
  check(req: http.IncomingMessage): void {
    const header = req.headers.host;
    if (this.allows(header, req.socket.localPort)) return;
    const what = header === undefined ? "a request without a Host header" : `Host ${JSON.stringify(header)}`;
    throw new HttpError(
      ErrorKind.Permission,
      `this server does not answer ${what}`,
      MISDIRECTED_STATUS,
      {},
      "use 127.0.0.1 or localhost, or start the server with --allowed-host NAME for each name clients use (this check stops DNS rebinding)",
    );
  }
}
