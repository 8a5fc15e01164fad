/**
 * Open pools shared by every request: one handle per pool name, opened through the api
 * Client. A cached handle asks the api whether it is stale (for a pool file: deleted or
 * re-created behind the server's back) before reuse, at most every RECHECK_MS, so such a
 * pool is reopened within that time. (A stat per request cost ~8 µs, about 15% of an
 * append's CPU, measured under wrk.) Deletes through the server take effect at once.
 */
import type { Client } from "../api/client.js";
import { validatePoolName } from "../api/pool-ref.js";
import type { CreateOptions, Pool } from "../api/types.js";
import { CairnError, ErrorKind } from "../core/errors.js";

const RECHECK_MS = 100;
/** How often a stream checks that its pool file is still the one it opened. */
const STREAM_RECHECK_MS = 1000;

export interface Lease {
  pool: Pool;
  release: () => void;
  /** Calls `callback` once if the pool is deleted or replaced while the lease is held. */
  onGone: (callback: () => void) => void;
}

interface Entry {
  pool: Pool;
  checkedAtMs: number;
  /** Streams reading through this handle; an evicted handle closes when the last one ends. */
  leases: number;
  /** Streams to end when the pool is deleted through the server. */
  onGone: Set<() => void>;
  evicted: boolean;
}

export class PoolHandles {
  private readonly entries = new Map<string, Entry>();

  constructor(readonly client: Client) {}

  /** Checks a name taken from a URL or body: no paths, no traversal, no absolute paths. */
  static checkName(name: unknown): string {
    if (typeof name !== "string") throw new CairnError(ErrorKind.Usage, "pool must be a string");
    validatePoolName(name);
    return name;
  }

  async open(name: string): Promise<Pool> {
    PoolHandles.checkName(name);
    const cached = this.entries.get(name);
    if (cached) {
      const now = Date.now();
      if (now - cached.checkedAtMs < RECHECK_MS) return cached.pool;
      if (!(await cached.pool.isStale())) {
        cached.checkedAtMs = now;
        return cached.pool;
      }
      this.evict(name);
    }
    return this.remember(name, await this.client.open(name));
  }

  /** Opens the pool for a long-lived stream; call `release` when the stream ends. */
  async lease(name: string): Promise<Lease> {
    const pool = await this.open(name);
    const entry = this.entries.get(name);
    if (!entry || entry.pool !== pool) return { pool, release: () => void pool.close(), onGone: () => {} };
    entry.leases += 1;
    let released = false;
    const gone = new Set<() => void>();
    const fireGone = () => {
      clearInterval(timer);
      for (const callback of gone) callback();
      gone.clear();
    };
    // Deleted through the server (evict) or behind its back (the file's identity changed).
    entry.onGone.add(fireGone);
    const timer = setInterval(() => {
      entry.pool.isStale().then(
        (stale) => stale && fireGone(),
        () => fireGone(), // a handle that cannot even tell has lost its pool
      );
    }, STREAM_RECHECK_MS);
    timer.unref();
    return {
      pool,
      onGone: (callback) => void gone.add(callback),
      release: () => {
        if (released) return;
        released = true;
        clearInterval(timer);
        entry.onGone.delete(fireGone);
        entry.leases -= 1;
        if (entry.evicted && entry.leases === 0) void entry.pool.close();
      },
    };
  }

  async create(name: string, options: CreateOptions): Promise<Pool> {
    PoolHandles.checkName(name);
    this.evict(name);
    return this.remember(name, await this.client.create(name, options));
  }

  async delete(name: string): Promise<void> {
    PoolHandles.checkName(name);
    const entry = this.entries.get(name);
    this.evict(name);
    await this.client.delete(name);
    for (const callback of [...(entry?.onGone ?? [])]) callback();
  }

  closeAll(): void {
    for (const name of [...this.entries.keys()]) this.evict(name);
  }

  private remember(name: string, pool: Pool): Pool {
    this.entries.set(name, { pool, checkedAtMs: Date.now(), leases: 0, onGone: new Set(), evicted: false });
    return pool;
  }

  /** Forgets a handle; it closes now, or when the last stream reading through it ends. */
  private evict(name: string): void {
    const entry = this.entries.get(name);
    if (!entry) return;
    this.entries.delete(name);
    entry.evicted = true;
    if (entry.leases === 0) void entry.pool.close();
  }
}
