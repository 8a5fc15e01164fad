/**
 * Cairn's public library surface. Everything a user may import is named here; modules
 * not listed are internal and may change without notice.
 */
export { Client, registerRemoteBackend } from "./api/client.js";
export type { ClientOptions, RemoteBackend, RemoteOptions, RemoteRef } from "./api/client.js";
export { LocalPool } from "./api/backends/local.js";
export { defaultPoolDir, resolvePoolRef, validatePoolName } from "./api/pool-ref.js";
export type { PoolRef } from "./api/pool-ref.js";
export type {
  AppendOptions,
  BatchItem,
  CreateOptions,
  Durability,
  FollowOptions,
  FollowStatus,
  Follower,
  Gap,
  GapPolicy,
  Message,
  Pool,
  PoolInfo,
  PoolListing,
  ReadOptions,
  StartAt,
  ValidationReport,
} from "./api/types.js";
export { CairnError, ErrorKind, exitCodeFor, httpStatusFor } from "./core/errors.js";
export { messageToJsonLine, messageToWire } from "./core/message.js";
export { formatTimeNs, parseTimeNs } from "./core/time.js";
export type { ValidationIssue } from "./core/validate.js";
export { VERSION } from "./version.js";
