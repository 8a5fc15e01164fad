/** The git facts an audit records: top-level directory, branch and commit (absent outside a repo). */
import { execFileSync } from "node:child_process";

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() || null;
  } catch {
    return null;
  }
}

export interface GitInfo {
  root?: string;
  branch?: string;
  commit?: string;
}

export function gitInfo(cwd: string): GitInfo {
  const info: GitInfo = {};
  const root = git(cwd, ["rev-parse", "--show-toplevel"]);
  if (!root) return info;
  info.root = root;
  const branch = git(cwd, ["rev-parse", "--abbrev-ref", "HEAD"]);
  if (branch && branch !== "HEAD") info.branch = branch;
  const commit = git(cwd, ["rev-parse", "HEAD"]);
  if (commit) info.commit = commit;
  return info;
}

/** The project an audit started in `cwd` would use: the git top level, else `cwd` itself. */
export function projectDirOf(cwd: string): string {
  return git(cwd, ["rev-parse", "--show-toplevel"]) ?? cwd;
}
