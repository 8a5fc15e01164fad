/**
 * Turns `cairn serve` / `serve check` flags into a ServeConfig: reads the token file,
 * loads or generates TLS material, resolves the pool directory.
 */
import * as fs from "node:fs";
import { defaultPoolDir } from "../../api/pool-ref.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { parseSize } from "../../core/size.js";
import { ACCESS_MODES, type AccessMode } from "../../server/auth.js";
import { DEFAULT_BIND, DEFAULT_PORT, POOL_SIZE_MAX_DEFAULT, type ServeConfig } from "../../server/config.js";
import { BODY_BYTES_MAX_DEFAULT } from "../../server/json-body.js";
import { STREAM_SLOTS_MAX_DEFAULT } from "../../server/stream-slots.js";
import { normalizeAllowedHost } from "../../server/host-check.js";
import { type TlsMaterial, loadTls, selfSignedTls } from "../../server/tls.js";
import * as nodePath from "node:path";

export interface ServeFlags {
  dir?: string;
  bind?: string;
  port?: string;
  tokenFile?: string;
  /** The global `--token` (for remote pools); serve refuses it rather than run without one. */
  token?: string;
  access?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsSelfSigned?: boolean;
  corsOrigin?: string[];
  allowedHost?: string[];
  allowNonLoopback?: boolean;
  insecureNoTls?: boolean;
  bodyLimit?: string;
  maxTails?: string;
  poolSizeMax?: string;
}

export function readTokenFile(path: string): string {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot read the token file" });
  }
  const token = text.trim();
  if (token.length === 0) throw new CairnError(ErrorKind.Usage, "the token file is empty", { path });
  return token;
}

function integerFlag(text: string, name: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new CairnError(ErrorKind.Usage, `${name} must be an integer in [${min}, ${max}], got "${text}"`);
  }
  return value;
}

/** Bodies are held in memory while parsed, so the limit itself is bounded. */
const BODY_LIMIT_MAX = 256 * 1024 * 1024;

function bodyLimitFrom(text: string | undefined): number {
  if (text === undefined) return BODY_BYTES_MAX_DEFAULT;
  const bytes = parseSize(text);
  if (bytes < 1024 || bytes > BODY_LIMIT_MAX) {
    throw new CairnError(ErrorKind.Usage, `--body-limit must be between 1K and 256M, got "${text}"`);
  }
  return bytes;
}

function tlsFrom(flags: ServeFlags, bind: string): TlsMaterial | null {
  if (flags.tlsSelfSigned && (flags.tlsCert || flags.tlsKey)) {
    throw new CairnError(ErrorKind.Usage, "use either --tls-self-signed or --tls-cert/--tls-key, not both");
  }
  if (flags.tlsSelfSigned) return selfSignedTls([bind]);
  if (flags.tlsCert || flags.tlsKey) {
    if (!flags.tlsCert || !flags.tlsKey) throw new CairnError(ErrorKind.Usage, "--tls-cert and --tls-key go together");
    return loadTls(flags.tlsCert, flags.tlsKey);
  }
  return null;
}

function allowedHostsFrom(names: readonly string[]): string[] {
  return names.map((name) => {
    const host = normalizeAllowedHost(name);
    if (host === null) {
      throw new CairnError(ErrorKind.Usage, `--allowed-host takes a host name or IP address, got "${name}"`, {
        hint: "give the name alone, without scheme, port or path: --allowed-host pools.example.com",
      });
    }
    return host;
  });
}

export function serveConfigFrom(flags: ServeFlags): ServeConfig {
  if (flags.token !== undefined) {
    // Silently ignoring it would start a server without a token the user believes it has.
    throw new CairnError(ErrorKind.Usage, "cairn serve takes its token from --token-file, not --token", {
      hint: "write the token to a file (cairn serve init does) and pass --token-file; a token on the command line is visible to other users",
    });
  }
  const access = (flags.access ?? "read-write") as AccessMode;
  if (!ACCESS_MODES.includes(access)) {
    throw new CairnError(ErrorKind.Usage, `--access must be one of ${ACCESS_MODES.join(", ")}, got "${flags.access}"`);
  }
  const bind = flags.bind ?? DEFAULT_BIND;
  return {
    dir: flags.dir ? nodePath.resolve(flags.dir) : defaultPoolDir(),
    bind,
    port: flags.port === undefined ? DEFAULT_PORT : integerFlag(flags.port, "--port", 0, 65535),
    token: flags.tokenFile ? readTokenFile(flags.tokenFile) : null,
    access,
    tls: tlsFrom(flags, bind),
    corsOrigins: flags.corsOrigin ?? [],
    allowedHosts: allowedHostsFrom(flags.allowedHost ?? []),
    bodyBytesMax: bodyLimitFrom(flags.bodyLimit),
    streamSlotsMax:
      flags.maxTails === undefined ? STREAM_SLOTS_MAX_DEFAULT : integerFlag(flags.maxTails, "--max-tails", 1, 4096),
    poolBytesMax: flags.poolSizeMax === undefined ? POOL_SIZE_MAX_DEFAULT : parseSize(flags.poolSizeMax),
    allowNonLoopback: flags.allowNonLoopback === true,
    insecureNoTls: flags.insecureNoTls === true,
    sseHeartbeatMs: 2_000,
  };
}
