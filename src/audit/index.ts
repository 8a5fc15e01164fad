/**
 * The audit domain's public surface (Phaser v1.2 names, camelCased; see docs/audits.md).
 * Everything else in src/audit is internal. The package root (src/index.ts) can re-export
 * these names as they are.
 */
export { PhaserStorage } from "./storage/storage.js";
export type { GetEventsFilter } from "./storage/storage.js";
export type { AuditRecord, AuditStatus } from "./storage/audit-store.js";
export { defaultConfig, parseConfigValue } from "./storage/config.js";
export type { Config, ConfigValue } from "./storage/config.js";
export { EVENT_TYPES, Event, EventType, isAuditEvent, isEventType } from "./events/event.js";
export type { AuditEvent, EventDict, TypedEvent } from "./events/event.js";
export type {
  AuditAbandonedData,
  AuditCompletedData,
  AuditStartedData,
  EventData,
  EventPayloads,
  FileCreatedData,
  FileDeletedData,
  FileModifiedData,
  PhaseCompletedData,
  PhaseFailedData,
  PhaseSkippedData,
  PhaseStartedData,
  VerificationFailedData,
  VerificationPassedData,
} from "./events/event-payloads.js";
export { AuditEmitter, EventEmitter } from "./events/emitter.js";
export type { AuditEmitterOptions, EventEmitterOptions, Subscriber } from "./events/emitter.js";
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
} from "./events/emit-helpers.js";
export { formatEventsJson, readEventsJsonFile } from "./events/events-json.js";
export { findStorageRoot } from "./storage/storage-root.js";
export { formatTimestamp, timestampMs } from "./events/timestamps.js";
export { parseAuditDocument } from "./documents/document.js";
export type { AuditDocument, AuditPhase, DocumentProblem, ParseResult } from "./documents/document.js";
export { openAuditContext } from "./run/audit-context.js";
export type { AuditContext } from "./run/audit-context.js";
export { abandonAudit, completeAudit, startAudit } from "./run/audit-lifecycle.js";
export { skipPhase, startPhase, verifyPhase } from "./run/phase-runner.js";
export { runAudit } from "./run/unattended-run.js";
export { captureManifest } from "./manifests/manifest.js";
export type { CaptureOptions, Manifest, ManifestEntry } from "./manifests/manifest.js";
export { compareManifests, diffToJson, formatDetailed, formatSummary } from "./manifests/manifest-compare.js";
export type { ManifestDiff } from "./manifests/manifest-compare.js";
export { readManifestFile, writeManifestFile } from "./manifests/manifest-file.js";
