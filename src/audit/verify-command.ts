/**
 * Runs one Verify command with bash in the project directory, bounded by a timeout and an
 * output cap. The result carries what the verification events need.
 */
import { spawn } from "node:child_process";

export interface CommandResult {
  command: string;
  exitCode: number;
  durationMs: number;
  /** Combined stdout and stderr (the last 64 KiB at most). */
  output: string;
  timedOut: boolean;
}

const OUTPUT_BYTES_MAX = 64 * 1024;

export function runVerifyCommand(command: string, options: { cwd: string; timeoutMs: number }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", command], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    let timedOut = false;
    const collect = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.length > OUTPUT_BYTES_MAX) output = output.slice(output.length - OUTPUT_BYTES_MAX);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL"); // the whole process group
      } catch {
        child.kill("SIGKILL");
      }
    }, options.timeoutMs);
    const finish = (exitCode: number) => {
      clearTimeout(timer);
      const durationMs = Math.round(performance.now() - started);
      if (timedOut) output += `\n(timed out after ${Math.round(options.timeoutMs / 1000)}s)`;
      resolve({ command, exitCode: timedOut ? 124 : exitCode, durationMs, output: output.trim(), timedOut });
    };
    child.on("error", (err) => {
      output += `${err.message}\n`;
      finish(127);
    });
    child.on("close", (code, signal) => finish(code ?? (signal ? 128 : 1)));
  });
}
