/**
 * Cairn's public library surface. Everything a user may import is named here; modules
 * not listed are internal and may change without notice.
 */
export { Client } from "./api/client.js";
export type { ClientOptions } from "./api/client.js";
export { registerBackend } from "./api/backends/registry.js";
export type { Backend, BackendContext } from "./api/backends/backend.js";
export { BatchPlanner } from "./api/batch-planner.js";
export { LocalPool } from "./api/backends/local/local-pool.js";
export { defaultPoolDir, isRemoteRef, resolvePoolRef, validatePoolName } from "./api/pool-ref.js";
export type { PoolRef } from "./api/pool-ref.js";
export type {
  AppendOptions,
  BatchItem,
  CreateOptions,
  Durability,
  FilePoolInfo,
  FollowOptions,
  FollowStatus,
  Follower,
  Gap,
  GapPolicy,
  Message,
  Pool,
  PoolFileLayout,
  PoolInfo,
  PoolInfoCommon,
  PoolLimits,
  PoolListing,
  ReadOptions,
  RemoteOptions,
  RewriteOptions,
  RewriteResult,
  SalvageOptions,
  SalvageReading,
  SalvageResult,
  StartAt,
  ValidationReport,
} from "./api/types.js";
export { CairnError, ErrorKind, exitCodeFor, httpStatusFor } from "./core/errors.js";
export { messageToJsonLine, messageToWire } from "./api/wire/message.js";
export { isFilePoolInfo } from "./api/wire/pool-info.js";
export { validationReportToWire } from "./api/wire/validation-report.js";
export type { WireValidationReport } from "./api/wire/validation-report.js";
export { formatTimeNs, parseTimeNs } from "./core/time.js";
export type { ValidationIssue } from "./core/validate.js";
export { VERSION } from "./version.js";
