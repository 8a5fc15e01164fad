/**
 * The local file backend's registry entry: names and paths resolve to pool files in the
 * Client's directory; open/create hand back a LocalPool (local.ts); delete removes a pool
 * file (core checks it is one); list describes every pool file of a directory.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { deletePoolFile } from "../../../core/delete-pool-file.js";
import { CairnError, ErrorKind, toCairnError } from "../../../core/errors.js";
import { poolNameFromPath } from "../../../core/stats.js";
import { PLASMITE_EXTENSION, POOL_EXTENSION, type PoolRef, resolveLocalRef } from "../../pool-ref.js";
import type { PoolListing } from "../../types.js";
import type { Backend } from "../backend.js";
import { LocalPool } from "./local-pool.js";

function localRef(ref: PoolRef): Extract<PoolRef, { kind: "local" }> {
  if (ref.kind !== "local") throw new CairnError(ErrorKind.Internal, `the local backend was given ${ref.ref}`);
  return ref;
}

async function describe(path: string): Promise<PoolListing> {
  const name = poolNameFromPath(path);
  try {
    const pool = LocalPool.open(path, name, path);
    try {
      return { name, path, info: await pool.info() };
    } finally {
      await pool.close();
    }
  } catch (err) {
    const e = toCairnError(err, { path });
    return { name, path, error: { kind: e.kind, message: e.message } };
  }
}

export const localBackend: Backend = {
  resolve: (ref, context) => resolveLocalRef(ref, context.dir),

  async open(ref) {
    const r = localRef(ref);
    return LocalPool.open(r.ref, r.name, r.path);
  },

  async create(ref, options) {
    const r = localRef(ref);
    return LocalPool.create(r.ref, r.name, r.path, options);
  },

  async delete(ref) {
    deletePoolFile(localRef(ref).path);
  },

  async list(location, context) {
    const dir = location === undefined ? context.dir : nodePath.resolve(location);
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
      listings.push(await describe(nodePath.join(dir, entry)));
    }
    return listings;
  },
};
