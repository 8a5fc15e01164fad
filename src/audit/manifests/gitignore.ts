/**
 * .gitignore rules, per directory, for manifest scans: comments, negation (`!`),
 * directory-only (`dir/`), anchored patterns (containing `/`), `*`, `?`, `[…]` and `**`.
 * The last matching rule wins, as in git.
 */

export interface IgnoreRule {
  /** Directory (posix, relative to the scan root; "" for the root) that holds the .gitignore. */
  base: string;
  /**
   * For a .gitignore above the scan root (in the same git work tree): the scan root's path
   * relative to the directory holding it, prefixed to each path before matching. "" otherwise.
   */
  prefix?: string;
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

export function parseGitignore(text: string, base: string, prefix = ""): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    let negate = false;
    if (line.startsWith("!")) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith("\\!") || line.startsWith("\\#")) line = line.slice(1);
    let dirOnly = false;
    if (line.endsWith("/")) {
      dirOnly = true;
      line = line.slice(0, -1);
    }
    if (line === "") continue;
    const anchored = line.includes("/");
    if (line.startsWith("/")) line = line.slice(1);
    const body = globToRegexSource(line);
    const source = anchored ? `^${body}$` : `^(?:.*/)?${body}$`;
    try {
      rules.push({ base, prefix, regex: new RegExp(source), negate, dirOnly });
    } catch {
      // A malformed pattern (`[z-a]`) matches nothing in git either.
    }
  }
  return rules;
}

export function globToRegexSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const atStart = i === 0 || glob[i - 1] === "/";
        const slashAfter = glob[i + 2] === "/";
        if (atStart && slashAfter) {
          out += "(?:.*/)?";
          i += 2;
          continue;
        }
        if (atStart && i + 2 === glob.length) {
          out += ".*";
          i += 1;
          continue;
        }
        out += "[^/]*";
        i += 1;
        continue;
      }
      out += "[^/]*";
    } else if (c === "?") out += "[^/]";
    else if (c === "[") {
      const cls = readClass(glob, i);
      if (!cls) out += "\\[";
      else {
        out += cls.source;
        i = cls.end;
      }
    } else if (c === "\\" && i + 1 < glob.length) {
      out += escapeRegex(glob[i + 1] as string);
      i++;
    } else out += escapeRegex(c);
  }
  return out;
}

const POSIX_CLASSES: Record<string, string> = {
  alpha: "a-zA-Z",
  digit: "0-9",
  alnum: "a-zA-Z0-9",
  upper: "A-Z",
  lower: "a-z",
  space: "\\s",
  xdigit: "0-9A-Fa-f",
  punct: "!-\\/:-@\\[-`{-~",
};

/** A bracket expression starting at `start` (`[!a-z]`, `[]x]`, `[[:alpha:]]`); null when never closed. */
function readClass(glob: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let body = "";
  if (glob[i] === "!" || glob[i] === "^") {
    body = "^/"; // a negated class never matches a separator
    i++;
  }
  for (let first = true; i < glob.length; i++, first = false) {
    const c = glob[i] as string;
    if (c === "]" && !first) return { source: `[${body}]`, end: i };
    const posix = c === "[" ? /^\[:([a-z]+):\]/.exec(glob.slice(i)) : null;
    if (posix) {
      body += POSIX_CLASSES[posix[1] as string] ?? "";
      i += posix[0].length - 1;
    } else if (c === "\\" && i + 1 < glob.length) body += escapeClassChar(glob[++i] as string);
    else body += c === "-" ? c : escapeClassChar(c);
  }
  return null;
}

function escapeClassChar(c: string): string {
  return /[\\\]^[-]/.test(c) ? `\\${c}` : c;
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** True when `path` (posix, relative to the scan root) is ignored by `rules`. */
export function isIgnored(rules: readonly IgnoreRule[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) continue;
    let rel = path;
    if (rule.base !== "") {
      if (!path.startsWith(`${rule.base}/`)) continue;
      rel = path.slice(rule.base.length + 1);
    }
    if (rule.prefix) rel = `${rule.prefix}/${rel}`;
    if (rule.regex.test(rel)) ignored = !rule.negate;
  }
  return ignored;
}
