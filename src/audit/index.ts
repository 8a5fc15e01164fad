/**
 * The audit domain's public surface (Phaser v1.2 names, camelCased; see docs/audit.md).
 * Everything else in src/audit is internal. The package root (src/index.ts) can re-export
 * these names as they are.
 */
export { PhaserStorage } from "./storage.js";
export type { GetEventsFilter } from "./storage.js";
export type { AuditRecord, AuditStatus } from "./audit-store.js";
export { defaultConfig, parseConfigValue } from "./config.js";
export type { Config, ConfigValue } from "./config.js";
export { EVENT_TYPES, Event, EventType, isEventType } from "./event.js";
export type { EventDict } from "./event.js";
export { EventEmitter } from "./emitter.js";
export type { EventEmitterOptions, Subscriber } from "./emitter.js";
export {
  emitAuditAbandoned,
  emitAuditCompleted,
  emitAuditStarted,
  emitFileCreated,
  emitFileDeleted,
  emitFileModified,
  emitPhaseCompleted,
  emitPhaseFailed,
  emitPhaseSkipped,
  emitPhaseStarted,
  emitVerificationFailed,
  emitVerificationPassed,
} from "./emit-helpers.js";
export { formatEventsJson, readEventsJsonFile } from "./events-json.js";
export { findStorageRoot } from "./storage-root.js";
export { formatTimestamp, timestampMs } from "./timestamps.js";
export { parseAuditDocument } from "./document.js";
export type { AuditDocument, AuditPhase, DocumentProblem, ParseResult } from "./document.js";
export { openAuditContext } from "./audit-context.js";
export type { AuditContext } from "./audit-context.js";
export { abandonAudit, completeAudit, startAudit } from "./audit-lifecycle.js";
export { skipPhase, startPhase, verifyPhase } from "./phase-runner.js";
export { runAudit } from "./unattended-run.js";
export { captureManifest } from "./manifest.js";
export type { CaptureOptions, Manifest, ManifestEntry } from "./manifest.js";
export { compareManifests, diffToJson, formatDetailed, formatSummary } from "./manifest-compare.js";
export type { ManifestDiff } from "./manifest-compare.js";
export { readManifestFile, writeManifestFile } from "./manifest-file.js";
