/**
 * The commands of one Verify section, read without running anything.
 *
 * `verifyCommands(lines)` takes the section's lines (with their document line numbers) and
 * returns `{ commands, problems }`:
 * - A section with fenced code runs only its fences whose language is bash, sh, shell or
 *   none; every complete command in them (split by `splitShellCommands`: quotes,
 *   continuations, compound commands, heredocs) is one command. Text outside fences is prose
 *   and never runs, inline backticks included.
 * - A section without any fence follows the bare rule (Phaser's setup-block convention of
 *   command lines): it runs only when every command in it reads as a command
 *   (`classifyBareCommand`); otherwise nothing in it runs and each line that reads as prose is
 *   a problem.
 * - A command holding a template placeholder is a problem naming its line.
 */
import { classifyBareCommand } from "./shell/command-words.js";
import { findPlaceholder } from "./shell/placeholders.js";
import { type ShellCommand, splitShellCommands } from "./shell/split-commands.js";

export interface NumberedLine {
  text: string;
  /** 1-based line in the document. */
  line: number;
}

export interface VerifyCommands {
  commands: ShellCommand[];
  problems: { line: number; message: string }[];
}

const FENCE_OPEN = /^\s{0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const SHELL_LANGUAGES = new Set(["", "bash", "sh", "shell"]);

export function verifyCommands(lines: readonly NumberedLine[]): VerifyCommands {
  const blocks: { language: string; body: NumberedLine[] }[] = [];
  const bare: NumberedLine[] = [];
  let open: { char: string; length: number; language: string; body: NumberedLine[] } | null = null;
  for (const entry of lines) {
    const marker = FENCE_OPEN.exec(entry.text);
    if (open) {
      const m = marker?.[1];
      if (m && m[0] === open.char && m.length >= open.length && entry.text.trim() === m) {
        blocks.push({ language: open.language, body: open.body });
        open = null;
      } else open.body.push(entry);
      continue;
    }
    if (marker) {
      const fence = marker[1] as string;
      open = { char: fence[0] as string, length: fence.length, language: (marker[2] ?? "").toLowerCase(), body: [] };
      continue;
    }
    bare.push(entry);
  }
  // An unclosed fence is reported by the document parser; its body never runs.
  if (blocks.length > 0 || open) {
    const result: VerifyCommands = { commands: [], problems: [] };
    for (const block of blocks) if (SHELL_LANGUAGES.has(block.language)) addCommands(block.body, result, false);
    return result;
  }
  const result: VerifyCommands = { commands: [], problems: [] };
  addCommands(bare, result, true);
  if (result.problems.length > 0) result.commands = []; // the bare rule is all or nothing
  return result;
}

function addCommands(body: readonly NumberedLine[], result: VerifyCommands, bare: boolean): void {
  const first = body[0];
  if (!first) return;
  // Lines are contiguous within a block, except that a bare section skips fenced lines: each
  // bare line is split on its own numbering so reported lines stay right.
  const groups = bare ? contiguousRuns(body) : [body];
  for (const group of groups) {
    const start = (group[0] as NumberedLine).line;
    const split = splitShellCommands(group.map((l) => l.text).join("\n"), start);
    for (const p of split.problems)
      result.problems.push({
        line: p.line,
        message: bare ? `Verify line is not a complete command (${p.message})` : `Verify: ${p.message}`,
      });
    for (const command of split.commands) {
      const placeholder = findPlaceholder(command.text);
      if (placeholder) {
        result.problems.push({
          line: command.line,
          message: `Verify command holds the template placeholder ${placeholder}; replace it with a real command`,
        });
        continue;
      }
      if (bare) {
        const refusal = classifyBareCommand(command.text);
        if (refusal) {
          result.problems.push({
            line: command.line,
            message: `Verify line ${refusal}, so it is not run: "${shorten(command.text)}" (put commands in a \`\`\`bash fence; text outside fences is prose)`,
          });
          continue;
        }
      }
      result.commands.push(command);
    }
  }
}

function contiguousRuns(lines: readonly NumberedLine[]): NumberedLine[][] {
  const runs: NumberedLine[][] = [];
  for (const entry of lines) {
    const run = runs.at(-1);
    const last = run?.at(-1);
    if (run && last && last.line + 1 === entry.line) run.push(entry);
    else runs.push([entry]);
  }
  return runs;
}

function shorten(text: string): string {
  const line = text.split("\n")[0] as string;
  return line.length > 60 ? `${line.slice(0, 57)}…` : line;
}
