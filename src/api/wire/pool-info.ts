/**
 * PoolInfo, the description of a pool on the wire and in the api (snake_case, the shape of
 * Plasmite's reference PoolInfo). It has two parts:
 *
 * - what every backend reports: `name`, `bounds`, `metrics` (counts, utilisation, ages),
 *   and `format_version`/`codec` where the backend has a payload format;
 * - the file group, what only a pool file has: `path`, `file_size`, `index_offset`,
 *   `index_capacity`, `index_size_bytes`, `ring_offset`, `ring_size`. It is all present
 *   or all absent, and it stays at the top level (not nested) because Plasmite's
 *   `pool info --json` and its conformance suite read those keys there.
 *
 * `isFilePoolInfo` tells the two apart; `poolInfoFromWire` checks what a server sent.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { PoolStats } from "../../core/stats.js";
import type { PoolListing } from "../types.js";

/** What every backend reports about a pool: core's statistics without the file's layout. */
export type PoolInfoCommon = Pick<PoolStats, "name" | "bounds" | "metrics"> &
  Partial<Pick<PoolStats, "format_version" | "codec">>;

/** What only a pool file has: where it is and how its bytes are laid out. */
export type PoolFileLayout = Pick<
  PoolStats,
  "path" | "file_size" | "index_offset" | "index_capacity" | "index_size_bytes" | "ring_offset" | "ring_size"
>;

export type FilePoolInfo = PoolInfoCommon & PoolFileLayout;
type NoFileLayout = { [K in keyof PoolFileLayout]?: undefined };
export type PoolInfo = FilePoolInfo | (PoolInfoCommon & NoFileLayout);

const FILE_KEYS = [
  "path",
  "file_size",
  "index_offset",
  "index_capacity",
  "index_size_bytes",
  "ring_offset",
  "ring_size",
] as const satisfies readonly (keyof PoolFileLayout)[];

export function isFilePoolInfo(info: PoolInfo): info is FilePoolInfo {
  return typeof info.path === "string" && typeof info.ring_size === "number";
}

/** The file group alone, or null for a pool that is not a file. */
export function fileLayoutOf(info: PoolInfo): PoolFileLayout | null {
  if (!isFilePoolInfo(info)) return null;
  const { path, file_size, index_offset, index_capacity, index_size_bytes, ring_offset, ring_size } = info;
  return { path, file_size, index_offset, index_capacity, index_size_bytes, ring_offset, ring_size };
}

/**
 * A PoolInfo a server sent. Its common part must be there (Io otherwise: the peer is
 * broken); a file group that is incomplete is dropped rather than half kept.
 */
export function poolInfoFromWire(value: unknown): PoolInfo {
  const v = value as Record<string, unknown> | null;
  if (
    typeof v !== "object" ||
    v === null ||
    typeof v.name !== "string" ||
    typeof v.bounds !== "object" ||
    typeof v.metrics !== "object"
  ) {
    throw new CairnError(ErrorKind.Io, "server sent a pool description without name, bounds and metrics");
  }
  const complete = typeof v.path === "string" && FILE_KEYS.slice(1).every((key) => typeof v[key] === "number");
  if (complete) return v as unknown as FilePoolInfo;
  const common = { ...v };
  for (const key of FILE_KEYS) delete common[key];
  return common as unknown as PoolInfo;
}

/** An unreadable pool in a list: `{name, path?, error:{kind, message}}`. */
export interface WireListingError {
  name: string;
  path?: string;
  error: { kind: string; message: string };
}

const unknownError = { kind: ErrorKind.Internal, message: "the pool could not be described" };

/** One entry of a pool list (`GET /v0/pools`, `cairn pool list --json`): its PoolInfo, or its error. */
export function poolListingToWire(listing: PoolListing): PoolInfo | WireListingError {
  if (listing.info) return listing.info;
  const error = listing.error ?? unknownError;
  return listing.path === undefined ? { name: listing.name, error } : { name: listing.name, path: listing.path, error };
}

export function poolListingFromWire(value: unknown): PoolListing {
  const entry = value as Partial<WireListingError> | null;
  if (entry?.error && typeof entry.name === "string") {
    return typeof entry.path === "string"
      ? { name: entry.name, path: entry.path, error: entry.error }
      : { name: entry.name, error: entry.error };
  }
  const info = poolInfoFromWire(value);
  return info.path === undefined ? { name: info.name, info } : { name: info.name, path: info.path, info };
}
