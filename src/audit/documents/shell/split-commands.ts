/**
 * Splits shell text into complete commands the way bash reads them, without running anything.
 *
 * A command ends at a newline only when nothing is open: no quote ('…', "…", $'…', `…`), no
 * `$(…)`, `${…}` or `(…)`, no compound command (if…fi, for/while/until/select…done, case…esac,
 * {…}), no pending heredoc body, no trailing `\`, `|`, `&&` or `||`. Exports
 * `splitShellCommands(text, firstLine)` → `{ commands, problems }`; each command keeps its
 * text and the 1-based line it starts on, and each problem names the line where the
 * unbalanced construct opened. It is a reader, not a shell: it only needs to know where a
 * command ends, so words are not expanded.
 */

export interface ShellCommand {
  /** The command's text exactly as written (continuations and heredocs included). */
  text: string;
  /** 1-based line (in the caller's numbering) where the command starts. */
  line: number;
}

export interface ShellProblem {
  line: number;
  message: string;
}

type Frame =
  | { kind: "single" | "double" | "backtick" | "brace-param"; line: number }
  | { kind: "subshell" | "command-sub"; line: number; keywords: KeywordFrame[] };

interface KeywordFrame {
  opener: string;
  line: number;
}

const CLOSER: Record<string, string> = { if: "fi", for: "done", while: "done", until: "done", select: "done" };
CLOSER.case = "esac";
CLOSER["{"] = "}";
/** Words after which the next word is again in command position. */
const COMMAND_PREFIX = new Set(["then", "do", "else", "elif", "!", "time", "{", "if", "while", "until"]);

export function splitShellCommands(
  text: string,
  firstLine = 1,
): { commands: ShellCommand[]; problems: ShellProblem[] } {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const commands: ShellCommand[] = [];
  const problems: ShellProblem[] = [];
  const top: KeywordFrame[] = [];
  const frames: Frame[] = [];
  const pendingHeredocs: { word: string; stripTabs: boolean; line: number }[] = [];
  let current: string[] = [];
  let startLine = 0;
  let meaningful = false;

  const keywordsHere = (): KeywordFrame[] => {
    for (let i = frames.length - 1; i >= 0; i--) {
      const f = frames[i] as Frame;
      if (f.kind === "subshell" || f.kind === "command-sub") return f.keywords;
    }
    return top;
  };

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const lineNo = firstLine + index;
    if (current.length === 0) {
      startLine = lineNo;
      meaningful = false;
    }
    current.push(line);
    let commandPosition = frames.length === 0 || frames.at(-1)?.kind === "subshell";
    let continues = false;
    let trailingOperator = false;
    let i = 0;
    while (i < line.length) {
      const ch = line[i] as string;
      const frame = frames.at(-1);
      if (frame?.kind === "single") {
        if (ch === "'") frames.pop();
        i++;
        continue;
      }
      if (ch === "\\") {
        if (i === line.length - 1) continues = true;
        i += 2;
        meaningful = true;
        trailingOperator = false;
        continue;
      }
      if (frame?.kind === "double" || frame?.kind === "backtick" || frame?.kind === "brace-param") {
        const closer = frame.kind === "double" ? '"' : frame.kind === "backtick" ? "`" : "}";
        if (ch === closer) frames.pop();
        else if (ch === "$" && line[i + 1] === "(") {
          frames.push({ kind: "command-sub", line: lineNo, keywords: [] });
          i++;
        } else if (ch === "$" && line[i + 1] === "{") {
          frames.push({ kind: "brace-param", line: lineNo });
          i++;
        } else if (ch === "`" && frame.kind !== "backtick") frames.push({ kind: "backtick", line: lineNo });
        else if (ch === '"' && frame.kind === "brace-param") frames.push({ kind: "double", line: lineNo });
        i++;
        continue;
      }
      // Unquoted text: the top level, a subshell or a command substitution.
      if (ch === " " || ch === "\t") {
        i++;
        continue;
      }
      if (ch === "#") break; // a comment runs to the end of the line (a word never starts with #)
      meaningful = true;
      trailingOperator = false;
      if (ch === "'") {
        frames.push({ kind: "single", line: lineNo });
        i++;
        commandPosition = false;
        continue;
      }
      if (ch === "$" && line[i + 1] === "'") {
        frames.push({ kind: "single", line: lineNo }); // $'…' ends at an unescaped ' like '…' for our purpose
        i += 2;
        continue;
      }
      if (ch === '"') {
        frames.push({ kind: "double", line: lineNo });
        i++;
        commandPosition = false;
        continue;
      }
      if (ch === "`") {
        frames.push({ kind: "backtick", line: lineNo });
        i++;
        commandPosition = false;
        continue;
      }
      if (ch === "$" && line[i + 1] === "(") {
        frames.push({ kind: "command-sub", line: lineNo, keywords: [] });
        i += 2;
        commandPosition = true;
        continue;
      }
      if (ch === "$" && line[i + 1] === "{") {
        frames.push({ kind: "brace-param", line: lineNo });
        i += 2;
        continue;
      }
      if (ch === "(") {
        frames.push({ kind: "subshell", line: lineNo, keywords: [] });
        i++;
        commandPosition = true;
        continue;
      }
      if (ch === ")") {
        const keywords = keywordsHere();
        if (keywords.at(-1)?.opener === "case") {
          i++; // a case pattern's closing parenthesis
          commandPosition = true;
          continue;
        }
        const f = frames.at(-1);
        if (f && (f.kind === "subshell" || f.kind === "command-sub")) {
          if (f.keywords.length > 0)
            problems.push({ line: lineNo, message: `"${f.keywords.at(-1)?.opener}" is not closed before ")"` });
          frames.pop();
        } else problems.push({ line: lineNo, message: 'unmatched ")"' });
        i++;
        commandPosition = false;
        continue;
      }
      if (ch === "<" && line[i + 1] === "<" && line[i + 2] !== "<") {
        const heredoc = /^<<(-?)\s*(?:'([^']*)'|"([^"]*)"|\\?([A-Za-z0-9_.-]+))/.exec(line.slice(i));
        if (heredoc) {
          const word = heredoc[2] ?? heredoc[3] ?? heredoc[4] ?? "";
          pendingHeredocs.push({ word, stripTabs: heredoc[1] === "-", line: lineNo });
          i += heredoc[0].length;
          commandPosition = false;
          continue;
        }
      }
      if (ch === ";" || ch === "&" || ch === "|") {
        const two = line.slice(i, i + 2);
        if (two === ";;" || two === "&&" || two === "||" || two === ";&" || two === "|&") i += 2;
        else i++;
        trailingOperator = ch !== ";" && two !== ";;" && !(ch === "&" && two !== "&&");
        commandPosition = true;
        continue;
      }
      // A word: read it whole, then see whether it opens or closes a compound command.
      const word = /^[^\s;&|()<>'"`$\\#][^\s;&|()<>'"`$\\]*/.exec(line.slice(i))?.[0];
      if (!word) {
        i++;
        commandPosition = false;
        continue;
      }
      const after = line[i + word.length];
      const wordEnds = after === undefined || /[\s;&|()<>]/.test(after);
      if (commandPosition && wordEnds) {
        const keywords = keywordsHere();
        if (word in CLOSER) keywords.push({ opener: word, line: lineNo });
        else if (word === "fi" || word === "done" || word === "esac" || word === "}") {
          const open = keywords.at(-1);
          if (open && CLOSER[open.opener] === word) keywords.pop();
          else problems.push({ line: lineNo, message: `"${word}" closes nothing that is open` });
        }
        commandPosition = COMMAND_PREFIX.has(word) || word === "fi" || word === "done" || word === "esac";
        if (word === "case" || word === "for" || word === "select") commandPosition = false;
      } else if (word === "in" || word === "do") commandPosition = word === "do";
      else if (keywordsHere().at(-1)?.opener === "case" && wordEnds && word === "esac") {
        keywordsHere().pop();
      } else commandPosition = false;
      i += word.length;
    }
    // Heredoc bodies follow the line that announced them.
    while (pendingHeredocs.length > 0) {
      const heredoc = pendingHeredocs.shift() as { word: string; stripTabs: boolean; line: number };
      let closed = false;
      while (index + 1 < lines.length) {
        index++;
        const body = lines[index] as string;
        current.push(body);
        if ((heredoc.stripTabs ? body.replace(/^\t+/, "") : body) === heredoc.word) {
          closed = true;
          break;
        }
      }
      if (!closed) problems.push({ line: heredoc.line, message: `heredoc "${heredoc.word}" is never ended` });
    }
    const open = frames.length > 0 || top.length > 0;
    if (!open && !continues && !trailingOperator) {
      if (meaningful) commands.push({ text: current.join("\n").trim(), line: startLine });
      current = [];
    }
  }
  const lastFrame = frames[0];
  if (lastFrame)
    problems.push({ line: lastFrame.line, message: `${describe(lastFrame.kind)} opened here is never closed` });
  else if (top.length > 0) {
    const open = top.at(-1) as KeywordFrame;
    problems.push({
      line: open.line,
      message: `"${open.opener}" opened here is never closed by "${CLOSER[open.opener]}"`,
    });
  } else if (current.some((l) => l.trim() !== ""))
    problems.push({ line: startLine, message: "the last command ends with a continuation and never finishes" });
  return { commands, problems };
}

function describe(kind: Frame["kind"]): string {
  switch (kind) {
    case "single":
      return "a single quote";
    case "double":
      return "a double quote";
    case "backtick":
      return "a backtick";
    case "brace-param":
      return '"${"';
    case "subshell":
      return '"("';
    case "command-sub":
      return '"$("';
  }
}
