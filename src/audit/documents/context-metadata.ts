/**
 * The audit's project, slug and date as the document states them in its CONTEXT metadata:
 * the setup block's `.audit/CONTEXT.md`, else the document text before the setup block.
 * Recognised lines: `**Project:** Impromptu`, `- Project: Impromptu`, `| Project | Impromptu |`
 * (keys project, slug or audit slug, date; case-insensitive). A slug that Phaser would
 * refuse, or a date that is not YYYY-MM-DD, is a problem with its line.
 */
import { slugProblem } from "./names.js";

export interface ContextMetadata {
  project?: string;
  slug?: string;
  date?: string;
  problems: { line: number; message: string }[];
}

const FIELD =
  /^\s*(?:[-*]\s+)?(?:\|\s*)?\**\s*(project|slug|audit slug|date)\s*:?\**\s*(?::|\|)\s*\**\s*(.+?)\s*\**\s*\|?\s*$/i;

export function readContextMetadata(
  setupFiles: readonly { path: string; content: string; line: number }[],
  documentLines: readonly string[],
): ContextMetadata {
  const context = setupFiles.find((f) => /(^|\/)\.audit\/CONTEXT\.md$/i.test(f.path) || f.path === "CONTEXT.md");
  const candidates = context
    ? context.content.split("\n").map((text, i) => ({ text, line: context.line + 1 + i }))
    : beforeSetup(documentLines);
  const result: ContextMetadata = { problems: [] };
  for (const { text, line } of candidates) {
    const m = FIELD.exec(text);
    if (!m) continue;
    const key = (m[1] as string).toLowerCase();
    const value = (m[2] as string).replace(/^`|`$/g, "").trim();
    if (value === "") continue;
    if (key === "project" && result.project === undefined) result.project = value;
    else if ((key === "slug" || key === "audit slug") && result.slug === undefined) {
      const problem = slugProblem(value);
      if (problem) result.problems.push({ line, message: `CONTEXT ${problem}` });
      else result.slug = value;
    } else if (key === "date" && result.date === undefined) {
      if (/^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value))) result.date = value;
      else result.problems.push({ line, message: `CONTEXT date "${value}" is not a YYYY-MM-DD date` });
    }
  }
  return result;
}

function beforeSetup(lines: readonly string[]): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  for (const [i, text] of lines.entries()) {
    if (/^=== AUDIT SETUP START ===/.test(text) || /^##\s+Phase\s+\d+/.test(text)) break;
    out.push({ text, line: i + 1 });
  }
  return out;
}
