/**
 * Where `.phaser/` lives and how paths inside it are resolved.
 *
 * Root: $PHASER_STORAGE_DIR, else the nearest `.phaser/` walking up from cwd (stopping at
 * $HOME or /), else `~/.phaser`. Every path handed out is checked to stay inside the root:
 * traversal (`..`, absolute names, NUL) is a Usage error, never a file outside.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../../core/errors.js";

export const STORAGE_DIR_NAME = ".phaser";

export function findStorageRoot(options: { cwd?: string; env?: NodeJS.ProcessEnv; home?: string } = {}): string {
  const env = options.env ?? process.env;
  const fromEnv = env.PHASER_STORAGE_DIR;
  if (fromEnv && fromEnv.length > 0) return nodePath.resolve(fromEnv);
  const home = nodePath.resolve(options.home ?? os.homedir());
  let dir = nodePath.resolve(options.cwd ?? process.cwd());
  for (;;) {
    const candidate = nodePath.join(dir, STORAGE_DIR_NAME);
    if (isDirectory(candidate)) return candidate;
    const parent = nodePath.dirname(dir);
    if (dir === home || parent === dir) break;
    dir = parent;
  }
  return nodePath.join(home, STORAGE_DIR_NAME);
}

function isDirectory(path: string): boolean {
  try {
    return fs.statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `root/relative`, refusing anything that would leave root. */
export function resolveInside(root: string, relative: string): string {
  if (typeof relative !== "string" || relative.length === 0)
    throw new CairnError(ErrorKind.Usage, "a file name inside .phaser/ is required");
  if (relative.includes("\0")) throw new CairnError(ErrorKind.Usage, "file name contains a NUL byte");
  if (nodePath.isAbsolute(relative))
    throw new CairnError(ErrorKind.Usage, `"${relative}" is an absolute path; storage paths are relative to .phaser/`, {
      path: root,
    });
  const resolved = nodePath.resolve(root, relative);
  const rel = nodePath.relative(root, resolved);
  // `..` as a whole component leaves root; a name that merely starts with dots (`..notes`) does not.
  if (rel === "" || rel === ".." || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel))
    throw new CairnError(ErrorKind.Usage, `"${relative}" escapes the .phaser/ directory`, {
      path: root,
      hint: "storage file names must stay inside .phaser/",
    });
  return resolved;
}
