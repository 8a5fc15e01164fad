/**
 * What a backend is: the registry's unit (registry.ts). A backend turns refs it serves
 * into PoolRefs and opens, creates, deletes and lists pools; everything else happens
 * through the Pool it returns. The local file backend and the HTTP backend are entries
 * alike; a NATS JetStream backend will be one more.
 */
import type { PoolRef } from "../pool-ref.js";
import type { CreateOptions, Pool, PoolListing, RemoteOptions } from "../types.js";

/** What a Client hands every backend: its pool directory and its remote options. */
export interface BackendContext {
  dir: string;
  remote: RemoteOptions;
}

export interface Backend {
  /** Usage when `ref` is not a valid ref for this backend. */
  resolve(ref: string, context: BackendContext): PoolRef;
  open(ref: PoolRef, context: BackendContext): Promise<Pool>;
  create(ref: PoolRef, options: CreateOptions, context: BackendContext): Promise<Pool>;
  delete(ref: PoolRef, context: BackendContext): Promise<void>;
  /** Pools at `location` (a directory, a server's URL), or the context's directory; sorted by name. */
  list(location: string | undefined, context: BackendContext): Promise<PoolListing[]>;
}
