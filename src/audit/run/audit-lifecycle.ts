/**
 * Starting, completing and abandoning an audit: each step updates audits.json and emits
 * its event with the spec's payload (audit_started, audit_completed, audit_abandoned).
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { type AuditContext, currentAudit, findAudit, requireInProgress } from "./audit-context.js";
import { type PhaseState, phaseCounts, phasesOf } from "./audit-phases.js";
import { writeAuditReport } from "./audit-report.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { type AuditDocument, requireAuditDocument } from "../documents/document.js";
import {
  emitAuditAbandoned,
  emitAuditCompleted,
  emitAuditStarted,
  emitVerificationFailed,
  emitVerificationPassed,
} from "../events/emit-helpers.js";
import { gitInfo } from "../git/git-info.js";
import { compareManifests } from "../manifests/manifest-compare.js";
import { captureAndStore, loadStored } from "../manifests/manifest-store.js";
import { formatTimestamp, timestampMs } from "../events/timestamps.js";
import { runVerifyCommand } from "./verify-command.js";
import { writeSetupFiles } from "./setup-files.js";
import { emitFileEventsSince } from "./file-events.js";
import { requireValidSlug } from "../documents/names.js";
import {
  type CompletionOptions,
  checkCompletionOptions,
  cleanUpAuditDir,
  type GitOutcome,
  runGitSteps,
  undoTag,
} from "./completion-steps.js";

export interface StartOptions {
  project?: string;
  slug?: string;
  tags?: string[];
  /**
   * Write the document's files into the project: the setup block's files (setup-block
   * format), or each phase's file `.audit/phases/NN-slug.md` (bridge format). Default true.
   */
  writeSetupFiles?: boolean;
  /** Accept phases without a runnable Verify command (they complete on `phase verify`). */
  allowEmptyVerify?: boolean;
  /** Started by `audit run`: `audit resume` may continue it after an interruption. */
  unattended?: boolean;
}

export function readDocumentFile(path: string, options: { allowEmptyVerify?: boolean } = {}): AuditDocument {
  return requireAuditDocument(readDocumentText(path), path, options);
}

const DOCUMENT_BYTES_MAX = 16 * 1024 * 1024;

/**
 * An audit document's text, read in chunks up to 16 MiB (so `/dev/zero` or a runaway pipe
 * is refused instead of exhausting memory); a binary file is a Usage error.
 */
export function readDocumentText(path: string): string {
  const chunks: Buffer[] = [];
  let total = 0;
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, "r");
    const chunk = Buffer.alloc(64 * 1024);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > DOCUMENT_BYTES_MAX)
        throw new CairnError(ErrorKind.Usage, `${path} is larger than 16 MiB; not an audit document`, { path });
      chunks.push(Buffer.from(chunk.subarray(0, n)));
    }
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot read audit document" });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.includes(0))
    throw new CairnError(ErrorKind.Usage, `${path} is a binary file (it holds NUL bytes); not an audit document`, {
      path,
    });
  return bytes.toString("utf8");
}

export async function startAudit(
  ctx: AuditContext,
  documentPath: string,
  options: StartOptions = {},
): Promise<AuditRecord> {
  const document = readDocumentFile(documentPath, { allowEmptyVerify: options.allowEmptyVerify === true });
  const project = options.project ?? document.project ?? nodePath.basename(ctx.projectDir);
  const slug = options.slug ?? document.slug;
  requireValidSlug(slug); // before anything is written: the slug names the report and the tag
  const refuseIfBusy = (audits: readonly AuditRecord[]) => {
    const busy = audits.find(
      (a) => a.status === "in_progress" && (a.metadata as { root?: string } | undefined)?.root === ctx.projectDir,
    );
    if (busy)
      throw new CairnError(
        ErrorKind.AlreadyExists,
        `audit ${busy.slug} (${busy.id.slice(0, 8)}) is already in progress here`,
        { hint: "finish it with `cairn audit complete` or `cairn audit abandon --reason R` first" },
      );
  };
  refuseIfBusy(ctx.storage.listAudits()); // early, before setup files are written
  if (options.writeSetupFiles !== false) writeSetupFiles(ctx.projectDir, document);
  const git = gitInfo(ctx.projectDir);
  const now = formatTimestamp();
  const phases: PhaseState[] = document.phases.map((p) => ({
    number: p.number,
    title: p.title,
    file: p.file,
    verify: p.verify,
    status: "pending",
    attempts: 0,
  }));
  const metadata: Record<string, unknown> = {
    root: ctx.projectDir,
    document: nodePath.resolve(documentPath),
    document_format: document.format,
    document_title: document.title,
  };
  if (options.allowEmptyVerify) metadata.allow_empty_verify = true;
  if (options.unattended) metadata.unattended_run = true;
  if (git.branch) metadata.git_branch = git.branch;
  if (git.commit) metadata.git_commit = git.commit;
  // The event is stored before audits.json changes (issue 9): when the pool cannot take it
  // (a corrupt events.json is Corrupt), the command fails with no audit left in progress
  // and the same start can be retried.
  const id = randomUUID();
  await captureAndStore(ctx, id, "pre");
  try {
    await emitAuditStarted(ctx.emitter, id, {
      project,
      slug,
      phases_total: phases.length,
      git_branch: git.branch,
      git_commit: git.commit,
    });
  } catch (err) {
    fs.rmSync(ctx.storage.getPath(`manifests/${id}`), { recursive: true, force: true });
    throw err;
  }
  const record = {
    id,
    project,
    slug,
    date: document.date ?? now.slice(0, 10),
    status: "in_progress",
    phases_total: phases.length,
    phases_completed: 0,
    phases_skipped: 0,
    started_at: now,
    tags: options.tags ?? [],
    metadata,
    phases,
  };
  try {
    ctx.storage.saveAudit(record, refuseIfBusy); // again under the storage lock: two concurrent starts cannot both pass
  } catch (err) {
    // A concurrent start won after our event was stored: close the event's story so the
    // pool never shows an audit started that audits.json does not hold.
    await emitAuditAbandoned(ctx.emitter, id, {
      reason: "error",
      phases_completed: 0,
      phases_remaining: phases.length,
    }).catch(() => undefined); // the refusal is the error worth reporting
    throw err;
  }
  return ctx.storage.getAudit(id) as AuditRecord;
}

export interface CompleteResult {
  audit: AuditRecord;
  reportPath: string;
  testsPassed: boolean | null;
  git?: GitOutcome;
  /** Set when `.audit/` could not be removed (the audit is completed all the same). */
  cleanupWarning?: string | null;
}

export async function completeAudit(
  ctx: AuditContext,
  options: { auditId?: string; testCommand?: string | null } & CompletionOptions = {},
): Promise<CompleteResult> {
  const audit = currentAudit(ctx, options.auditId);
  requireInProgress(audit);
  const open = phasesOf(audit).filter((p) => p.status !== "completed" && p.status !== "skipped");
  if (open.length > 0)
    throw new CairnError(
      ErrorKind.Usage,
      `phases not finished: ${open.map((p) => `${p.number} (${p.status})`).join(", ")}`,
      { hint: "verify or skip them (`cairn phase verify N`, `cairn phase skip N --reason R`), or abandon the audit" },
    );
  checkCompletionOptions(ctx.projectDir, audit, options); // not a repository, a tag taken: before any step
  const testCommand = options.testCommand === undefined ? ctx.testCommand : options.testCommand;
  let testsPassed: boolean | null = null;
  if (testCommand) {
    const result = await runVerifyCommand(testCommand, { cwd: ctx.projectDir, timeoutMs: ctx.verifyTimeoutMs });
    testsPassed = result.exitCode === 0;
    const fields = {
      command: result.command,
      exit_code: result.exitCode,
      duration_ms: result.durationMs,
      stage: "completion",
    };
    if (testsPassed) await emitVerificationPassed(ctx.emitter, audit.id, null, fields);
    else {
      await emitVerificationFailed(ctx.emitter, audit.id, null, { ...fields, output: result.output });
      return { audit, reportPath: "", testsPassed };
    }
  }
  const pre = loadStored(ctx, audit.id, "pre");
  const post = await captureAndStore(ctx, audit.id, "post");
  // Changes since the last phase ended (the test command's, say) get their file events too,
  // with phase null, so every file the totals count has one.
  await emitFileEventsSince(ctx, audit.id, null, post);
  const diff = pre ? compareManifests(pre, post) : { added: [], modified: [], deleted: [], unchanged_count: 0 };
  const counts = phaseCounts(audit);
  const completedAt = formatTimestamp();
  const git = gitInfo(ctx.projectDir);
  const totals = {
    duration_seconds: secondsBetween(audit.started_at, completedAt),
    phases_completed: counts.completed,
    phases_skipped: counts.skipped,
    files_created: diff.added.length,
    files_modified: diff.modified.length,
    files_deleted: diff.deleted.length,
  };
  // The report, then the event, then git, then the record: a report, an event or a git
  // step that fails leaves the audit in progress and the command retryable (issue 9,
  // finding 6 and the emit order); a record that cannot be updated (a concurrent complete
  // or abandon won, checked under the storage lock) takes its report and tag back.
  const reportPath = writeAuditReport(ctx, { ...audit, ...totals, completed_at: completedAt, status: "completed" });
  let outcome: GitOutcome = { commit: null, tag: null };
  try {
    requireInProgress(findAudit(ctx, audit.id)); // a concurrent complete or abandon won: no second event
    await emitAuditCompleted(ctx.emitter, audit.id, { ...totals, git_commit: git.commit });
    outcome = runGitSteps(ctx.projectDir, ctx.storage.root, audit, options);
    ctx.storage.updateAudit(audit.id, (current) => {
      requireInProgress(current);
      return {
        ...totals,
        status: "completed",
        completed_at: completedAt,
        report: reportPath,
        metadata: {
          ...(current.metadata ?? {}),
          ...(git.commit ? { completed_commit: git.commit } : {}),
          ...(outcome.commit ? { audit_commit: outcome.commit } : {}),
          ...(outcome.tag ? { audit_tag: outcome.tag } : {}),
        },
      };
    });
  } catch (err) {
    fs.rmSync(reportPath, { force: true });
    undoTag(ctx.projectDir, outcome);
    throw err;
  }
  const cleanupWarning = cleanUpAuditDir(ctx.projectDir, options);
  return {
    audit: ctx.storage.getAudit(audit.id) as AuditRecord,
    reportPath,
    testsPassed,
    git: outcome,
    cleanupWarning,
  };
}

export function secondsBetween(from: unknown, to: unknown): number {
  const a = timestampMs(from);
  const b = timestampMs(to);
  if (a === null || b === null) return 0;
  return Math.round(Math.max(0, b - a)) / 1000;
}

/** A skip or abandon needs a reason with some text in it (`--reason ""` is a careless slip). */
export function requireReason(reason: string): void {
  if (typeof reason !== "string" || reason.trim() === "")
    throw new CairnError(ErrorKind.Usage, "a reason is required", {
      hint: "e.g. --reason user_request, --reason dependency_failed, or your own words",
    });
}

export async function abandonAudit(
  ctx: AuditContext,
  options: { auditId?: string; reason: string; status?: "abandoned" | "failed" },
): Promise<AuditRecord> {
  requireReason(options.reason);
  const audit = currentAudit(ctx, options.auditId);
  requireInProgress(audit);
  const counts = phaseCounts(audit);
  const now = formatTimestamp();
  // The event first: a pool that cannot store it leaves the audit in progress.
  await emitAuditAbandoned(ctx.emitter, audit.id, {
    reason: options.reason,
    phases_completed: counts.completed,
    phases_remaining: counts.remaining,
  });
  ctx.storage.updateAudit(audit.id, (current) => {
    requireInProgress(current); // again under the storage lock: a concurrent complete or abandon wins
    return {
      status: options.status ?? "abandoned",
      completed_at: now,
      abandon_reason: options.reason,
      duration_seconds: secondsBetween(audit.started_at, now),
    };
  });
  return ctx.storage.getAudit(audit.id) as AuditRecord;
}
