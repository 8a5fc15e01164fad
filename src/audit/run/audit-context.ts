/**
 * What every audit command needs: storage, an emitter on it, the project directory and
 * the settings; plus finding "the current audit" (by id prefix, else the newest one in
 * progress for this project, else the newest in progress anywhere).
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { numberSetting } from "../storage/config.js";
import { AuditEmitter, type AuditEmitterOptions } from "../events/emitter.js";
import { gitInfo } from "../git/git-info.js";
import { CONTENT_MAX_BYTES_DEFAULT, type CaptureOptions, DEFAULT_EXCLUDES } from "../manifests/manifest.js";
import { PhaserStorage } from "../storage/storage.js";
import { ownOutputFiles } from "./own-output-files.js";

export interface AuditContext {
  storage: PhaserStorage;
  emitter: AuditEmitter;
  /** The project: the git top level containing cwd, else cwd. */
  projectDir: string;
  verifyTimeoutMs: number;
  maxAttempts: number;
  staleDays: number;
  testCommand: string | null;
  captureOptions: CaptureOptions;
}

export function openAuditContext(
  options: { cwd?: string; storageRoot?: string; emitter?: AuditEmitterOptions } = {},
): AuditContext {
  const cwd = nodePath.resolve(options.cwd ?? process.cwd());
  const storage = new PhaserStorage(options.storageRoot);
  const config = storage.getConfig();
  const audit = (config.audit ?? {}) as Record<string, unknown>;
  const diff = (config.diff ?? {}) as Record<string, unknown>;
  const exclude = Array.isArray(diff.exclude) ? diff.exclude.map(String) : DEFAULT_EXCLUDES;
  return {
    storage,
    emitter: new AuditEmitter(storage, options.emitter),
    projectDir: gitInfo(cwd).root ?? cwd,
    verifyTimeoutMs: positive(numberSetting(config, "audit", "verify_timeout_seconds", 300), 300) * 1000,
    maxAttempts: Math.max(1, numberSetting(config, "audit", "max_attempts", 3)),
    staleDays: numberSetting(config, "audit", "stale_days", 7),
    testCommand: typeof audit.test_command === "string" && audit.test_command.trim() ? audit.test_command : null,
    captureOptions: {
      exclude: [...new Set([...exclude, ".phaser"])],
      excludePaths: [storage.root],
      excludeFiles: ownOutputFiles(),
      contentMaxBytes: numberSetting(config, "diff", "content_max_bytes", CONTENT_MAX_BYTES_DEFAULT),
    },
  };
}

/** A hand-edited zero or negative setting falls back to its default. */
const positive = (value: number, fallback: number) => (value > 0 ? value : fallback);

/** An audit by id or unique id prefix. */
export function findAudit(ctx: AuditContext, idOrPrefix: string): AuditRecord {
  const all = ctx.storage.listAudits();
  const exact = all.find((a) => a.id === idOrPrefix);
  if (exact) return exact;
  const byId = all.filter((a) => a.id.startsWith(idOrPrefix));
  if (byId.length === 1) return byId[0] as AuditRecord;
  // A slug names its newest run (the list is newest first).
  const bySlug = all.find((a) => a.slug === idOrPrefix);
  if (byId.length === 0 && bySlug) return bySlug;
  const matches = byId;
  if (matches.length > 1)
    throw new CairnError(ErrorKind.Usage, `"${idOrPrefix}" matches ${matches.length} audits`, {
      hint: "give more characters of the id",
    });
  throw new CairnError(ErrorKind.NotFound, `no audit "${idOrPrefix}"`, { hint: "list audits with `cairn audit list`" });
}

/**
 * The audit a command acts on: `--audit` when given, else the current one in progress.
 * The context's project directory becomes the audit's own (when it still exists), so
 * verify commands and manifests run where the audit started, whatever the cwd.
 */
export function currentAudit(ctx: AuditContext, idOrPrefix?: string): AuditRecord {
  const audit = chooseAudit(ctx, idOrPrefix);
  const root = (audit.metadata as { root?: unknown } | undefined)?.root;
  if (typeof root === "string" && root !== ctx.projectDir && isDirectory(root)) ctx.projectDir = root;
  return audit;
}

function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function chooseAudit(ctx: AuditContext, idOrPrefix?: string): AuditRecord {
  if (idOrPrefix) return findAudit(ctx, idOrPrefix);
  const open = ctx.storage.listAudits().filter((a) => a.status === "in_progress");
  const here = open.filter((a) => (a.metadata as { root?: string } | undefined)?.root === ctx.projectDir);
  const chosen = here[0] ?? open[0];
  if (!chosen)
    throw new CairnError(ErrorKind.NotFound, "no audit in progress", {
      hint: "start one with `cairn audit start DOC`",
    });
  return chosen;
}

export function requireInProgress(audit: AuditRecord): void {
  if (audit.status !== "in_progress")
    throw new CairnError(ErrorKind.Usage, `audit ${audit.slug} is ${audit.status}, not in progress`, {
      hint: "start a new audit with `cairn audit start DOC`",
    });
}
