/**
 * Phases: start (phase_started + a manifest), verify (each command a verification event;
 * on success file events for the changes since the last phase ended, and phase_completed;
 * after the allowed attempts phase_failed), skip (its file events, phase_skipped). Each
 * step stores its events before audits.json changes, so a failed emit changes nothing.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { type AuditContext, currentAudit, findAudit, requireInProgress } from "./audit-context.js";
import { type PhaseState, requirePhase, withPhase } from "./audit-phases.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { requireReason, secondsBetween } from "./audit-lifecycle.js";
import {
  emitPhaseCompleted,
  emitPhaseFailed,
  emitPhaseSkipped,
  emitPhaseStarted,
  emitVerificationFailed,
  emitVerificationPassed,
} from "../events/emit-helpers.js";
import { captureAndStore } from "../manifests/manifest-store.js";
import { formatTimestamp } from "../events/timestamps.js";
import { type CommandResult, runVerifyCommand } from "./verify-command.js";
import { withPhaseLock } from "./phase-lock.js";
import { emitFileEventsSince, phaseManifestName } from "./file-events.js";

export async function startPhase(ctx: AuditContext, number: number, auditId?: string): Promise<PhaseState> {
  const audit = currentAudit(ctx, auditId);
  requireInProgress(audit);
  return withPhaseLock(ctx, audit.id, number, () => startLocked(ctx, audit.id, number));
}

async function startLocked(ctx: AuditContext, auditId: string, number: number): Promise<PhaseState> {
  const audit = findAudit(ctx, auditId);
  requireInProgress(audit);
  const phase = requirePhase(audit, number);
  if (phase.status === "completed" || phase.status === "skipped")
    throw new CairnError(ErrorKind.Usage, `phase ${number} is already ${phase.status}`);
  if (phase.status === "in_progress") return phase;
  await captureAndStore(ctx, audit.id, phaseManifestName(number, "pre"));
  const startedAt = formatTimestamp();
  // The event first: a pool that cannot store it leaves the phase as it was (issue 9).
  await emitPhaseStarted(ctx.emitter, audit.id, number, { description: phase.title, file: phase.file });
  ctx.storage.updateAudit(audit.id, (current) => ({
    // A failed phase verified again starts over with a fresh count of attempts.
    ...withPhase(current, number, { status: "in_progress", started_at: startedAt, attempts: 0 }),
    current_phase: number,
  }));
  return requirePhase(ctx.storage.getAudit(audit.id) as AuditRecord, number);
}

export interface VerifyResult {
  phase: PhaseState;
  passed: boolean;
  results: CommandResult[];
  /** True when this failure used the last allowed attempt (phase_failed was emitted). */
  exhausted: boolean;
}

export async function verifyPhase(
  ctx: AuditContext,
  number: number,
  options: { auditId?: string; onCommand?: (r: CommandResult) => void } = {},
): Promise<VerifyResult> {
  const audit = currentAudit(ctx, options.auditId);
  requireInProgress(audit);
  requirePhase(audit, number);
  return withPhaseLock(ctx, audit.id, number, () => verifyLocked(ctx, audit.id, number, options.onCommand));
}

async function verifyLocked(
  ctx: AuditContext,
  auditId: string,
  number: number,
  onCommand?: (r: CommandResult) => void,
): Promise<VerifyResult> {
  // Read again under the lock: a verify that just finished may have completed the phase.
  let audit = findAudit(ctx, auditId);
  requireInProgress(audit);
  let phase = requirePhase(audit, number);
  if (phase.status === "completed" || phase.status === "skipped")
    throw new CairnError(ErrorKind.Usage, `phase ${number} is already ${phase.status}`);
  if (phase.status === "pending" || phase.status === "failed") {
    phase = await startLocked(ctx, audit.id, number);
  }
  if (
    phase.verify.length === 0 &&
    (audit.metadata as { allow_empty_verify?: unknown } | undefined)?.allow_empty_verify !== true
  )
    throw new CairnError(
      ErrorKind.Usage,
      `phase ${number} has no runnable Verify command; nothing would prove it done`,
      {
        hint: "add a ```bash fence under its Verify heading, or start the audit with --allow-empty-verify",
      },
    );
  const results: CommandResult[] = [];
  let failed: CommandResult | null = null;
  for (const command of phase.verify) {
    const result = await runVerifyCommand(command, { cwd: ctx.projectDir, timeoutMs: ctx.verifyTimeoutMs });
    results.push(result);
    onCommand?.(result);
    const fields = { command, exit_code: result.exitCode, duration_ms: result.durationMs };
    if (result.exitCode === 0) await emitVerificationPassed(ctx.emitter, audit.id, number, fields);
    else {
      await emitVerificationFailed(ctx.emitter, audit.id, number, { ...fields, output: result.output });
      failed = result;
      break; // later commands usually depend on earlier ones
    }
  }
  audit = ctx.storage.getAudit(audit.id) as AuditRecord;
  requireStillRunning(audit, number);
  const attempts = requirePhase(audit, number).attempts + 1;
  const now = formatTimestamp();
  const duration = secondsBetween(phase.started_at, now);
  if (failed) {
    const exhausted = attempts >= ctx.maxAttempts;
    const error = `Verification command failed: ${failed.command}`;
    if (exhausted)
      await emitPhaseFailed(ctx.emitter, audit.id, number, { error, attempts, duration_seconds: duration });
    ctx.storage.updateAudit(audit.id, (c) =>
      withPhase(
        c,
        number,
        exhausted ? { attempts, status: "failed", error, duration_seconds: duration } : { attempts },
      ),
    );
    return {
      phase: requirePhase(ctx.storage.getAudit(audit.id) as AuditRecord, number),
      passed: false,
      results,
      exhausted,
    };
  }
  const files = await emitFileEventsSince(ctx, audit.id, number);
  const summary = {
    duration_seconds: duration,
    files_created: files.created,
    files_modified: files.modified,
    files_deleted: files.deleted,
    verification_count: results.length,
  };
  // Events first, then the record: a pool that cannot store them leaves the phase open and
  // the verify retryable (the file events already stored are not claimed twice).
  await emitPhaseCompleted(ctx.emitter, audit.id, number, summary);
  ctx.storage.updateAudit(audit.id, (c) => {
    requireStillRunning(c, number); // checked again under the storage lock
    return {
      ...withPhase(c, number, { ...summary, attempts, status: "completed", completed_at: now }),
      current_phase: null,
    };
  });
  return {
    phase: requirePhase(ctx.storage.getAudit(audit.id) as AuditRecord, number),
    passed: true,
    results,
    exhausted: false,
  };
}

/** A skip or abandon while the commands ran wins: the verify result is not recorded over it. */
function requireStillRunning(audit: AuditRecord, number: number): void {
  const status = requirePhase(audit, number).status;
  if (audit.status !== "in_progress" || status !== "in_progress")
    throw new CairnError(
      ErrorKind.Usage,
      audit.status !== "in_progress"
        ? `audit ${audit.slug} was ${audit.status} while phase ${number} was being verified; the result is not recorded`
        : `phase ${number} was ${status} while it was being verified; the result is not recorded`,
    );
}

export async function skipPhase(
  ctx: AuditContext,
  number: number,
  reason: string,
  auditId?: string,
): Promise<PhaseState> {
  requireReason(reason);
  const audit = currentAudit(ctx, auditId);
  requireInProgress(audit);
  const phase = requirePhase(audit, number);
  if (phase.status === "completed" || phase.status === "skipped")
    throw new CairnError(ErrorKind.Usage, `phase ${number} is already ${phase.status}`);
  // A skipped phase still claims the changes made in it, with its number; and the events
  // come before the record, so a pool that cannot store them leaves the phase as it was.
  await emitFileEventsSince(ctx, audit.id, number);
  await emitPhaseSkipped(ctx.emitter, audit.id, number, { reason });
  ctx.storage.updateAudit(audit.id, (c) => ({
    ...withPhase(c, number, { status: "skipped", reason, completed_at: formatTimestamp() }),
    current_phase: c.current_phase === number ? null : c.current_phase,
  }));
  return requirePhase(ctx.storage.getAudit(audit.id) as AuditRecord, number);
}
