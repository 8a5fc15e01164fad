/**
 * `audit resume`: continues an `audit run` that was interrupted (Ctrl-C, kill -9), which
 * leaves the audit in progress. The interrupted phase (started, never completed, failed
 * or skipped) runs again with the phases after it; completed and skipped phases do not.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { type AuditContext, currentAudit, requireInProgress } from "./audit-context.js";
import { phasesOf } from "./audit-phases.js";
import { continueRun, type FinishOptions, type RunResult } from "./unattended-run.js";
import { checkGitFlags } from "./completion-steps.js";

export interface ResumeResult extends RunResult {
  /** The phase that was running when the run stopped (null: it stopped between steps). */
  interruptedPhase: number | null;
}

export async function resumeAudit(
  ctx: AuditContext,
  options: { auditId?: string } & FinishOptions = {},
): Promise<ResumeResult> {
  const audit = currentAudit(ctx, options.auditId);
  requireInProgress(audit);
  const interrupted = phasesOf(audit).find((p) => p.status === "in_progress") ?? null;
  // An `audit run` killed between two steps has no phase in progress, but it is still a run
  // that stopped; a hand-driven audit with no phase in progress is not ours to drive.
  const unattended = (audit.metadata as { unattended_run?: unknown } | undefined)?.unattended_run === true;
  if (!interrupted && !unattended)
    throw new CairnError(ErrorKind.Usage, `audit ${audit.slug} has no interrupted run to resume`, {
      hint: "no phase was left started; go on with `cairn phase start N`, `cairn phase verify N` or `cairn audit complete`",
    });
  checkGitFlags(ctx.projectDir, options);
  const result = await continueRun(ctx, audit.id, options);
  return { ...result, interruptedPhase: interrupted?.number ?? null };
}
