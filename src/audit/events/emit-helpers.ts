/**
 * One typed convenience function per event type, carrying the spec's payload fields.
 * Optional fields are left out when undefined; extra fields pass through.
 */
import type { EventEmitter } from "./emitter.js";
import { type Event, EventType } from "./event.js";

type Extra = Record<string, unknown>;

function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

export const OUTPUT_CHARS_MAX = 1000;

export function truncateOutput(text: string): string {
  return text.length <= OUTPUT_CHARS_MAX ? text : text.slice(text.length - OUTPUT_CHARS_MAX);
}

export function emitAuditStarted(
  e: EventEmitter,
  auditId: string,
  p: { project: string; slug: string; phases_total: number; git_branch?: string; git_commit?: string } & Extra,
): Event {
  return e.emit(EventType.AUDIT_STARTED, auditId, null, defined(p));
}

export function emitAuditCompleted(
  e: EventEmitter,
  auditId: string,
  p: {
    duration_seconds: number;
    phases_completed: number;
    phases_skipped: number;
    files_created: number;
    files_modified: number;
    files_deleted: number;
  } & Extra,
): Event {
  return e.emit(EventType.AUDIT_COMPLETED, auditId, null, defined(p));
}

export function emitAuditAbandoned(
  e: EventEmitter,
  auditId: string,
  p: { reason: string; phases_completed: number; phases_remaining: number } & Extra,
): Event {
  return e.emit(EventType.AUDIT_ABANDONED, auditId, null, defined(p));
}

export function emitPhaseStarted(
  e: EventEmitter,
  auditId: string,
  phase: number,
  p: { description: string; file?: string } & Extra,
): Event {
  return e.emit(EventType.PHASE_STARTED, auditId, phase, defined(p));
}

export function emitPhaseCompleted(
  e: EventEmitter,
  auditId: string,
  phase: number,
  p: { duration_seconds: number; files_created?: number; files_modified?: number; verification_count?: number } & Extra,
): Event {
  return e.emit(EventType.PHASE_COMPLETED, auditId, phase, defined(p));
}

export function emitPhaseFailed(
  e: EventEmitter,
  auditId: string,
  phase: number,
  p: { error: string; attempts: number; duration_seconds: number } & Extra,
): Event {
  return e.emit(EventType.PHASE_FAILED, auditId, phase, defined(p));
}

export function emitPhaseSkipped(
  e: EventEmitter,
  auditId: string,
  phase: number,
  p: { reason: string } & Extra,
): Event {
  return e.emit(EventType.PHASE_SKIPPED, auditId, phase, defined(p));
}

export function emitVerificationPassed(
  e: EventEmitter,
  auditId: string,
  phase: number | null,
  p: { command: string; exit_code?: number; duration_ms: number } & Extra,
): Event {
  return e.emit(EventType.VERIFICATION_PASSED, auditId, phase, defined({ ...p, exit_code: p.exit_code ?? 0 }));
}

export function emitVerificationFailed(
  e: EventEmitter,
  auditId: string,
  phase: number | null,
  p: { command: string; exit_code: number; duration_ms: number; output: string } & Extra,
): Event {
  return e.emit(EventType.VERIFICATION_FAILED, auditId, phase, defined({ ...p, output: truncateOutput(p.output) }));
}

export function emitFileCreated(
  e: EventEmitter,
  auditId: string,
  phase: number | null,
  p: { path: string; size_bytes: number } & Extra,
): Event {
  return e.emit(EventType.FILE_CREATED, auditId, phase, defined(p));
}

export function emitFileModified(
  e: EventEmitter,
  auditId: string,
  phase: number | null,
  p: { path: string; size_bytes: number; lines_added: number; lines_removed: number } & Extra,
): Event {
  return e.emit(EventType.FILE_MODIFIED, auditId, phase, defined(p));
}

export function emitFileDeleted(
  e: EventEmitter,
  auditId: string,
  phase: number | null,
  p: { path: string } & Extra,
): Event {
  return e.emit(EventType.FILE_DELETED, auditId, phase, defined(p));
}
