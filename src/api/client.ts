/**
 * The library entry point: a Client addresses pools by name (in its pool directory), by
 * path, or by URL, and hands back Pools that all behave the same. Which backend serves a
 * ref is the registry's answer (backends/registry.ts); the Client holds no backend code.
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
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../core/errors.js";
import { checkPoolSize } from "../core/pool-size.js";
import { parseSize } from "../core/size.js";
import type { Backend, BackendContext } from "./backends/backend.js";
import { backendForText } from "./backends/registry.js";
import { type PoolRef, defaultPoolDir, isRemoteRef, resolvePoolRef } from "./pool-ref.js";
import { copySalvage } from "./salvage.js";
import type {
  CreateOptions,
  Pool,
  PoolInfo,
  PoolListing,
  RemoteOptions,
  SalvageOptions,
  SalvageResult,
} from "./types.js";

export type { RemoteOptions };

export interface ClientOptions {
  /** Pool directory for bare names. Default: $CAIRN_DIR, else ~/.cairn/pools. */
  dir?: string;
  remote?: RemoteOptions;
}

export class Client {
  readonly dir: string;
  readonly remote: RemoteOptions;

  constructor(options: ClientOptions = {}) {
    this.dir = options.dir ? nodePath.resolve(options.dir) : defaultPoolDir();
    this.remote = options.remote ?? {};
  }

  private get context(): BackendContext {
    return { dir: this.dir, remote: this.remote };
  }

  /** Whether `ref` names a pool elsewhere (a URL) rather than a local pool file. */
  isRemote(ref: string): boolean {
    return isRemoteRef(ref);
  }

  /** Parses a ref without opening anything (Usage when it is not a valid one). */
  resolve(ref: string): PoolRef {
    return resolvePoolRef(ref, this.dir);
  }

  /** The backend serving `ref`, and the ref as that backend resolves it. */
  private async route(ref: string): Promise<[Backend, PoolRef]> {
    const backend = await backendForText(ref);
    return [backend, backend.resolve(ref, this.context)];
  }

  async create(ref: string, options: CreateOptions = {}): Promise<Pool> {
    // The size bounds hold for every backend: a remote create of 1T fails here, before a request.
    if (options.size !== undefined) checkPoolSize(parseSize(options.size), options.indexCapacity);
    const [backend, r] = await this.route(ref);
    return backend.create(r, options, this.context);
  }

  async open(ref: string): Promise<Pool> {
    const [backend, r] = await this.route(ref);
    return backend.open(r, this.context);
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
    const [backend, r] = await this.route(ref);
    return backend.delete(r, this.context);
  }

  /**
   * Copies every message of `src` that still checks out — before and after damaged
   * frames — into a new pool `dst` (the source's size and index unless `options.size`),
   * with its data and tags, in seq order; seqs and times are the new pool's. The source
   * file is only read. Refuses with Usage a remote source (its file is not at hand) and a
   * `dst` that is `src`; AlreadyExists when `dst` exists. A failed copy deletes `dst`.
   */
  async salvage(src: string, dst: string, options: SalvageOptions = {}): Promise<SalvageResult> {
    const srcRef = this.resolve(src);
    const dstRef = this.resolve(dst);
    if (srcRef.kind === "local" && dstRef.kind === "local" && srcRef.path === dstRef.path)
      throw new CairnError(
        ErrorKind.Usage,
        "salvage copies into a new pool: give a destination other than the source",
        {
          path: srcRef.path,
        },
      );
    const notHere = (): CairnError =>
      new CairnError(ErrorKind.Usage, `cannot salvage ${src}: salvage reads the pool file, which is remote`, {
        hint: "run `cairn pool salvage` on the machine that holds the pool file",
      });
    // Refused before any request: a damaged pool is salvaged where its file is.
    if (srcRef.kind === "remote") throw notHere();
    const source = await this.open(src);
    try {
      if (!source.salvage) throw notHere();
      const reading = await source.salvage();
      const create: CreateOptions =
        options.size === undefined
          ? { size: reading.fileSizeBytes, indexCapacity: reading.indexCapacity }
          : { size: options.size };
      const target = await this.create(dst, create);
      let copy: Omit<SalvageResult, "dst">;
      try {
        copy = await copySalvage(reading, target);
      } catch (err) {
        await target.close();
        await this.delete(dst).catch(() => {}); // a half copy must not pass for the salvage
        throw err;
      }
      await target.close();
      return { ...copy, dst: dstRef.kind === "local" ? dstRef.path : dstRef.url.href };
    } finally {
      await source.close();
    }
  }

  /**
   * Every pool in the pool directory (or at `at`: another directory, or a server's URL
   * such as `http://127.0.0.1:9700`), sorted by name; unreadable ones carry an error.
   */
  async list(at?: string): Promise<PoolListing[]> {
    const backend = await backendForText(at ?? this.dir);
    return backend.list(at, this.context);
  }
}
