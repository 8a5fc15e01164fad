/** Test helpers for the audit suites: temp dirs, real git repos, and the CLI as a child process. */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
/** Repository root (tests run from dist/test/audit). */
export const repoRoot = path.resolve(here, "..", "..", "..");
export const cliPath = path.join(repoRoot, "dist", "src", "cli", "main.js");
export const fixturesDir = path.join(repoRoot, "test", "audit", "fixtures");
export const distAudit = (file: string) => path.join(repoRoot, "dist", "src", "audit", file);

export function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `cairn-audit-${label}-`));
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** A git repository with one commit (README.md) on branch main. */
export function gitRepo(label: string): string {
  const dir = tempDir(label);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "Cairn Test");
  fs.writeFileSync(path.join(dir, "README.md"), "# Demo\n");
  git("add", ".");
  git("commit", "-q", "-m", "init");
  return dir;
}

export function headCommit(dir: string): string {
  return execFileSync("git", ["rev-parse", "HEAD"], { cwd: dir, encoding: "utf8" }).trim();
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], options: { cwd: string; storage: string; env?: NodeJS.ProcessEnv }): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", PHASER_STORAGE_DIR: options.storage, ...options.env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function cliBackground(args: string[], options: { cwd: string; storage: string }): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, NO_COLOR: "1", PHASER_STORAGE_DIR: options.storage },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** Resolves when `stream` has produced text matching `pattern`; rejects after `timeoutMs`. */
export function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got: ${text}`)), timeoutMs);
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString("utf8");
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve(text);
      }
    });
  });
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function errorOf(stderr: string): { kind: string; message: string } {
  const line = stderr.split("\n").find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no error envelope in stderr: ${stderr}`);
  return (JSON.parse(line) as { error: { kind: string; message: string } }).error;
}

/** A git repo and a separate `.phaser` storage for one test; both are added to `cleanup`. */
export function auditProject(label: string, cleanup: string[]) {
  const repo = gitRepo(label);
  const storage = path.join(tempDir(`${label}-store`), ".phaser");
  cleanup.push(repo, path.dirname(storage));
  return { repo, storage, opts: { cwd: repo, storage } };
}
