/**
 * The validation report on the wire (snake_case, like every Cairn wire shape):
 * `{path, status, message_count, oldest_seq, newest_seq, last_good_seq, issues,
 * remediation_hints}`, issues as `{code, severity, message, offset?, seq?}`. Core produces
 * the in-memory ValidationReport (camelCase); the server and `cairn doctor --json` send
 * `validationReportToWire` of it, the HTTP backend reads it back with
 * `validationReportFromWire`.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { ValidationIssue, ValidationReport } from "../../core/validate.js";

export interface WireValidationReport {
  path: string;
  status: ValidationReport["status"];
  message_count: number;
  oldest_seq: number | null;
  newest_seq: number | null;
  last_good_seq: number | null;
  issues: ValidationIssue[];
  remediation_hints: string[];
}

export function validationReportToWire(report: ValidationReport): WireValidationReport {
  return {
    path: report.path,
    status: report.status,
    message_count: report.messageCount,
    oldest_seq: report.oldestSeq,
    newest_seq: report.newestSeq,
    last_good_seq: report.lastGoodSeq,
    issues: report.issues,
    remediation_hints: report.remediationHints,
  };
}

export function validationReportFromWire(value: unknown): ValidationReport {
  const v = value as Partial<WireValidationReport> | null;
  if (typeof v !== "object" || v === null || typeof v.status !== "string" || !Array.isArray(v.issues)) {
    throw new CairnError(ErrorKind.Io, "server sent a validation report without status and issues");
  }
  return {
    path: v.path ?? "",
    status: v.status,
    messageCount: v.message_count ?? 0,
    oldestSeq: v.oldest_seq ?? null,
    newestSeq: v.newest_seq ?? null,
    lastGoodSeq: v.last_good_seq ?? null,
    issues: v.issues,
    remediationHints: v.remediation_hints ?? [],
  };
}
