/**
 * One typed convenience function per event type (Phaser's emit_* helpers), each a thin
 * call of AuditEmitter.emit with the type's payload. Optional fields are left out when
 * undefined; extra fields pass through. Each resolves when the event is persisted.
 */
import type { AuditEmitter } from "./emitter.js";
import type { EventData, EventPayloads, ExtraFields } from "./event-payloads.js";
import { EventType, type TypedEvent } from "./event.js";

/** A type's payload whose optional fields may be given as undefined (they are then left out). */
type Fields<T extends EventType> = {
  [K in keyof EventPayloads[T]]: object extends Pick<EventPayloads[T], K>
    ? EventPayloads[T][K] | undefined
    : EventPayloads[T][K];
} & ExtraFields;

/** The fields without those that are undefined: the payload as stored. */
function defined<T extends EventType>(fields: object): EventData<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as EventData<T>;
}

export const OUTPUT_CHARS_MAX = 1000;

/** The last 1000 characters, counted in code points so the cut never splits a surrogate pair. */
export function truncateOutput(text: string): string {
  if (text.length <= OUTPUT_CHARS_MAX) return text;
  const codePoints = Array.from(text);
  return codePoints.length <= OUTPUT_CHARS_MAX ? text : codePoints.slice(-OUTPUT_CHARS_MAX).join("");
}

type Emitted<T extends EventType> = Promise<TypedEvent<T>>;

export function emitAuditStarted(
  e: AuditEmitter,
  auditId: string,
  p: Fields<"audit_started">,
): Emitted<"audit_started"> {
  return e.emit(EventType.AUDIT_STARTED, auditId, null, defined(p));
}

export function emitAuditCompleted(
  e: AuditEmitter,
  auditId: string,
  p: Fields<"audit_completed">,
): Emitted<"audit_completed"> {
  return e.emit(EventType.AUDIT_COMPLETED, auditId, null, defined(p));
}

export function emitAuditAbandoned(
  e: AuditEmitter,
  auditId: string,
  p: Fields<"audit_abandoned">,
): Emitted<"audit_abandoned"> {
  return e.emit(EventType.AUDIT_ABANDONED, auditId, null, defined(p));
}

export function emitPhaseStarted(
  e: AuditEmitter,
  auditId: string,
  phase: number,
  p: Fields<"phase_started">,
): Emitted<"phase_started"> {
  return e.emit(EventType.PHASE_STARTED, auditId, phase, defined(p));
}

export function emitPhaseCompleted(
  e: AuditEmitter,
  auditId: string,
  phase: number,
  p: Fields<"phase_completed">,
): Emitted<"phase_completed"> {
  return e.emit(EventType.PHASE_COMPLETED, auditId, phase, defined(p));
}

export function emitPhaseFailed(
  e: AuditEmitter,
  auditId: string,
  phase: number,
  p: Fields<"phase_failed">,
): Emitted<"phase_failed"> {
  return e.emit(EventType.PHASE_FAILED, auditId, phase, defined(p));
}

export function emitPhaseSkipped(
  e: AuditEmitter,
  auditId: string,
  phase: number,
  p: Fields<"phase_skipped">,
): Emitted<"phase_skipped"> {
  return e.emit(EventType.PHASE_SKIPPED, auditId, phase, defined(p));
}

/** `exit_code` defaults to 0. */
export function emitVerificationPassed(
  e: AuditEmitter,
  auditId: string,
  phase: number | null,
  p: Omit<Fields<"verification_passed">, "exit_code"> & { exit_code?: number },
): Emitted<"verification_passed"> {
  return e.emit(EventType.VERIFICATION_PASSED, auditId, phase, defined({ ...p, exit_code: p.exit_code ?? 0 }));
}

/** `output` keeps its last 1,000 characters. */
export function emitVerificationFailed(
  e: AuditEmitter,
  auditId: string,
  phase: number | null,
  p: Fields<"verification_failed">,
): Emitted<"verification_failed"> {
  return e.emit(EventType.VERIFICATION_FAILED, auditId, phase, defined({ ...p, output: truncateOutput(p.output) }));
}

export function emitFileCreated(
  e: AuditEmitter,
  auditId: string,
  phase: number | null,
  p: Fields<"file_created">,
): Emitted<"file_created"> {
  return e.emit(EventType.FILE_CREATED, auditId, phase, defined(p));
}

export function emitFileModified(
  e: AuditEmitter,
  auditId: string,
  phase: number | null,
  p: Fields<"file_modified">,
): Emitted<"file_modified"> {
  return e.emit(EventType.FILE_MODIFIED, auditId, phase, defined(p));
}

export function emitFileDeleted(
  e: AuditEmitter,
  auditId: string,
  phase: number | null,
  p: Fields<"file_deleted">,
): Emitted<"file_deleted"> {
  return e.emit(EventType.FILE_DELETED, auditId, phase, defined(p));
}
