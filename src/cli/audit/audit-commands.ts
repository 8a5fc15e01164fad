/** `cairn audit validate|start|status|complete|abandon|run|list|show`: parse flags, call src/audit, format. */
import { findAudit } from "../../audit/run/audit-context.js";
import { abandonAudit, completeAudit, readDocumentText, startAudit } from "../../audit/run/audit-lifecycle.js";
import { type PhaseState, phasesOf } from "../../audit/run/audit-phases.js";
import type { AuditRecord } from "../../audit/storage/audit-store.js";
import { parseAuditDocument } from "../../audit/documents/document.js";
import type { Event } from "../../audit/events/event.js";
import { timestampMs } from "../../audit/events/timestamps.js";
import { type RunResult, runAudit } from "../../audit/run/unattended-run.js";
import { resumeAudit } from "../../audit/run/resume-run.js";
import { setupFileProblems } from "../../audit/run/setup-files.js";
import { projectDirOf } from "../../audit/git/git-info.js";
import { paint, printJson, printLine as out } from "../shared/output.js";
import { cliAuditContext } from "./cli-context.js";
import { failureOutputLines, formatEventLine } from "./cli-helpers.js";
import { wantsJson } from "../shared/output-mode.js";
import { plural } from "../shared/plural.js";

interface JsonFlag {
  json?: boolean;
}

/**
 * `--commit`, `--tag` (`--git-tag` on `audit run`, whose `--tag <label>` labels the record
 * as in `audit start`) and `--keep-audit-dir` as the library's completion options.
 */
interface FinishFlags {
  commit?: boolean;
  keepAuditDir?: boolean;
}

function finishOptions(
  options: FinishFlags,
  gitTag: boolean | undefined,
): { commit?: boolean; tag?: boolean; keepAuditDir?: boolean } {
  return {
    ...(options.commit ? { commit: true } : {}),
    ...(gitTag ? { tag: true } : {}),
    ...(options.keepAuditDir ? { keepAuditDir: true } : {}),
  };
}

export async function runValidate(path: string, options: JsonFlag & { allowEmptyVerify?: boolean }): Promise<void> {
  const result = parseAuditDocument(readDocumentText(path), undefined, {
    allowEmptyVerify: options.allowEmptyVerify === true,
  });
  // Where the files would go if the audit started here: refused targets are errors too.
  if (result.document) {
    const problems = setupFileProblems(projectDirOf(process.cwd()), result.document);
    if (problems.length > 0) {
      result.errors.push(...problems);
      result.document = null;
    }
  }
  const summary = {
    valid: result.document !== null,
    path,
    format: result.document?.format ?? null,
    title: result.document?.title ?? null,
    phases: (result.document?.phases ?? []).map((p) => ({ number: p.number, title: p.title, verify: p.verify.length })),
    errors: result.errors,
    warnings: result.warnings,
  };
  if (wantsJson(options)) printJson(summary);
  else {
    if (summary.valid) {
      out(
        `${paint("green", "valid")} ${path}: ${summary.format} document "${summary.title}", ${plural(summary.phases.length, "phase")}`,
      );
      for (const p of summary.phases) out(`  ${p.number}. ${p.title} (${plural(p.verify, "verify command")})`);
    } else out(`${paint("red", "invalid")} ${path}`);
    for (const e of result.errors) out(`  ${paint("red", "error")} line ${e.line}: ${e.message}`);
    for (const w of result.warnings) out(`  ${paint("yellow", "warning")} line ${w.line}: ${w.message}`);
  }
  if (!summary.valid) process.exitCode = 2; // a Usage problem with the input document
}

export async function runStart(
  doc: string,
  options: JsonFlag & {
    project?: string;
    slug?: string;
    tag?: string[];
    setupFiles?: boolean;
    allowEmptyVerify?: boolean;
  },
): Promise<void> {
  const ctx = cliAuditContext();
  const audit = await startAudit(ctx, doc, {
    allowEmptyVerify: options.allowEmptyVerify === true,
    ...(options.project ? { project: options.project } : {}),
    ...(options.slug ? { slug: options.slug } : {}),
    ...(options.tag ? { tags: options.tag } : {}),
    writeSetupFiles: options.setupFiles !== false,
  });
  if (wantsJson(options)) printJson(audit);
  else {
    out(`${paint("green", "started")} audit ${audit.project}/${audit.slug} (${audit.id})`);
    printChecklist(audit);
    out(paint("dim", `next: cairn phase start ${phasesOf(audit)[0]?.number ?? 1}`));
  }
  await ctx.storage.close();
}

const marks: Record<string, string> = {
  pending: "[ ]",
  in_progress: "[~]",
  completed: "[x]",
  failed: "[!]",
  skipped: "[-]",
};

function phaseLine(p: PhaseState): string {
  const extra = [
    p.attempts > 0 ? `${p.attempts} attempt${p.attempts === 1 ? "" : "s"}` : "",
    p.duration_seconds !== undefined ? `${p.duration_seconds}s` : "",
    p.reason ? `skipped: ${p.reason}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `  ${marks[p.status] ?? "[?]"} ${p.number}. ${p.title}${extra ? paint("dim", ` (${extra})`) : ""}`;
}

function printChecklist(audit: AuditRecord): void {
  for (const p of phasesOf(audit)) out(phaseLine(p));
}

function lastActivityMs(audit: AuditRecord): number | null {
  const times = [audit.started_at, ...phasesOf(audit).flatMap((p) => [p.started_at, p.completed_at])]
    .map((t) => timestampMs(t))
    .filter((t): t is number => t !== null);
  return times.length ? Math.max(...times) : null;
}

export async function runStatus(options: JsonFlag & { audit?: string }): Promise<void> {
  const ctx = cliAuditContext();
  const { currentAudit } = await import("../../audit/run/audit-context.js");
  let audit: AuditRecord;
  try {
    audit = currentAudit(ctx, options.audit);
  } catch (err) {
    // Nothing in progress: show the newest audit of this project instead, if there is one.
    const newest = ctx.storage
      .listAudits()
      .find((a) => (a.metadata as { root?: string } | undefined)?.root === ctx.projectDir);
    if (options.audit || !newest) throw err;
    audit = newest;
  }
  const last = lastActivityMs(audit);
  const idleDays = last === null ? 0 : (Date.now() - last) / 86_400_000;
  const stale = audit.status === "in_progress" && idleDays > ctx.staleDays;
  const elapsed =
    last === null ? null : Math.round((Date.now() - (timestampMs(audit.started_at) ?? Date.now())) / 1000);
  if (wantsJson(options)) printJson({ ...audit, stale, elapsed_seconds: elapsed });
  else {
    out(`${paint("bold", `${audit.project}/${audit.slug}`)}  ${audit.status}  ${paint("dim", audit.id)}`);
    out(`  started ${audit.started_at}${elapsed !== null ? ` (${formatDuration(elapsed)} ago)` : ""}`);
    out(`  ${audit.phases_completed ?? 0}/${audit.phases_total ?? 0} completed, ${audit.phases_skipped ?? 0} skipped`);
    if (typeof audit.current_phase === "number") out(`  current phase: ${audit.current_phase}`);
    printChecklist(audit);
    if (stale)
      out(
        paint(
          "yellow",
          `  warning: no activity for ${plural(Math.floor(idleDays), "day")}; this audit is stale (complete or abandon it)`,
        ),
      );
  }
  await ctx.storage.close();
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h`;
}

export async function runComplete(
  options: JsonFlag & FinishFlags & { audit?: string; testCommand?: string; tests?: boolean; tag?: boolean },
): Promise<void> {
  const ctx = cliAuditContext();
  const testCommand = options.tests === false ? null : options.testCommand;
  const result = await completeAudit(ctx, {
    ...(options.audit ? { auditId: options.audit } : {}),
    ...(testCommand === undefined ? {} : { testCommand }),
    ...finishOptions(options, options.tag),
  });
  if (result.testsPassed === false) {
    if (wantsJson(options)) printJson({ completed: false, reason: "test command failed", audit: result.audit.id });
    else
      out(`${paint("red", "not completed:")} the test command failed; fix it and run \`cairn audit complete\` again`);
    process.exitCode = 1;
  } else if (wantsJson(options)) printJson(result.audit);
  else {
    const a = result.audit;
    out(`${paint("green", "completed")} ${a.project}/${a.slug} in ${a.duration_seconds}s`);
    out(`  phases: ${a.phases_completed} completed, ${a.phases_skipped} skipped`);
    out(`  files: +${a.files_created} created, ~${a.files_modified} modified, -${a.files_deleted} deleted`);
    out(`  report: ${result.reportPath}`);
    if (result.git?.commit) out(`  commit: ${result.git.commit}`);
    if (result.git?.tag) out(`  tag: ${result.git.tag} (push it with \`git push origin ${result.git.tag}\`)`);
  }
  if (result.cleanupWarning) process.stderr.write(`warning: ${result.cleanupWarning}\n`);
  await ctx.storage.close();
}

export async function runAbandon(options: JsonFlag & { audit?: string; reason: string }): Promise<void> {
  const ctx = cliAuditContext();
  const audit = await abandonAudit(ctx, {
    reason: options.reason,
    ...(options.audit ? { auditId: options.audit } : {}),
  });
  if (wantsJson(options)) printJson(audit);
  else out(`${paint("yellow", "abandoned")} ${audit.project}/${audit.slug}: ${options.reason}`);
  await ctx.storage.close();
}

export async function runRun(
  doc: string,
  options: JsonFlag &
    FinishFlags & {
      gitTag?: boolean;
      project?: string;
      slug?: string;
      tag?: string[];
      maxAttempts?: string;
      timeout?: string;
      testCommand?: string;
      tests?: boolean;
      allowEmptyVerify?: boolean;
    },
): Promise<void> {
  const { ctx, json } = runContext(options);
  const testCommand = options.tests === false ? null : options.testCommand;
  const result = await runAudit(ctx, doc, {
    allowEmptyVerify: options.allowEmptyVerify === true,
    ...(options.project ? { project: options.project } : {}),
    ...(options.slug ? { slug: options.slug } : {}),
    ...(options.tag ? { tags: options.tag } : {}),
    ...(testCommand === undefined ? {} : { testCommand }),
    ...finishOptions(options, options.gitTag),
  });
  reportRun(result, json);
  await ctx.storage.close();
}

/** The unattended commands print every event as it happens. */
function runContext(options: JsonFlag & { timeout?: string; maxAttempts?: string }) {
  const ctx = cliAuditContext({
    ...(options.timeout ? { timeoutSeconds: options.timeout } : {}),
    ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
  });
  const json = wantsJson(options);
  ctx.emitter.subscribe((event: Event) => {
    const dict = event.toDict();
    if (json) printJson(dict);
    else {
      out(formatEventLine(dict));
      for (const line of failureOutputLines(dict)) out(line);
    }
  });
  return { ctx, json };
}

function reportRun(result: RunResult, json: boolean): void {
  if (!json) {
    if (result.passed) out(paint("green", `audit ${result.audit.slug} passed`));
    else
      out(
        paint(
          "red",
          `audit ${result.audit.slug} failed${result.failedPhase !== null ? ` at phase ${result.failedPhase}` : " (test command)"}`,
        ),
      );
  }
  if (result.cleanupWarning) process.stderr.write(`warning: ${result.cleanupWarning}\n`);
  if (!result.passed) process.exitCode = 1;
}

export async function runResume(
  id: string | undefined,
  options: JsonFlag &
    FinishFlags & { maxAttempts?: string; timeout?: string; testCommand?: string; tests?: boolean; tag?: boolean },
): Promise<void> {
  const { ctx, json } = runContext(options);
  const testCommand = options.tests === false ? null : options.testCommand;
  const result = await resumeAudit(ctx, {
    ...(id ? { auditId: id } : {}),
    ...(testCommand === undefined ? {} : { testCommand }),
    ...finishOptions(options, options.tag),
  });
  reportRun(result, json);
  await ctx.storage.close();
}

export async function runList(options: JsonFlag & { project?: string; status?: string }): Promise<void> {
  const ctx = cliAuditContext();
  const audits = ctx.storage.listAudits(options.project).filter((a) => !options.status || a.status === options.status);
  if (wantsJson(options)) for (const a of audits) printJson(a);
  else if (audits.length === 0) out(paint("dim", "no audits"));
  else
    for (const a of audits)
      out(
        `${a.id.slice(0, 8)}  ${String(a.date).padEnd(10)}  ${a.status.padEnd(11)}  ${a.phases_completed ?? 0}/${a.phases_total ?? 0}  ${a.project}/${a.slug}`,
      );
  await ctx.storage.close();
}

export async function runShow(id: string, options: JsonFlag & { events?: boolean }): Promise<void> {
  const ctx = cliAuditContext();
  const audit = findAudit(ctx, id);
  const events = options.events ? await ctx.storage.getEvents({ auditId: audit.id }) : undefined;
  if (wantsJson(options)) printJson(events ? { ...audit, events } : audit);
  else {
    out(`${paint("bold", `${audit.project}/${audit.slug}`)}  ${audit.status}  ${audit.id}`);
    for (const key of [
      "date",
      "started_at",
      "completed_at",
      "duration_seconds",
      "files_created",
      "files_modified",
      "files_deleted",
      "report",
    ])
      if (audit[key] !== undefined) out(`  ${key}: ${audit[key]}`);
    printChecklist(audit);
    for (const e of events ?? []) out(formatEventLine(e));
  }
  await ctx.storage.close();
}
