/**
 * Completion options like Phaser's: `commit` (the audit's changes, in a commit naming the
 * audit), `tag` (annotated `audit/{date}-{slug}`) and the clean-up of the setup block's
 * `.audit/` working folder. Checks run before anything changes; git runs after the report
 * and events; clean-up runs last, once the audit is recorded completed.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import {
  auditTagName,
  commitAll,
  createAnnotatedTag,
  deleteTag,
  requireGitWorkTree,
  requireTagFree,
} from "../git/audit-git.js";
import { phasesOf } from "./audit-phases.js";
import type { AuditRecord } from "../storage/audit-store.js";

export interface CompletionOptions {
  /** Commit the audit's changes (everything but `.audit/` and `.phaser/`). */
  commit?: boolean;
  /** Create the annotated tag `audit/{date}-{slug}`. */
  tag?: boolean;
  /** Keep `.audit/` (Phaser deletes it once the audit is complete). */
  keepAuditDir?: boolean;
}

export const AUDIT_DIR = ".audit";

/** Refuses `--commit`/`--tag` outside git and an existing tag, before any step runs. */
export function checkCompletionOptions(projectDir: string, audit: AuditRecord, options: CompletionOptions): void {
  if (options.commit) requireGitWorkTree(projectDir, "--commit");
  if (options.tag) {
    requireGitWorkTree(projectDir, "--tag");
    requireTagFree(projectDir, auditTagName(String(audit.date), audit.slug));
  }
}

/** Also for `audit run`, which has no record yet when it checks. */
export function checkGitFlags(projectDir: string, options: CompletionOptions): void {
  if (options.commit) requireGitWorkTree(projectDir, "--commit");
  if (options.tag) requireGitWorkTree(projectDir, "--tag");
}

export function commitMessage(audit: AuditRecord): string {
  const phases = phasesOf(audit);
  const completed = phases.filter((p) => p.status === "completed").length;
  const skipped = phases.filter((p) => p.status === "skipped").length;
  const lines = phases.map((p) => `- phase ${p.number}: ${p.title} (${p.status})`);
  return [
    `Complete audit ${audit.project}/${audit.slug}`,
    "",
    `Phases: ${completed} completed, ${skipped} skipped of ${phases.length}`,
    ...lines,
    "",
    `Audit-Id: ${audit.id}`,
  ].join("\n");
}

export interface GitOutcome {
  commit: string | null;
  tag: string | null;
}

/** The git steps; `storageDir` is left out of the commit when it lies inside the project. */
export function runGitSteps(
  projectDir: string,
  storageDir: string,
  audit: AuditRecord,
  options: CompletionOptions,
): GitOutcome {
  const outcome: GitOutcome = { commit: null, tag: null };
  if (options.commit) {
    const excluded = [AUDIT_DIR];
    const storage = nodePath.relative(projectDir, storageDir);
    if (storage && !storage.startsWith("..") && !nodePath.isAbsolute(storage))
      excluded.push(storage.split(nodePath.sep).join("/"));
    outcome.commit = commitAll(projectDir, commitMessage(audit), excluded);
  }
  if (options.tag) {
    const tag = auditTagName(String(audit.date), audit.slug);
    createAnnotatedTag(projectDir, tag, `Audit ${audit.project}/${audit.slug} completed`);
    outcome.tag = tag;
  }
  return outcome;
}

export function undoTag(projectDir: string, outcome: GitOutcome): void {
  if (outcome.tag) deleteTag(projectDir, outcome.tag);
}

/**
 * Phaser's rule: once the audit is complete (tests passed), delete `.audit/` entirely.
 * Only a real directory is removed (a symlink named `.audit` is left alone); a failure is
 * returned as a warning, since the audit is already recorded completed.
 */
export function cleanUpAuditDir(projectDir: string, options: CompletionOptions): string | null {
  if (options.keepAuditDir) return null;
  const dir = nodePath.join(projectDir, AUDIT_DIR);
  try {
    if (!fs.lstatSync(dir).isDirectory()) return null;
  } catch {
    return null; // nothing to clean
  }
  try {
    fs.rmSync(dir, { recursive: true });
    return null;
  } catch (err) {
    return `could not remove ${dir}: ${(err as Error).message}`;
  }
}
