/**
 * `audit run`: a whole audit without a human — start, then every phase's verify steps in
 * order (retrying up to the allowed attempts), then complete. A phase that fails for good
 * ends the audit as `failed` (audit_abandoned with reason `error`).
 */
import { type AuditContext, findAudit } from "./audit-context.js";
import { abandonAudit, completeAudit, type StartOptions, startAudit } from "./audit-lifecycle.js";
import { phasesOf } from "./audit-phases.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { verifyPhase } from "./phase-runner.js";
import { type CompletionOptions, checkGitFlags } from "./completion-steps.js";

export interface RunResult {
  audit: AuditRecord;
  passed: boolean;
  failedPhase: number | null;
  cleanupWarning?: string | null;
}

export type FinishOptions = { testCommand?: string | null } & CompletionOptions;

export async function runAudit(
  ctx: AuditContext,
  documentPath: string,
  options: StartOptions & FinishOptions = {},
): Promise<RunResult> {
  checkGitFlags(ctx.projectDir, options); // --commit/--tag outside git: refused before the audit starts
  const started = await startAudit(ctx, documentPath, { ...options, unattended: true });
  return continueRun(ctx, started.id, options);
}

/**
 * Verifies every phase not yet completed or skipped, in order, then completes. Shared by
 * `audit run` and `audit resume`, so a resumed run ends exactly as an uninterrupted one.
 */
export async function continueRun(ctx: AuditContext, auditId: string, options: FinishOptions): Promise<RunResult> {
  const open = phasesOf(findAudit(ctx, auditId)).filter((p) => p.status !== "completed" && p.status !== "skipped");
  for (const phase of open) {
    for (;;) {
      const result = await verifyPhase(ctx, phase.number, { auditId });
      if (result.passed) break;
      if (result.exhausted) {
        const audit = await abandonAudit(ctx, { auditId, reason: "error", status: "failed" });
        return { audit, passed: false, failedPhase: phase.number };
      }
    }
  }
  const done = await completeAudit(ctx, {
    auditId,
    ...(options.testCommand === undefined ? {} : { testCommand: options.testCommand }),
    ...(options.commit ? { commit: true } : {}),
    ...(options.tag ? { tag: true } : {}),
    ...(options.keepAuditDir ? { keepAuditDir: true } : {}),
  });
  if (done.testsPassed === false) {
    const audit = await abandonAudit(ctx, { auditId, reason: "error", status: "failed" });
    return { audit, passed: false, failedPhase: null };
  }
  return { audit: done.audit, passed: true, failedPhase: null, cleanupWarning: done.cleanupWarning ?? null };
}
