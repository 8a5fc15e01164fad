/**
 * Which setup-file paths a document may name, judged on the text alone (the file system
 * checks, symlinks included, are in src/audit/run/setup-files.ts). `setupPathRefusal(path)`
 * → null when allowed, else why not. Refused: absolute paths, `..`, NUL or backslashes, and
 * any path through a version-control or tool directory whose files make other programs run
 * commands or hold Cairn's own state (`PROTECTED_DIRECTORIES`, listed in docs/audits.md).
 * Names compare case-insensitively, because `.GIT` is `.git` on macOS and Windows.
 */

export const PROTECTED_DIRECTORIES = [
  ".git",
  ".hg",
  ".svn",
  ".bzr",
  ".jj",
  "_darcs",
  "cvs",
  ".phaser",
  ".claude",
  ".husky",
  ".vscode",
  ".idea",
] as const;

/** Files that a tool runs or trusts by their name alone, wherever they are. */
export const PROTECTED_FILES = [".envrc", ".gitmodules"] as const;

export function setupPathRefusal(path: string): string | null {
  if (path.includes("\0") || path.includes("\\")) return "holds a NUL byte or a backslash";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "must be relative to the project";
  const segments = path.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return "must stay inside the project (no `..`)";
  if (segments.length === 0) return "names no file";
  for (const segment of segments.slice(0, -1)) {
    const name = segment.toLowerCase();
    if ((PROTECTED_DIRECTORIES as readonly string[]).includes(name))
      return `is under ${segment}/, which a document may not write (see "Setup files" in docs/audits.md)`;
  }
  const last = (segments.at(-1) as string).toLowerCase();
  if (
    (PROTECTED_DIRECTORIES as readonly string[]).includes(last) ||
    (PROTECTED_FILES as readonly string[]).includes(last)
  )
    return `is ${segments.at(-1)}, which a document may not write (see "Setup files" in docs/audits.md)`;
  return null;
}
