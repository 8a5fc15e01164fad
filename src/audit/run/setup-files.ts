/**
 * Writing a document's files into the project: the setup block's files (setup-block
 * format) or each phase's file (bridge format, as Phaser's bridge writes them).
 *
 * `setupFileProblems(projectDir, document)` lists every target that may not be written;
 * `writeSetupFiles` checks them all first and writes nothing when one is refused. A target
 * is refused when its path is (`setupPathRefusal`: outside the project, under `.git/`,
 * `.phaser/` or another protected directory), when any existing part of its way is a
 * symlink, or when it resolves into a protected directory or outside the project. Issue 10,
 * finding 1: a document once overwrote `.phaser/audits.json` and `.git/config`.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import type { AuditDocument } from "../documents/document.js";
import { setupPathRefusal } from "../documents/setup-paths.js";

interface PlannedFile {
  path: string;
  content: string;
  /** The document line that names the file. */
  line: number;
}

export function plannedSetupFiles(document: AuditDocument): PlannedFile[] {
  return document.format === "setup-block"
    ? document.setupFiles
    : document.phases.map((p) => ({
        path: p.file,
        content: p.fileText ?? `# Phase ${p.number}: ${p.title}\n`,
        line: p.line,
      }));
}

export function setupFileProblems(projectDir: string, document: AuditDocument): { line: number; message: string }[] {
  const problems: { line: number; message: string }[] = [];
  for (const file of plannedSetupFiles(document)) {
    const refusal = targetRefusal(projectDir, file.path);
    if (refusal) problems.push({ line: file.line, message: `setup file "${file.path}" ${refusal}` });
  }
  return problems;
}

export function writeSetupFiles(projectDir: string, document: AuditDocument): void {
  const problems = setupFileProblems(projectDir, document);
  if (problems.length > 0)
    throw new CairnError(
      ErrorKind.Usage,
      `${problems[0]?.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      {
        hint: "nothing was written; setup files stay inside the project, outside .git/ and .phaser/, and not through a symlink",
      },
    );
  for (const file of plannedSetupFiles(document)) {
    const target = nodePath.resolve(projectDir, file.path);
    try {
      fs.mkdirSync(nodePath.dirname(target), { recursive: true });
      fs.writeFileSync(target, file.content);
    } catch (err) {
      throw toCairnError(err, { path: target, what: "cannot write setup file" });
    }
  }
}

function targetRefusal(projectDir: string, path: string): string | null {
  const textual = setupPathRefusal(path);
  if (textual) return textual;
  const realProject = fs.realpathSync(projectDir);
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  let walked = projectDir;
  for (const segment of segments) {
    walked = nodePath.join(walked, segment);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(walked);
    } catch {
      break; // the rest does not exist yet: it will be created as plain directories
    }
    if (stat.isSymbolicLink()) return "leads through a symlink, which a document may not write through";
    if (walked !== nodePath.join(projectDir, path) && !stat.isDirectory())
      return "leads through a file that is not a directory";
  }
  // The project itself may be reached through a symlink (/tmp on macOS); what counts is that
  // the target's real location stays inside the real project and out of protected directories.
  const relative = nodePath.relative(realProject, nodePath.join(realProject, ...segments));
  return relative.startsWith("..")
    ? "would be written outside the project"
    : setupPathRefusal(relative.split(nodePath.sep).join("/"));
}
