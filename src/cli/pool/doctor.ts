/**
 * `cairn doctor POOL… | --all`: validates pools and reports per pool its status, issues
 * (with file offsets), the last good seq and remediation hints. A pool that cannot even
 * be opened (damaged header, unknown format) is reported as corrupt, not as a crash.
 * Shows progress on a TTY for --all; exits 7 when any pool is corrupt.
 */
import type { Command } from "commander";
import { CairnError, ErrorKind, exitCodeFor, toCairnError } from "../../core/errors.js";
import { validationReportToWire } from "../../api/wire/validation-report.js";
import type { ValidationIssue } from "../../api/types.js";
import { clientFor, globalOptionsOf } from "../shared/client-factory.js";
import { paint, printJson, printLine } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";

export interface DoctorReport {
  pool_ref: string;
  path: string | null;
  /** `error`: the pool could not be checked at all (missing, unreadable, locked). */
  status: "ok" | "warning" | "corrupt" | "error";
  last_good_seq: number | null;
  message_count: number | null;
  issue_count: number;
  issues: ValidationIssue[];
  remediation_hints: string[];
}

async function examine(command: Command, ref: string, label: string): Promise<DoctorReport> {
  const client = clientFor(command);
  const resolved = client.resolve(ref);
  const path = resolved.kind === "local" ? resolved.path : null;
  try {
    const pool = await client.open(ref);
    try {
      const report = validationReportToWire(await pool.validate());
      return {
        pool_ref: label,
        path: report.path,
        status: report.status,
        last_good_seq: report.last_good_seq,
        message_count: report.message_count,
        issue_count: report.issues.length,
        issues: report.issues,
        remediation_hints: report.remediation_hints.map((hint) => withPoolRef(hint, ref)),
      };
    } finally {
      await pool.close();
    }
  } catch (err) {
    const error = toCairnError(err, path ? { path } : {});
    const opening = error.kind === ErrorKind.Corrupt || /format|magic|version/i.test(error.message);
    // Only a file that could be a pool has a header to distrust; anything else (a directory,
    // a missing file, no permission) could not be checked, and gets its own error's hint.
    if (!opening) return unchecked(label, path, error);
    const issue: ValidationIssue = { code: "open_failed", severity: "error", message: error.message };
    if (error.offset !== undefined) issue.offset = error.offset;
    const hint =
      error.hint ?? "the pool header cannot be trusted: copy the file aside, then delete and recreate the pool";
    return oneIssueReport(label, error.path ?? path, "corrupt", issue, [hint]);
  }
}

/** `ref` quoted for a POSIX shell when it holds anything but safe characters. */
function shellWord(ref: string): string {
  return /^[A-Za-z0-9._/:@%+=-]+$/.test(ref) ? ref : `'${ref.replaceAll("'", "'\\''")}'`;
}

/** Where the hints suggest salvaging to: NAME-salvaged beside the pool, same extension. */
function salvagedRef(ref: string): string {
  const ext = /\.(cairn|plasmite)$/.exec(ref)?.[0] ?? "";
  return `${ref.slice(0, ref.length - ext.length)}-salvaged${ext === ".plasmite" ? ".cairn" : ext}`;
}

/** Core's hints say POOL; doctor prints them with the pool's ref, so they run as printed. */
function withPoolRef(hint: string, ref: string): string {
  return hint.replaceAll("POOL-salvaged", shellWord(salvagedRef(ref))).replaceAll("POOL", shellWord(ref));
}

/** A pool doctor could not look at; the others are still checked. */
function unchecked(label: string, path: string | null, error: CairnError): DoctorReport & { kind: ErrorKind } {
  const code = error.kind === ErrorKind.NotFound ? "not_found" : "unreadable";
  const issue: ValidationIssue = { code, severity: "error", message: error.message };
  const report = oneIssueReport(label, error.path ?? path, "error", issue, error.hint ? [error.hint] : []);
  return { ...report, kind: error.kind };
}

/** The report of a pool that could not be scanned: one issue, no counts. */
function oneIssueReport(
  label: string,
  path: string | null,
  status: "corrupt" | "error",
  issue: ValidationIssue,
  hints: string[],
): DoctorReport {
  return {
    pool_ref: label,
    path,
    status,
    last_good_seq: null,
    message_count: null,
    issue_count: 1,
    issues: [issue],
    remediation_hints: hints,
  };
}

function printReport(report: DoctorReport): void {
  const color = report.status === "ok" ? "green" : report.status === "warning" ? "yellow" : "red";
  const counts =
    report.message_count === null
      ? ""
      : ` ${report.message_count} message(s)${report.last_good_seq === null ? "" : `, last good seq ${report.last_good_seq}`}`;
  printLine(`${paint(["bold", color], report.status.padEnd(7))} ${report.pool_ref}${paint("dim", counts)}`);
  for (const issue of report.issues) {
    const at = issue.offset === undefined ? "" : ` @ offset ${issue.offset}`;
    printLine(`  ${paint(color, issue.code)}${at}: ${issue.message}`);
  }
  for (const hint of report.remediation_hints) printLine(`  ${paint("dim", `hint: ${hint}`)}`);
}

export async function runDoctor(refs: string[], options: { all?: boolean }, command: Command): Promise<void> {
  if (options.all && refs.length > 0) throw new CairnError(ErrorKind.Usage, "give pool names or --all, not both");
  if (!options.all && refs.length === 0)
    throw new CairnError(ErrorKind.Usage, "name the pools to check, or use --all", { hint: "cairn doctor --all" });
  const targets = options.all
    ? (await clientFor(command).list()).map((l) => ({ ref: l.path ?? l.name, label: l.name }))
    : refs.map((ref) => ({ ref, label: ref }));
  const json = wantsJson(globalOptionsOf(command));
  const progress = options.all === true && process.stderr.isTTY === true;
  const reports: (DoctorReport & { kind?: ErrorKind })[] = [];
  for (const [i, { ref, label }] of targets.entries()) {
    if (progress) process.stderr.write(`\r\u001b[2Kchecking ${i + 1}/${targets.length} ${label}`);
    const report = await examine(command, ref, label);
    reports.push(report);
    if (!json) {
      if (progress) process.stderr.write("\r\u001b[2K");
      printReport(report);
    }
  }
  if (progress) process.stderr.write("\r\u001b[2K");
  if (json) printJson({ reports: reports.map(({ kind: _kind, ...report }) => report) });
  else if (options.all && targets.length === 0) printLine("no pools to check");
  else if (reports.length > 1) {
    const bad = reports.filter((r) => r.status === "corrupt").length;
    const unreadable = reports.filter((r) => r.status === "error").length;
    const also = unreadable > 0 ? `, ${unreadable} could not be checked` : "";
    printLine(`${reports.length} pool(s) checked, ${bad} corrupt${also}`);
  }
  // Corruption outranks the rest; otherwise the first pool that could not be checked decides.
  const failed = reports.find((r) => r.kind !== undefined);
  if (reports.some((r) => r.status === "corrupt")) process.exitCode = exitCodeFor(ErrorKind.Corrupt);
  else if (failed?.kind !== undefined) process.exitCode = exitCodeFor(failed.kind);
}
