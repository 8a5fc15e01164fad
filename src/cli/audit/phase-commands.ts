/** `cairn phase start|verify|skip N`. A failed verification prints its output and exits 1. */
import { skipPhase, startPhase, verifyPhase } from "../../audit/run/phase-runner.js";
import { paint, printJson, printLine as out } from "../shared/output.js";
import { cliAuditContext, phaseNumber } from "./cli-context.js";
import { wantsJson } from "../shared/output-mode.js";
import { plural } from "../shared/plural.js";

interface PhaseFlags {
  json?: boolean;
  audit?: string;
}

export async function runPhaseStart(n: string, options: PhaseFlags): Promise<void> {
  const ctx = cliAuditContext();
  const phase = await startPhase(ctx, phaseNumber(n), options.audit);
  if (wantsJson(options)) printJson(phase);
  else {
    out(`${paint("cyan", "started")} phase ${phase.number}: ${phase.title}`);
    for (const c of phase.verify) out(paint("dim", `  verify: ${c}`));
    out(paint("dim", `when the work is done: cairn phase verify ${phase.number}`));
  }
  await ctx.storage.close();
}

export async function runPhaseVerify(n: string, options: PhaseFlags & { timeout?: string }): Promise<void> {
  const ctx = cliAuditContext(options.timeout ? { timeoutSeconds: options.timeout } : {});
  const json = wantsJson(options);
  const result = await verifyPhase(ctx, phaseNumber(n), {
    ...(options.audit ? { auditId: options.audit } : {}),
    onCommand: (r) => {
      if (json) return;
      const mark = r.exitCode === 0 ? paint("green", "pass") : paint("red", "FAIL");
      out(`  ${mark}  ${r.command}  ${paint("dim", `(exit ${r.exitCode}, ${r.durationMs} ms)`)}`);
      if (r.exitCode !== 0 && r.output)
        for (const line of r.output.split("\n").slice(-20)) out(paint("dim", `        ${line}`));
    },
  });
  if (json)
    printJson({
      phase: result.phase.number,
      passed: result.passed,
      status: result.phase.status,
      attempts: result.phase.attempts,
      commands: result.results.map((r) => ({ command: r.command, exit_code: r.exitCode, duration_ms: r.durationMs })),
    });
  else if (result.passed) out(`${paint("green", "completed")} phase ${result.phase.number}: ${result.phase.title}`);
  else if (result.exhausted)
    out(`${paint("red", "failed")} phase ${result.phase.number} after ${plural(result.phase.attempts, "attempt")}`);
  else
    out(
      `${paint("yellow", "not yet")}: phase ${result.phase.number} attempt ${result.phase.attempts} of ${ctx.maxAttempts} failed; fix it and run \`cairn phase verify ${result.phase.number}\` again`,
    );
  if (!result.passed) process.exitCode = 1;
  await ctx.storage.close();
}

export async function runPhaseSkip(n: string, options: PhaseFlags & { reason: string }): Promise<void> {
  const ctx = cliAuditContext();
  const phase = await skipPhase(ctx, phaseNumber(n), options.reason, options.audit);
  if (wantsJson(options)) printJson(phase);
  else out(`${paint("yellow", "skipped")} phase ${phase.number}: ${phase.title} (${options.reason})`);
  await ctx.storage.close();
}
