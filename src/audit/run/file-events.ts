/**
 * File events that add up to the completion totals (issue 9, findings 11 and 12): each
 * phase that ends (verified or skipped) claims every change since the last phase that
 * ended, compared with the `recorded` manifest (the audit's `pre` manifest at first).
 * Changes made before `phase start`, or in a skipped phase, are therefore never lost;
 * changes after the last phase are claimed by `audit complete` with phase null.
 */
import { emitFileCreated, emitFileDeleted, emitFileModified } from "../events/emit-helpers.js";
import { compareManifests } from "../manifests/manifest-compare.js";
import { captureAndStore, loadStored, storeManifest } from "../manifests/manifest-store.js";
import type { Manifest } from "../manifests/manifest.js";
import type { AuditContext } from "./audit-context.js";

export interface FileCounts {
  created: number;
  modified: number;
  deleted: number;
}

/**
 * Emits the changes since the last recorded manifest for `phase`, then records `now`
 * (captured here when not given). The events are stored before the baseline moves, so a
 * failed emit claims the same changes again on retry.
 */
export async function emitFileEventsSince(
  ctx: AuditContext,
  auditId: string,
  phase: number | null,
  now?: Manifest,
): Promise<FileCounts> {
  const before = loadStored(ctx, auditId, "recorded") ?? loadStored(ctx, auditId, "pre");
  const after = now ?? (await captureAndStore(ctx, auditId, phaseManifestName(phase, "post")));
  if (!before) return { created: 0, modified: 0, deleted: 0 };
  const diff = compareManifests(before, after);
  for (const f of diff.added) await emitFileCreated(ctx.emitter, auditId, phase, { path: f.path, size_bytes: f.size });
  for (const m of diff.modified)
    await emitFileModified(ctx.emitter, auditId, phase, {
      path: m.path,
      size_bytes: m.after.size,
      lines_added: m.lines_added,
      lines_removed: m.lines_removed,
    });
  for (const f of diff.deleted) await emitFileDeleted(ctx.emitter, auditId, phase, { path: f.path });
  storeManifest(ctx, auditId, "recorded", after);
  return { created: diff.added.length, modified: diff.modified.length, deleted: diff.deleted.length };
}

export const phaseManifestName = (n: number | null, when: "pre" | "post") =>
  n === null ? "completion" : `phase-${String(n).padStart(2, "0")}-${when}`;
