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
/** How long output may keep flowing after bash exits before its leftover children are ended. */
const EXIT_GRACE_MS = 250;

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
    const collect = (chunk: string) => {
      output += chunk;
      if (output.length > OUTPUT_BYTES_MAX) output = output.slice(output.length - OUTPUT_BYTES_MAX);
    };
    // Decoded per stream, so a character split across two reads is not mangled.
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    // The command runs in its own process group so a timeout can kill everything it started;
    // the group then no longer gets the terminal's Ctrl-C, so it is forwarded here.
    const killGroup = (signal: NodeJS.Signals) => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, signal);
      } catch {
        child.kill(signal);
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup("SIGKILL");
    }, options.timeoutMs);
    const forward = (signal: NodeJS.Signals) => {
      killGroup(signal);
      removeForwarding();
      process.kill(process.pid, signal); // then stop as the signal asks
    };
    const removeForwarding = () => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
    };
    process.once("SIGINT", forward);
    process.once("SIGTERM", forward);
    // A background child (`server &`) can hold the output pipes open after bash exits; the
    // command's result is bash's exit, so after a grace the group is ended and the pipes dropped.
    let graceTimer: NodeJS.Timeout | undefined;
    child.on("exit", (code, signal) => {
      graceTimer = setTimeout(() => {
        killGroup("SIGKILL");
        child.stdout.destroy();
        child.stderr.destroy();
        finish(code ?? (signal ? 128 : 1));
      }, EXIT_GRACE_MS);
    });
    let finished = false;
    const finish = (exitCode: number) => {
      if (finished) return;
      finished = true;
      removeForwarding();
      clearTimeout(timer);
      clearTimeout(graceTimer);
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
