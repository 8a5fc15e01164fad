/**
 * Comparing two manifests with Phaser's semantics: added, modified (hash differs),
 * deleted, unchanged_count; line counts and unified diffs for text with stored contents
 * (<= 100,000 bytes), `(diff skipped: file too large)` otherwise, `(binary file changed)`.
 */
import { countChanges, diffLines, splitLines, unifiedDiff } from "./line-diff.js";
import type { Manifest, ManifestEntry } from "./manifest.js";

export const DIFF_BYTES_MAX = 100_000;

export interface ModifiedFile {
  path: string;
  before: ManifestEntry;
  after: ManifestEntry;
  lines_added: number;
  lines_removed: number;
}

export interface ManifestDiff {
  added: ManifestEntry[];
  modified: ModifiedFile[];
  deleted: ManifestEntry[];
  unchanged_count: number;
}

export function compareManifests(before: Manifest, after: Manifest): ManifestDiff {
  const old = new Map(before.files.map((f) => [f.path, f]));
  const result: ManifestDiff = { added: [], modified: [], deleted: [], unchanged_count: 0 };
  for (const file of after.files) {
    const prior = old.get(file.path);
    old.delete(file.path);
    if (!prior) result.added.push(file);
    else if (prior.sha256 !== file.sha256) result.modified.push(modifiedFile(prior, file));
    else result.unchanged_count++;
  }
  result.deleted.push(...old.values());
  result.deleted.sort((a, b) => (a.path < b.path ? -1 : 1));
  return result;
}

function modifiedFile(before: ManifestEntry, after: ManifestEntry): ModifiedFile {
  let counts = { linesAdded: 0, linesRemoved: 0 };
  if (typeof before.content === "string" && typeof after.content === "string")
    counts = countChanges(diffLines(splitLines(before.content), splitLines(after.content)));
  return { path: after.path, before, after, lines_added: counts.linesAdded, lines_removed: counts.linesRemoved };
}

export function isEmptyDiff(diff: ManifestDiff): boolean {
  return diff.added.length + diff.modified.length + diff.deleted.length === 0;
}

export function formatSummary(diff: ManifestDiff): string {
  if (isEmptyDiff(diff)) return "No changes";
  return `+${diff.added.length} added, ~${diff.modified.length} modified, -${diff.deleted.length} deleted`;
}

export function diffToJson(diff: ManifestDiff): Record<string, unknown> {
  return {
    added: diff.added.map((f) => ({ path: f.path, size: f.size, type: f.type })),
    modified: diff.modified.map((m) => ({
      path: m.path,
      size_before: m.before.size,
      size_after: m.after.size,
      lines_added: m.lines_added,
      lines_removed: m.lines_removed,
    })),
    deleted: diff.deleted.map((f) => ({ path: f.path, size: f.size })),
    unchanged_count: diff.unchanged_count,
    summary: formatSummary(diff),
  };
}

export function fileDiffText(m: ModifiedFile): string {
  if (m.before.type === "binary" || m.after.type === "binary") return "(binary file changed)";
  if (
    typeof m.before.content !== "string" ||
    typeof m.after.content !== "string" ||
    m.before.size > DIFF_BYTES_MAX ||
    m.after.size > DIFF_BYTES_MAX
  )
    return "(diff skipped: file too large)";
  return unifiedDiff(m.path, m.before.content, m.after.content);
}

export function formatDetailed(diff: ManifestDiff): string {
  const lines = [formatSummary(diff)];
  for (const f of diff.added) lines.push(`+ ${f.path} (${f.size} bytes)`);
  for (const f of diff.deleted) lines.push(`- ${f.path}`);
  for (const m of diff.modified) {
    lines.push(`~ ${m.path} (+${m.lines_added} -${m.lines_removed})`);
    lines.push(fileDiffText(m));
  }
  return lines.join("\n");
}
