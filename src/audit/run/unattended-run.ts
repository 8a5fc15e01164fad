/**
 * `audit run`: a whole audit without a human — start, then every phase's verify steps in
 * order (retrying up to the allowed attempts), then complete. A phase that fails for good
 * ends the audit as `failed` (audit_abandoned with reason `error`).
 */
import type { AuditContext } from "./audit-context.js";
import { abandonAudit, completeAudit, type StartOptions, startAudit } from "./audit-lifecycle.js";
import { phasesOf } from "./audit-phases.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { verifyPhase } from "./phase-runner.js";

export interface RunResult {
  audit: AuditRecord;
  passed: boolean;
  failedPhase: number | null;
}

export async function runAudit(
  ctx: AuditContext,
  documentPath: string,
  options: StartOptions & { testCommand?: string | null } = {},
): Promise<RunResult> {
  const started = await startAudit(ctx, documentPath, options);
  for (const phase of phasesOf(started)) {
    for (;;) {
      const result = await verifyPhase(ctx, phase.number, { auditId: started.id });
      if (result.passed) break;
      if (result.exhausted) {
        const audit = await abandonAudit(ctx, { auditId: started.id, reason: "error", status: "failed" });
        return { audit, passed: false, failedPhase: phase.number };
      }
    }
  }
  const done = await completeAudit(ctx, {
    auditId: started.id,
    ...(options.testCommand === undefined ? {} : { testCommand: options.testCommand }),
  });
  if (done.testsPassed === false) {
    const audit = await abandonAudit(ctx, { auditId: started.id, reason: "error", status: "failed" });
    return { audit, passed: false, failedPhase: null };
  }
  return { audit: done.audit, passed: true, failedPhase: null };
}
