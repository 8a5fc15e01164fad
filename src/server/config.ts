/**
 * The server's configuration and the rules it must satisfy before a socket opens:
 * loopback by default; a non-loopback bind needs `allowNonLoopback`, and then writes need
 * a token and TLS unless `insecureNoTls` waives TLS explicitly. `checkServeConfig` lists
 * problems (errors refuse to start) and warnings for `cairn serve check`.
 */
import * as net from "node:net";
import type { AccessMode } from "./auth.js";
import type { TlsMaterial } from "./tls.js";

export const DEFAULT_BIND = "127.0.0.1";
export const DEFAULT_PORT = 9700;
/**
 * The largest pool a client may create over HTTP unless the operator sets another
 * (`--pool-size-max`): pool files are sparse, so without it one request could claim
 * terabytes of the server's disk.
 */
export const POOL_SIZE_MAX_DEFAULT = 1024 ** 3;

export interface ServeConfig {
  dir: string;
  bind: string;
  port: number;
  token: string | null;
  access: AccessMode;
  tls: TlsMaterial | null;
  corsOrigins: string[];
  bodyBytesMax: number;
  streamSlotsMax: number;
  allowNonLoopback: boolean;
  insecureNoTls: boolean;
  uiDir?: string;
  sseHeartbeatMs: number;
  /** How long a request may take to arrive in full before it is answered 408 (default 30 s). */
  requestTimeoutMs?: number;
  /** Open connections at most (default 1024); the oldest idle one is closed to make room, or a new one when all are busy. */
  connectionsMax?: number;
  /** Bytes all request bodies in flight may hold together; more is Busy (default 64 MiB). */
  bodyBytesInFlightMax?: number;
  /** Largest pool a create over HTTP may ask for, in bytes (default POOL_SIZE_MAX_DEFAULT). */
  poolBytesMax?: number;
  /** Concurrent validations at most; one more is Busy (default 2). */
  validationsMax?: number;
  /** Host names answered besides loopback names and the bind address (see host-check.ts). */
  allowedHosts?: string[];
}

export function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  if (net.isIPv6(host)) return host === "::1";
  return false;
}

export interface ConfigProblems {
  errors: string[];
  warnings: string[];
}

export function checkServeConfig(config: ServeConfig): ConfigProblems {
  const errors: string[] = [];
  const warnings: string[] = [];
  const loopback = isLoopback(config.bind);
  const writes = config.access !== "read-only";
  if (!loopback && !config.allowNonLoopback) {
    errors.push(
      `--bind ${config.bind} is not a loopback address: pass --allow-non-loopback to expose pools on the network`,
    );
  }
  if (!loopback && config.allowNonLoopback && writes) {
    if (config.token === null)
      errors.push("writes on a non-loopback bind need a token (--token-file), or use --access read-only");
    if (config.tls === null && !config.insecureNoTls) {
      errors.push(
        "writes on a non-loopback bind need TLS (--tls-cert/--tls-key or --tls-self-signed), or --insecure-no-tls",
      );
    }
  }
  if (!loopback && config.tls === null && config.insecureNoTls)
    warnings.push("TLS is off on a non-loopback bind (--insecure-no-tls)");
  if (!loopback && config.token === null && !writes)
    warnings.push("anyone on the network can read these pools (no token)");
  if (!loopback && (config.bind === "0.0.0.0" || config.bind === "::") && (config.allowedHosts ?? []).length === 0)
    warnings.push(
      `requests are answered only for loopback names: pass --allowed-host NAME for each name or address clients use to reach ${config.bind}`,
    );
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
    errors.push(`invalid port ${config.port}`);
  for (const origin of config.corsOrigins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {}
    if (!parsed || parsed.origin !== origin)
      errors.push(`--cors-origin must be an exact origin like https://example.com, got "${origin}"`);
  }
  return { errors, warnings };
}
