/**
 * Whether a line of an unfenced Verify section reads as a shell command or as prose.
 *
 * `classifyBareCommand(text)` → `null` when the command may run, else the reason it is
 * refused. A command may run when its first word (after `VAR=value` assignments, `!`, `(` or
 * `{`) is a bash keyword or builtin, a path (`./x`, `/usr/bin/x`, `bin/x`) or an executable
 * on PATH, and the line does not read as a sentence. The rule is documented in
 * docs/audits.md ("Verify commands"); it errs on the side of refusing, because a refused
 * line costs the author an edit while a line of prose run as bash can do anything.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";

const BASH_WORDS = new Set(
  (
    "if for while until case select { [ [[ ! time function " +
    ". : source alias bg bind break builtin caller cd command compgen complete continue declare dirs " +
    "disown echo enable eval exec exit export false fc fg getopts hash help history jobs kill let local " +
    "logout mapfile popd printf pushd pwd read readarray readonly return set shift shopt suspend test " +
    "times trap true type typeset ulimit umask unalias unset wait"
  ).split(" "),
);

/** Words that make a run of plain words read as English rather than as a command's arguments. */
const FUNCTION_WORDS = new Set(
  "the a an that this these those must should shall is are be all each every and or of to with when then than it its them they".split(
    " ",
  ),
);

export function classifyBareCommand(text: string): string | null {
  const first = (text.split("\n")[0] as string).trim();
  if (/^[`>|*-]|^\d+[.)]\s/.test(first)) return "reads as prose (a list item, quote, table or inline code)";
  if (readsAsSentence(first)) return "reads as a sentence";
  const word = firstWord(first);
  if (word === null) return "has no command word";
  if (BASH_WORDS.has(word) || word.startsWith("(")) return null;
  if (word.includes("/")) return null;
  if (onPath(word)) return null;
  return `"${word}" is not a bash builtin or an executable on PATH`;
}

function firstWord(line: string): string | null {
  const m = /^(?:[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"[^"]*"|[^\s'"]*)\s+)*(?:!\s+)?(\(|[^\s;&|()<>]+)/.exec(line);
  return m ? (m[1] as string) : null;
}

function readsAsSentence(line: string): boolean {
  if (/[A-Za-z)][.:!?…]$/.test(line) && !/[;&|$=]/.test(line)) return true;
  const words = line.split(/\s+/);
  return (
    words.length >= 4 &&
    words.every((w) => /^[A-Za-z][A-Za-z'’]*[,.;:!?]?$/.test(w)) &&
    words.some((w) => FUNCTION_WORDS.has(w.toLowerCase().replace(/[,.;:!?]$/, "")))
  );
}

const pathCache = new Map<string, boolean>();

function onPath(word: string): boolean {
  const known = pathCache.get(word);
  if (known !== undefined) return known;
  let found = false;
  for (const dir of (process.env.PATH ?? "").split(nodePath.delimiter)) {
    if (dir === "") continue;
    try {
      fs.accessSync(nodePath.join(dir, word), fs.constants.X_OK);
      found = fs.statSync(nodePath.join(dir, word)).isFile();
      if (found) break;
    } catch {
      // not in this directory
    }
  }
  pathCache.set(word, found);
  return found;
}
