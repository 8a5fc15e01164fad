/**
 * The per-phase state Cairn keeps inside an audit record (`phases`, an extra field that
 * Phaser readers preserve) and the counts derived from it.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { AuditRecord } from "../storage/audit-store.js";

export type PhaseStatus = "pending" | "in_progress" | "completed" | "failed" | "skipped";

export interface PhaseState {
  number: number;
  title: string;
  file: string;
  verify: string[];
  status: PhaseStatus;
  attempts: number;
  started_at?: string;
  completed_at?: string;
  duration_seconds?: number;
  verification_count?: number;
  files_created?: number;
  files_modified?: number;
  files_deleted?: number;
  reason?: string;
  error?: string;
}

/** The audit's phases (none for a record Phaser wrote); a hand-damaged list is Corrupt. */
export function phasesOf(audit: AuditRecord): PhaseState[] {
  if (audit.phases === undefined || audit.phases === null) return [];
  if (!Array.isArray(audit.phases) || !audit.phases.every(isPhaseState))
    throw new CairnError(ErrorKind.Corrupt, `audits.json: the phases of audit ${audit.slug} are damaged`, {
      hint: "each phase needs a number, a status and a list of verify commands; fix the record, or abandon the audit",
    });
  return audit.phases as PhaseState[];
}

function isPhaseState(value: unknown): boolean {
  if (value === null || typeof value !== "object") return false;
  const phase = value as Record<string, unknown>;
  return (
    Number.isInteger(phase.number) &&
    typeof phase.status === "string" &&
    Array.isArray(phase.verify) &&
    phase.verify.every((command) => typeof command === "string")
  );
}

export function requirePhase(audit: AuditRecord, number: number): PhaseState {
  const phase = phasesOf(audit).find((p) => p.number === number);
  if (!phase) {
    const known = phasesOf(audit)
      .map((p) => p.number)
      .join(", ");
    throw new CairnError(ErrorKind.NotFound, `audit ${audit.slug} has no phase ${number}`, {
      hint: known ? `its phases are ${known}` : "the audit has no phases",
    });
  }
  return phase;
}

export function withPhase(audit: AuditRecord, number: number, patch: Partial<PhaseState>): Partial<AuditRecord> {
  const phases = phasesOf(audit).map((p) => (p.number === number ? { ...p, ...patch } : p));
  return {
    phases,
    phases_completed: phases.filter((p) => p.status === "completed").length,
    phases_skipped: phases.filter((p) => p.status === "skipped").length,
  };
}

export function phaseCounts(audit: AuditRecord): {
  completed: number;
  skipped: number;
  remaining: number;
  failed: number;
} {
  // Lenient, so a damaged audit can still be abandoned.
  const phases = Array.isArray(audit.phases) ? audit.phases.filter(isPhaseState) : [];
  const completed = phases.filter((p) => p.status === "completed").length;
  const skipped = phases.filter((p) => p.status === "skipped").length;
  const failed = phases.filter((p) => p.status === "failed").length;
  // The event spec: phases_remaining counts the phases not started.
  const remaining = phases.filter((p) => p.status === "pending").length;
  return { completed, skipped, failed, remaining };
}
