/**
 * The archived report of a completed audit: `.phaser/reports/{date}-{slug}.md`
 * (collisions get `-2`, `-3`…), a Markdown summary of phases and totals.
 */
import * as fs from "node:fs";
import type { AuditContext } from "./audit-context.js";
import { phasesOf } from "./audit-phases.js";
import type { AuditRecord } from "../storage/audit-store.js";
import { writeFileAtomic } from "../storage/atomic-file.js";

export function writeAuditReport(ctx: AuditContext, audit: AuditRecord): string {
  ctx.storage.ensureDirectories();
  const base = `reports/${audit.date}-${audit.slug}`;
  let path = ctx.storage.getPath(`${base}.md`);
  for (let n = 2; fs.existsSync(path); n++) path = ctx.storage.getPath(`${base}-${n}.md`);
  const lines = [
    `# Audit report: ${audit.project} / ${audit.slug}`,
    "",
    `- id: ${audit.id}`,
    `- started: ${audit.started_at ?? ""}`,
    `- completed: ${audit.completed_at ?? ""}`,
    `- duration: ${audit.duration_seconds ?? 0} s`,
    `- files: +${audit.files_created ?? 0} created, ~${audit.files_modified ?? 0} modified, -${audit.files_deleted ?? 0} deleted`,
    "",
    "| Phase | Title | Status | Attempts | Duration (s) |",
    "|-------|-------|--------|----------|--------------|",
    ...phasesOf(audit).map(
      (p) => `| ${p.number} | ${p.title} | ${p.status} | ${p.attempts} | ${p.duration_seconds ?? ""} |`,
    ),
    "",
  ];
  writeFileAtomic(path, lines.join("\n"));
  return path;
}
