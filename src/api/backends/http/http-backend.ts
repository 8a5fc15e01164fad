/**
 * The HTTP backend's registry entry, for `http(s)://host:port/POOL` refs: the same Pool
 * contract over a Cairn (or Plasmite protocol v0) server. Open, create and delete are one
 * request each; list asks the server at the URL's origin.
 */
import { CairnError, ErrorKind } from "../../../core/errors.js";
import { type PoolRef, resolveUrlRef } from "../../pool-ref.js";
import { poolListingFromWire } from "../../wire/pool-info.js";
import type { Backend } from "../backend.js";
import { requestJson } from "./request-json.js";
import { RemotePool } from "./remote-pool.js";
import { transportFor } from "./transport.js";

function urlRef(ref: PoolRef): Extract<PoolRef, { kind: "remote" }> {
  if (ref.kind !== "remote") throw new CairnError(ErrorKind.Internal, `the HTTP backend was given ${ref.ref}`);
  return ref;
}

export const httpBackend: Backend = {
  resolve: (ref) => resolveUrlRef(ref),

  async open(ref, context) {
    const r = urlRef(ref);
    const transport = transportFor(r.url, context.remote);
    await requestJson(transport, "POST", "/v0/pools/open", { pool: r.name });
    return new RemotePool(r.ref, r.name, transport);
  },

  async create(ref, options, context) {
    const r = urlRef(ref);
    const transport = transportFor(r.url, context.remote);
    const body: Record<string, unknown> = { pool: r.name };
    if (options.size !== undefined) body.size_bytes = options.size;
    if (options.indexCapacity !== undefined) body.index_capacity = options.indexCapacity;
    await requestJson(transport, "POST", "/v0/pools", body);
    return new RemotePool(r.ref, r.name, transport);
  },

  async delete(ref, context) {
    const r = urlRef(ref);
    await requestJson(transportFor(r.url, context.remote), "DELETE", `/v0/pools/${encodeURIComponent(r.name)}`);
  },

  async list(location, context) {
    let url: URL;
    try {
      url = new URL(location ?? "");
    } catch {
      throw new CairnError(ErrorKind.Usage, `invalid server URL "${location}"`);
    }
    const reply = await requestJson(transportFor(new URL(url.origin), context.remote), "GET", "/v0/pools");
    if (!Array.isArray(reply.pools)) throw new CairnError(ErrorKind.Io, "server sent no pool list");
    return reply.pools.map(poolListingFromWire);
  },
};
