/**
 * The payload (`data`) of each of the 12 event types, as TypeScript types and as a table
 * checked at the edge (Event.fromDict, imports). Field names stay Phaser's snake_case.
 *
 * The check is about the fields this version knows: a known field with a value of the
 * wrong kind is refused; a missing optional field, an unknown field (a newer writer's) and
 * every field of an unknown type are accepted and kept as they are.
 */
import type { EventType } from "./event.js";

/** Fields a newer writer may add; kept and written back unchanged. */
export type ExtraFields = { [field: string]: unknown };

export interface AuditStartedData {
  project: string;
  slug: string;
  phases_total: number;
  git_branch?: string;
  git_commit?: string;
}

export interface AuditCompletedData {
  duration_seconds: number;
  phases_completed: number;
  phases_skipped: number;
  files_created: number;
  files_modified: number;
  files_deleted: number;
  git_commit?: string;
}

export interface AuditAbandonedData {
  reason: string;
  phases_completed: number;
  phases_remaining: number;
}

export interface PhaseStartedData {
  description: string;
  file?: string;
}

export interface PhaseCompletedData {
  duration_seconds: number;
  files_created?: number;
  files_modified?: number;
  verification_count?: number;
}

export interface PhaseFailedData {
  error: string;
  attempts: number;
  duration_seconds: number;
}

export interface PhaseSkippedData {
  reason: string;
}

export interface VerificationPassedData {
  command: string;
  exit_code: number;
  duration_ms: number;
}

export interface VerificationFailedData {
  command: string;
  exit_code: number;
  duration_ms: number;
  /** The last 1,000 characters of the command's output. */
  output: string;
}

export interface FileCreatedData {
  path: string;
  size_bytes: number;
}

export interface FileModifiedData {
  path: string;
  size_bytes: number;
  lines_added: number;
  lines_removed: number;
}

export interface FileDeletedData {
  path: string;
}

/** Each event type's payload. */
export interface EventPayloads {
  audit_started: AuditStartedData;
  audit_completed: AuditCompletedData;
  audit_abandoned: AuditAbandonedData;
  phase_started: PhaseStartedData;
  phase_completed: PhaseCompletedData;
  phase_failed: PhaseFailedData;
  phase_skipped: PhaseSkippedData;
  verification_passed: VerificationPassedData;
  verification_failed: VerificationFailedData;
  file_created: FileCreatedData;
  file_modified: FileModifiedData;
  file_deleted: FileDeletedData;
}

/** The data an event of type T carries: its fields, plus any a newer writer added. */
export type EventData<T extends EventType> = EventPayloads[T] & ExtraFields;

type FieldKind = "string" | "number";
/** `?` marks an optional field (absent, or null as some writers store it). */
type FieldSpec = Record<string, FieldKind | `${FieldKind}?`>;

export const PAYLOAD_FIELDS: { readonly [T in EventType]: { readonly [F in keyof EventPayloads[T]]-?: string } } = {
  audit_started: {
    project: "string",
    slug: "string",
    phases_total: "number",
    git_branch: "string?",
    git_commit: "string?",
  },
  audit_completed: {
    duration_seconds: "number",
    phases_completed: "number",
    phases_skipped: "number",
    files_created: "number",
    files_modified: "number",
    files_deleted: "number",
    git_commit: "string?",
  },
  audit_abandoned: { reason: "string", phases_completed: "number", phases_remaining: "number" },
  phase_started: { description: "string", file: "string?" },
  phase_completed: {
    duration_seconds: "number",
    files_created: "number?",
    files_modified: "number?",
    verification_count: "number?",
  },
  phase_failed: { error: "string", attempts: "number", duration_seconds: "number" },
  phase_skipped: { reason: "string" },
  verification_passed: { command: "string", exit_code: "number", duration_ms: "number" },
  verification_failed: { command: "string", exit_code: "number", duration_ms: "number", output: "string" },
  file_created: { path: "string", size_bytes: "number" },
  file_modified: { path: "string", size_bytes: "number", lines_added: "number", lines_removed: "number" },
  file_deleted: { path: "string" },
};

/**
 * The problem with a known type's payload, or null: a known field holding the wrong kind
 * of value. Missing fields are not problems here (Phaser writers leave some out).
 */
export function payloadProblem(type: EventType, data: Readonly<Record<string, unknown>>): string | null {
  const spec = PAYLOAD_FIELDS[type] as FieldSpec;
  for (const [field, kindSpec] of Object.entries(spec)) {
    const value = data[field];
    const optional = kindSpec.endsWith("?");
    if (value === undefined || (optional && value === null)) continue;
    const kind = kindSpec.replace("?", "") as FieldKind;
    const fits = kind === "number" ? typeof value === "number" && Number.isFinite(value) : typeof value === kind;
    if (!fits) return `"${field}" of a ${type} event must be a ${kind}, not ${JSON.stringify(value)}`;
  }
  return null;
}
