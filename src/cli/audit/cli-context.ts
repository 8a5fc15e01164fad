/** Opens the audit context for a CLI command (storage found from the environment and cwd). */
import { type AuditContext, openAuditContext } from "../../audit/run/audit-context.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { notice } from "../shared/output.js";
import { ttyProgress } from "./cli-helpers.js";

export function cliAuditContext(overrides: { timeoutSeconds?: string; maxAttempts?: string } = {}): AuditContext {
  const ctx = openAuditContext({
    emitter: {
      warn: (message, error) => notice("warning", `${message}: ${(error as Error)?.message ?? error}`),
      // A command whose event cannot be stored fails with that error's kind.
      onStorageError: "throw",
    },
  });
  ctx.captureOptions.onProgress = ttyProgress("scanning project").update;
  if (overrides.timeoutSeconds !== undefined)
    ctx.verifyTimeoutMs = positive(overrides.timeoutSeconds, "--timeout") * 1000;
  if (overrides.maxAttempts !== undefined)
    ctx.maxAttempts = Math.floor(positive(overrides.maxAttempts, "--max-attempts"));
  return ctx;
}

export function positive(text: string, flag: string): number {
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text.trim()) || !(value > 0))
    throw new CairnError(ErrorKind.Usage, `${flag} expects a positive number, got "${text}"`);
  return value;
}

export function phaseNumber(text: string): number {
  if (!/^\d+$/.test(text.trim()) || Number(text) < 1)
    throw new CairnError(ErrorKind.Usage, `phase must be a positive integer, got "${text}"`);
  return Number(text);
}
