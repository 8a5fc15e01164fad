/** What every handler shares: the pool handles, auth, CORS, limits and the UI assets. */
import type { AppendCoalescer } from "./append-coalescer.js";
import type { BodyBudget } from "./body-budget.js";
import type { ClientPaths } from "./client-paths.js";
import type { Auth } from "./auth.js";
import type { CorsPolicy } from "./cors.js";
import type { HostCheck } from "./host-check.js";
import type { PoolHandles } from "./pool-handles.js";
import type { StreamSlots } from "./stream-slots.js";
import type { UiAssets } from "./ui-assets.js";
import type { WorkSlots } from "./work-slots.js";

export interface ServerContext {
  pools: PoolHandles;
  /** How the server's file paths are shown to clients (relative to the pool directory). */
  paths: ClientPaths;
  /** Group commit for single appends. */
  appends: AppendCoalescer;
  auth: Auth;
  cors: CorsPolicy;
  /** Refuses requests for other host names (DNS rebinding). */
  hosts: HostCheck;
  streams: StreamSlots;
  /** Concurrent validations (each scans a whole pool off the event loop). */
  validations: WorkSlots;
  ui: UiAssets;
  bodyBytesMax: number;
  /** Bytes all request bodies in flight may hold together. */
  bodies: BodyBudget;
  /** Largest pool a create may ask for, in bytes. */
  poolBytesMax: number;
  /** Interval of SSE keep-alive comments and pool-info events. */
  sseHeartbeatMs: number;
}
