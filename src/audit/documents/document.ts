/**
 * Audit documents in both Phaser formats, parsed without executing anything.
 *
 * - Setup-block: `=== AUDIT SETUP START ===` … `=== AUDIT SETUP END ===` holding files as
 *   `===FILE: path===` … `===END FILE===` (phases are `.audit/phases/NN-slug.md` files with
 *   `# Phase N: Title` and `## Verify`), optional `CHECKSUM: sha256:…` before the end marker.
 * - Bridge: `# Document N: Title`, a setup block, then `## Phase N: Title` with `###`
 *   subsections (Files table, Verify, …).
 *
 * Headings inside fenced code (``` or ~~~, 3+, closed by the same char at >= length) are
 * ignored. Problems are collected with 1-based line numbers.
 */
import { createHash } from "node:crypto";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { readContextMetadata } from "./context-metadata.js";
import { setupPathRefusal } from "./setup-paths.js";
import { type NumberedLine, verifyCommands } from "./verify-section.js";

export interface PhaseFileAction {
  path: string;
  action: "CREATE" | "MODIFY" | "DELETE";
}

export interface AuditPhase {
  number: number;
  title: string;
  /** 1-based line of the phase heading in the document. */
  line: number;
  /** The phase file path (setup-block format), else a conventional `.audit/phases/NN-slug.md`. */
  file: string;
  verify: string[];
  files: PhaseFileAction[];
  /**
   * Bridge format: the phase's section as a phase file (`# Phase N: Title`, its `###`
   * subsections as `##`), which `audit start` writes to `file`. Absent in the setup-block
   * format, where the setup block holds the phase files themselves.
   */
  fileText?: string;
}

export interface SetupFile {
  path: string;
  content: string;
  /** 1-based document line of the `===FILE:` marker. */
  line: number;
}

export interface AuditDocument {
  format: "setup-block" | "bridge";
  title: string;
  slug: string;
  /** From the document's CONTEXT metadata (`**Project:**`, `**Slug:**`, `**Date:**`), when present. */
  project?: string;
  date?: string;
  phases: AuditPhase[];
  setupFiles: SetupFile[];
}

export interface DocumentProblem {
  line: number;
  message: string;
}

export interface ParseOptions {
  /** A phase without a runnable Verify command is a warning instead of an error. */
  allowEmptyVerify?: boolean;
}

export interface ParseResult {
  document: AuditDocument | null;
  errors: DocumentProblem[];
  warnings: DocumentProblem[];
}

const SETUP_START = /^=== AUDIT SETUP START ===\s*$/;
const SETUP_END = /^=== AUDIT SETUP END ===\s*$/;
const FILE_START = /^===FILE:\s*(.+?)\s*===\s*$/;
const FILE_END = /^===END FILE===\s*$/;
const CHECKSUM = /^CHECKSUM:\s*sha256:([0-9a-fA-F]{64})\s*$/;
const BRIDGE_PHASE = /^##\s+Phase\s+(\d+)\s*:\s*(.*?)\s*$/;
const FILE_PHASE = /^#\s+Phase\s+(\d+)\s*:\s*(.*?)\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

export function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[^a-z0-9]+|-+$/g, "")
    .slice(0, 50)
    .replace(/-+$/, "");
  return slug.length > 0 ? slug : "audit";
}

/** Tracks fenced code across lines. */
class FenceTracker {
  private open: { char: string; length: number; line: number } | null = null;

  /** Feeds a line; true when the line is part of a fence (including its markers). */
  feed(line: string, lineNo: number): boolean {
    const m = FENCE.exec(line);
    if (this.open) {
      const marker = m?.[1];
      if (marker && marker[0] === this.open.char && marker.length >= this.open.length && line.trim() === marker)
        this.open = null;
      return true;
    }
    if (m) {
      this.open = { char: (m[1] as string)[0] as string, length: (m[1] as string).length, line: lineNo };
      return true;
    }
    return false;
  }

  get inside(): boolean {
    return this.open !== null;
  }

  get openedAt(): number | null {
    return this.open?.line ?? null;
  }
}

/** `fallbackTitle` (e.g. the file name) names a document with no title before its setup block. */
export function parseAuditDocument(text: string, fallbackTitle?: string, options: ParseOptions = {}): ParseResult {
  // A byte-order mark (Windows editors) would hide the `# Document N: Title` line.
  const lines = text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n/g, "\n")
    .split("\n");
  const errors: DocumentProblem[] = [];
  const warnings: DocumentProblem[] = [];
  const setup = readSetupBlock(lines, errors);
  const verifyLines = new Map<AuditPhase, NumberedLine[]>();
  const bridge = readBridgePhases(lines, errors, verifyLines);
  let format: AuditDocument["format"];
  let phases: AuditPhase[];
  if (bridge.length > 0) {
    format = "bridge";
    phases = bridge;
  } else {
    format = "setup-block";
    phases = setup ? phasesFromSetupFiles(setup.files, errors, verifyLines) : [];
  }
  if (!setup && !errors.some((e) => /setup/i.test(e.message)))
    errors.push({ line: 1, message: "Setup block not found (expected a line `=== AUDIT SETUP START ===`)" });
  if (phases.length === 0 && errors.length === 0) errors.push({ line: 1, message: "No phases found" });
  const seen = new Map<number, number>();
  for (const phase of phases) {
    const prior = seen.get(phase.number);
    if (prior !== undefined)
      errors.push({ line: phase.line, message: `phase ${phase.number} is defined twice (first at line ${prior})` });
    seen.set(phase.number, phase.line);
    if (phase.title === "") errors.push({ line: phase.line, message: `phase ${phase.number} has no title` });
    const verify = verifyCommands(verifyLines.get(phase) ?? []);
    for (const p of verify.problems) errors.push({ line: p.line, message: `phase ${phase.number}: ${p.message}` });
    phase.verify = verify.commands.map((c) => c.text);
    if (phase.verify.length === 0 && verify.problems.length === 0)
      (options.allowEmptyVerify ? warnings : errors).push({
        line: phase.line,
        message: `phase ${phase.number} has no runnable Verify command (a \`\`\`bash fence under "Verify")`,
      });
  }
  phases.sort((a, b) => a.number - b.number);
  const title = documentTitle(lines) ?? fallbackTitle ?? phases[0]?.title ?? "audit";
  const context = readContextMetadata(setup?.files ?? [], lines);
  const document: AuditDocument = {
    format,
    title,
    slug: context.slug ?? slugify(title),
    phases,
    setupFiles: setup?.files ?? [],
    ...(context.project ? { project: context.project } : {}),
    ...(context.date ? { date: context.date } : {}),
  };
  for (const problem of context.problems) errors.push(problem);
  return { document: errors.length === 0 ? document : null, errors, warnings };
}

/** Parses or throws a Usage error listing the first problems with their lines. */
export function requireAuditDocument(text: string, path: string, options: ParseOptions = {}): AuditDocument {
  const result = parseAuditDocument(
    text,
    path
      .split("/")
      .pop()
      ?.replace(/\.[^.]*$/, ""),
    options,
  );
  if (result.document) return result.document;
  const shown = result.errors.slice(0, 3).map((e) => `line ${e.line}: ${e.message}`);
  throw new CairnError(ErrorKind.Usage, `${path} is not a valid audit document: ${shown.join("; ")}`, {
    path,
    hint: "run `cairn audit validate` for the full list",
  });
}

function documentTitle(lines: string[]): string | null {
  const fence = new FenceTracker();
  for (const [i, line] of lines.entries()) {
    if (SETUP_START.test(line)) break; // headings inside the setup block belong to its files
    if (fence.feed(line, i + 1)) continue;
    const doc = /^#\s+Document\s+\d+\s*:\s*(.+?)\s*$/.exec(line);
    if (doc) return doc[1] as string;
    const h1 = /^#\s+(.+?)\s*$/.exec(line);
    if (h1 && !FILE_PHASE.test(line)) return h1[1] as string;
  }
  return null;
}

function readSetupBlock(lines: string[], errors: DocumentProblem[]): { files: SetupFile[] } | null {
  const start = lines.findIndex((l) => SETUP_START.test(l));
  if (start < 0) return null;
  const end = lines.findIndex((l, i) => i > start && SETUP_END.test(l));
  if (end < 0) {
    errors.push({ line: start + 1, message: "setup block opened here is never closed (`=== AUDIT SETUP END ===`)" });
    return null;
  }
  const files: SetupFile[] = [];
  let current: { path: string; line: number; body: string[] } | null = null;
  for (let i = start + 1; i < end; i++) {
    const line = lines[i] as string;
    if (current) {
      if (FILE_END.test(line)) {
        files.push({ path: current.path, content: `${current.body.join("\n")}\n`, line: current.line });
        current = null;
      } else current.body.push(line);
      continue;
    }
    const file = FILE_START.exec(line);
    if (file) {
      const path = file[1] as string;
      const refusal = setupPathRefusal(path);
      if (refusal) errors.push({ line: i + 1, message: `setup file "${path}" ${refusal}` });
      current = { path, line: i + 1, body: [] };
      continue;
    }
    const checksum = CHECKSUM.exec(line);
    if (checksum) {
      const hashed = lines.slice(start, i).join("\n");
      const candidates = [hashed, `${hashed}\n`].map((t) => createHash("sha256").update(t).digest("hex"));
      if (!candidates.includes((checksum[1] as string).toLowerCase()))
        errors.push({ line: i + 1, message: "setup block checksum does not match its contents" });
    }
  }
  if (current) errors.push({ line: current.line, message: `file "${current.path}" is never closed (===END FILE===)` });
  return { files };
}

function phasesFromSetupFiles(
  files: SetupFile[],
  errors: DocumentProblem[],
  verifyLines: Map<AuditPhase, NumberedLine[]>,
): AuditPhase[] {
  const phases: AuditPhase[] = [];
  for (const file of files) {
    if (!/^\.audit\/phases\/[^/]+\.md$/.test(file.path)) continue;
    const lines = file.content.split("\n");
    const fence = new FenceTracker();
    let phase: AuditPhase | null = null;
    let section = "";
    for (const [i, line] of lines.entries()) {
      const docLine = file.line + 1 + i; // phase-file lines are reported as document lines
      const inFence = fence.feed(line, docLine);
      if (!inFence) {
        const head = FILE_PHASE.exec(line);
        if (head && !phase) {
          phase = {
            number: Number(head[1]),
            title: head[2] as string,
            line: docLine,
            file: file.path,
            verify: [],
            files: [],
          };
          continue;
        }
        const sub = /^##\s+(.+?)\s*$/.exec(line);
        if (sub) {
          section = (sub[1] as string).toLowerCase();
          continue;
        }
      }
      if (phase) collectSectionLine(phase, section, { text: line, line: docLine }, verifyLines);
    }
    if (fence.inside)
      errors.push({ line: fence.openedAt ?? file.line, message: `${file.path}: code fence is never closed` });
    if (!phase) errors.push({ line: file.line, message: `${file.path}: no "# Phase N: Title" heading` });
    else phases.push(phase);
  }
  return phases;
}

function readBridgePhases(
  lines: string[],
  errors: DocumentProblem[],
  verifyLines: Map<AuditPhase, NumberedLine[]>,
): AuditPhase[] {
  const phases: AuditPhase[] = [];
  const fence = new FenceTracker();
  let phase: AuditPhase | null = null;
  let body: string[] = [];
  let section = "";
  const close = () => {
    if (phase) phase.fileText = `${body.join("\n").replace(/\s+$/, "")}\n`;
    phase = null;
  };
  for (const [i, line] of lines.entries()) {
    const inFence = fence.feed(line, i + 1);
    if (!inFence) {
      const head = BRIDGE_PHASE.exec(line);
      if (head) {
        close();
        const number = Number(head[1]);
        const title = head[2] as string;
        phase = { number, title, line: i + 1, file: phaseFileName(number, title), verify: [], files: [] };
        phases.push(phase);
        body = [`# Phase ${number}: ${title}`];
        section = "";
        continue;
      }
      if (/^##\s/.test(line) || /^#\s/.test(line)) {
        close();
        continue;
      }
      const sub = /^###\s+(.+?)\s*$/.exec(line);
      if (sub && phase) {
        section = (sub[1] as string).toLowerCase();
        body.push(`## ${sub[1] as string}`);
        continue;
      }
    }
    if (phase) {
      body.push(line);
      collectSectionLine(phase, section, { text: line, line: i + 1 }, verifyLines);
    }
  }
  close();
  if (fence.inside) errors.push({ line: fence.openedAt ?? 1, message: "code fence opened here is never closed" });
  return phases;
}

/** Verify lines are kept whole (fences included) for `verifyCommands`; Files rows are read here. */
function collectSectionLine(
  phase: AuditPhase,
  section: string,
  entry: NumberedLine,
  verifyLines: Map<AuditPhase, NumberedLine[]>,
): void {
  const line = entry.text;
  if (section === "verify" || section === "verification") {
    const list = verifyLines.get(phase) ?? [];
    list.push(entry);
    verifyLines.set(phase, list);
  } else if (section === "files") {
    const row = /^\|\s*`?([^|`]+?)`?\s*\|\s*(CREATE|MODIFY|DELETE)\s*\|/i.exec(line);
    if (row)
      phase.files.push({
        path: row[1] as string,
        action: (row[2] as string).toUpperCase() as PhaseFileAction["action"],
      });
    const bold = /^\*\*(Create|Modify|Delete):\s*`([^`]+)`\*\*/i.exec(line.trim());
    if (bold)
      phase.files.push({
        path: bold[2] as string,
        action: (bold[1] as string).toUpperCase() as PhaseFileAction["action"],
      });
  }
}

function phaseFileName(number: number, title: string): string {
  return `.audit/phases/${String(number).padStart(2, "0")}-${slugify(title)}.md`;
}
