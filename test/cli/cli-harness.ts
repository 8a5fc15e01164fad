/**
 * Runs the real `cairn` CLI (process.execPath + dist/src/cli/main.js) in a child process
 * with CAIRN_DIR set to a temporary pool directory, the way a user's shell would.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { cliPath, tempDir } from "../helpers/tmp.js";

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  dir: string;
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Working directory of the child (default: this process's). */
  cwd?: string;
  /** Kill the child after this long (a safety net; tests never assert speed). */
  killAfterMs?: number;
}

export function newPoolDir(): string {
  return tempDir("cairn-cli-");
}

export function spawnCli(args: string[], options: CliOptions): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    env: { ...process.env, CAIRN_DIR: options.dir, NO_COLOR: "1", ...options.env },
    stdio: ["pipe", "pipe", "pipe"],
    ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
  });
}

export function collect(child: ChildProcess, killAfterMs = 30_000): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), killAfterMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  const child = spawnCli(args, options);
  const done = collect(child, options.killAfterMs);
  child.stdin?.on("error", () => {});
  if (options.input !== undefined) child.stdin?.end(options.input);
  else child.stdin?.end();
  return done;
}

export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split("\n")
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** The `{"error":{…}}` envelope the CLI prints on a non-TTY stderr. */
export function errorOf(result: CliResult): {
  kind: string;
  message: string;
  hint?: string;
  path?: string;
  seq?: number;
} {
  const line = result.stderr.split("\n").find((l) => l.startsWith('{"error"'));
  if (!line) throw new Error(`no error envelope on stderr: ${result.stderr}`);
  return (JSON.parse(line) as { error: { kind: string; message: string } }).error;
}

/** Waits until `predicate(stdoutSoFar)` holds, for a child still running. */
export function waitForOutput(
  child: ChildProcess,
  predicate: (text: string) => boolean,
  timeoutMs = 10_000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(() => reject(new Error(`timed out waiting for output; got: ${text}`)), timeoutMs);
    const onData = (d: Buffer | string) => {
      text += d.toString();
      if (predicate(text)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(text);
      }
    };
    child.stdout?.on("data", onData);
  });
}

/** Resolves once the child is ready to react (stderr or stdout not needed): a short settle. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function createPool(dir: string, name: string, size = "1M"): Promise<void> {
  const r = await runCli(["pool", "create", name, "--size", size], { dir });
  if (r.code !== 0) throw new Error(`pool create failed: ${r.stderr}`);
}

export async function feedLines(dir: string, pool: string, lines: unknown[], extra: string[] = []): Promise<CliResult> {
  return runCli(["feed", pool, ...extra], { dir, input: lines.map((l) => `${JSON.stringify(l)}\n`).join("") });
}

/** True when util-linux `script` can give the CLI a pseudo-terminal (TTY tests skip otherwise). */
export const hasScript = spawnSync("script", ["--version"]).status === 0;

/** The caller's environment without the variables that steer colour (CI runs with no TERM). */
function withoutColorHints(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  delete copy.NO_COLOR;
  delete copy.TERM;
  delete copy.FORCE_COLOR;
  return copy;
}

/**
 * Runs the CLI under a pseudo-terminal (util-linux `script`), so stdout and stderr are TTYs.
 * `output` is what the terminal showed (stdout and stderr together, without carriage returns).
 */
export function runInTty(
  args: string[],
  dir: string,
  env: Record<string, string> = {},
): { code: number | null; output: string } {
  const command = [process.execPath, cliPath, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const r = spawnSync("script", ["-qec", command, "/dev/null"], {
    encoding: "utf8",
    env: { ...withoutColorHints(process.env), CAIRN_DIR: dir, ...env },
  });
  return { code: r.status, output: r.stdout.replaceAll("\r", "") };
}
