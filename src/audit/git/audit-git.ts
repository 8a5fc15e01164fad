/**
 * The git steps of an audit's completion (Phaser's: commit the audit's changes, tag
 * `audit/{date}-{slug}`). Every git call is argv-only (no shell) and a failure is a
 * CairnError naming the git command, so the caller can leave the audit retryable.
 */
import { execFileSync } from "node:child_process";
import { CairnError, ErrorKind } from "../../core/errors.js";

function run(cwd: string, args: string[]): string {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? "").trim();
    throw new CairnError(ErrorKind.Io, `git ${args[0]} failed${stderr ? `: ${stderr}` : ""}`, {
      hint: "fix the repository and run the same command again; the audit is still in progress",
    });
  }
}

function succeeds(cwd: string, args: string[]): boolean {
  try {
    execFileSync("git", args, { cwd, stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** `--commit` and `--tag` need a work tree: checked before anything changes. */
export function requireGitWorkTree(dir: string, flag: string): void {
  if (!succeeds(dir, ["rev-parse", "--is-inside-work-tree"]))
    throw new CairnError(ErrorKind.Usage, `${flag} needs a git repository, and ${dir} is not in one`, {
      hint: `run \`git init\` first, or complete without ${flag}`,
    });
}

/** Phaser's tag name for a completed audit. */
export function auditTagName(date: string, slug: string): string {
  return `audit/${date}-${slug}`;
}

/** An existing tag is refused up front (Phaser appends -2; Cairn never moves or shadows a tag). */
export function requireTagFree(dir: string, tag: string): void {
  if (!succeeds(dir, ["check-ref-format", `refs/tags/${tag}`]))
    throw new CairnError(ErrorKind.Usage, `${tag} is not a valid git tag name`);
  if (succeeds(dir, ["rev-parse", "-q", "--verify", `refs/tags/${tag}`]))
    throw new CairnError(ErrorKind.AlreadyExists, `git tag ${tag} already exists`, {
      hint: `delete it (\`git tag -d ${tag}\`) or complete without --tag`,
    });
}

/**
 * Stages every change in the work tree except the `excluded` paths (the audit's working
 * folder, Cairn's own storage) and commits it. Returns the new commit, or null when there
 * was nothing to commit (a retry after the commit already happened).
 */
export function commitAll(dir: string, message: string, excluded: readonly string[]): string | null {
  run(dir, ["add", "-A", "--", ".", ...excluded.map((p) => `:(exclude,literal)${p}`)]);
  if (succeeds(dir, ["diff", "--cached", "--quiet"])) return null;
  run(dir, ["commit", "-q", "-m", message]);
  return run(dir, ["rev-parse", "HEAD"]);
}

export function createAnnotatedTag(dir: string, tag: string, message: string): void {
  run(dir, ["tag", "-a", tag, "-m", message]);
}

/** Takes back a tag this completion created, when the record could not be updated after it. */
export function deleteTag(dir: string, tag: string): void {
  succeeds(dir, ["tag", "-d", tag]);
}
