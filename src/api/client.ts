/**
 * The library entry point: a Client addresses pools by name (in its pool directory), by
 * path, or by URL, and hands back Pools that all behave the same.
 *
 * @example
 * ```ts
 * import { Client } from "cairn";
 * const client = new Client(); // ~/.cairn/pools, or $CAIRN_DIR
 * const pool = await client.openOrCreate("builds", { size: "4M" });
 * await pool.append({ step: "compile", ok: true }, { tags: ["ci"] });
 * for await (const message of pool.follow({ from: { last: 10 } })) console.log(message.seq, message.data);
 * ```
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind, toCairnError } from "../core/errors.js";
import { poolNameFromPath } from "../core/stats.js";
import { LocalPool } from "./backends/local.js";
import {
  PLASMITE_EXTENSION,
  POOL_EXTENSION,
  type PoolRef,
  defaultPoolDir,
  isRemoteRef,
  resolvePoolRef,
} from "./pool-ref.js";
import type { CreateOptions, Pool, PoolInfo, PoolListing } from "./types.js";

/** How to reach remote pools (http(s):// and nats:// refs). */
export interface RemoteOptions {
  /** Bearer token sent to a Cairn server. */
  token?: string;
  /** PEM text of a CA certificate to trust for https. */
  tlsCa?: string;
  /** Accept any server certificate (testing only). */
  tlsSkipVerify?: boolean;
}

export interface ClientOptions {
  /** Pool directory for bare names. Default: $CAIRN_DIR, else ~/.cairn/pools. */
  dir?: string;
  remote?: RemoteOptions;
}

export type RemoteRef = Extract<PoolRef, { kind: "remote" }>;

/** A backend for refs that are not local files (http(s)://, nats://). */
export interface RemoteBackend {
  open(ref: RemoteRef, options: RemoteOptions): Promise<Pool>;
  create(ref: RemoteRef, createOptions: CreateOptions, options: RemoteOptions): Promise<Pool>;
  delete(ref: RemoteRef, options: RemoteOptions): Promise<void>;
  /** Pools on the server at `base` (origin of the URL). */
  list?(base: URL, options: RemoteOptions): Promise<PoolListing[]>;
}

const remoteBackends = new Map<string, RemoteBackend>();

/** Modules that register a backend for a scheme when imported; loaded on first use only. */
const backendModules: Record<string, string> = {
  http: "./backends/http.js",
  https: "./backends/http.js",
  nats: "./backends/nats.js",
};

/** Lets the HTTP and NATS backends plug in without the client importing them eagerly. */
export function registerRemoteBackend(scheme: string, backend: RemoteBackend): void {
  remoteBackends.set(scheme.toLowerCase(), backend);
}

export async function remoteBackendFor(url: URL): Promise<RemoteBackend> {
  const scheme = url.protocol.replace(/:$/, "").toLowerCase();
  let backend = remoteBackends.get(scheme);
  const module = backendModules[scheme];
  if (!backend && module) {
    try {
      await import(module);
    } catch (err) {
      if ((err as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw err;
    }
    backend = remoteBackends.get(scheme);
  }
  if (!backend) throw new CairnError(ErrorKind.Usage, `pools at ${scheme}:// URLs are not supported by this build`);
  return backend;
}

export class Client {
  readonly dir: string;
  readonly remote: RemoteOptions;

  constructor(options: ClientOptions = {}) {
    this.dir = options.dir ? nodePath.resolve(options.dir) : defaultPoolDir();
    this.remote = options.remote ?? {};
  }

  resolve(ref: string): PoolRef {
    return resolvePoolRef(ref, this.dir);
  }

  async create(ref: string, options: CreateOptions = {}): Promise<Pool> {
    const r = this.resolve(ref);
    if (r.kind === "remote") return (await remoteBackendFor(r.url)).create(r, options, this.remote);
    return LocalPool.create(ref, r.name, r.path, options);
  }

  async open(ref: string): Promise<Pool> {
    const r = this.resolve(ref);
    if (r.kind === "remote") return (await remoteBackendFor(r.url)).open(r, this.remote);
    return LocalPool.open(ref, r.name, r.path);
  }

  /** Opens the pool, creating it with `options` when it does not exist (race-safe). */
  async openOrCreate(ref: string, options: CreateOptions = {}): Promise<Pool> {
    try {
      return await this.open(ref);
    } catch (err) {
      if (!(err instanceof CairnError) || err.kind !== ErrorKind.NotFound) throw err;
    }
    try {
      return await this.create(ref, options);
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.AlreadyExists) return this.open(ref);
      throw err;
    }
  }

  async info(ref: string): Promise<PoolInfo> {
    const pool = await this.open(ref);
    try {
      return await pool.info();
    } finally {
      await pool.close();
    }
  }

  async delete(ref: string): Promise<void> {
    const r = this.resolve(ref);
    if (r.kind === "remote") return (await remoteBackendFor(r.url)).delete(r, this.remote);
    try {
      const stat = fs.statSync(r.path);
      if (!stat.isFile()) throw new CairnError(ErrorKind.Usage, "not a pool file", { path: r.path });
      // Refuse files that are not pools; a damaged pool (it still starts with PLSM) may go.
      if (!startsWithPoolMagic(r.path)) {
        throw new CairnError(ErrorKind.Corrupt, "not a pool file (bad magic); not deleting it", { path: r.path });
      }
      fs.unlinkSync(r.path);
    } catch (err) {
      const e = toCairnError(err, { path: r.path });
      if (e.kind === ErrorKind.NotFound) throw new CairnError(ErrorKind.NotFound, "pool not found", { path: r.path });
      throw e;
    }
  }

  /**
   * Every pool file in the pool directory (or in `at`: another directory, or a server's
   * URL such as `http://127.0.0.1:9700`), sorted by name; unreadable ones carry an error.
   */
  async list(at?: string): Promise<PoolListing[]> {
    if (at !== undefined && isRemoteRef(at)) {
      let url: URL;
      try {
        url = new URL(at);
      } catch {
        throw new CairnError(ErrorKind.Usage, `invalid server URL "${at}"`);
      }
      const backend = await remoteBackendFor(url);
      if (!backend.list)
        throw new CairnError(ErrorKind.Usage, `listing pools is not supported at ${url.protocol}// URLs`);
      return backend.list(new URL(url.origin), this.remote);
    }
    const dir = at === undefined ? this.dir : nodePath.resolve(at);
    let entries: string[];
    try {
      entries = fs.readdirSync(dir);
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return [];
      throw toCairnError(err, { path: dir, what: "cannot list pools" });
    }
    const listings: PoolListing[] = [];
    for (const entry of entries.sort()) {
      if (!entry.endsWith(POOL_EXTENSION) && !entry.endsWith(PLASMITE_EXTENSION)) continue;
      if (entry.startsWith(".")) continue;
      const path = nodePath.join(dir, entry);
      const name = poolNameFromPath(entry);
      try {
        const pool = LocalPool.open(path, name, path);
        try {
          listings.push({ name, path, info: await pool.info() });
        } finally {
          await pool.close();
        }
      } catch (err) {
        const e = toCairnError(err, { path });
        listings.push({ name, path, error: { kind: e.kind, message: e.message } });
      }
    }
    return listings;
  }
}

function startsWithPoolMagic(path: string): boolean {
  const fd = fs.openSync(path, "r");
  try {
    const buf = Buffer.alloc(4);
    return fs.readSync(fd, buf, 0, 4, 0) === 4 && buf.toString("latin1") === "PLSM";
  } finally {
    fs.closeSync(fd);
  }
}
