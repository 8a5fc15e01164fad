/**
 * Runs one Verify command with bash in the project directory, bounded by a timeout and an
 * output cap. The result carries what the verification events need.
 */
import { spawn } from "node:child_process";
import type { Readable } from "node:stream";

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

/**
 * The command runs under a small bash wrapper holding fd 3, a pipe whose only writer is this
 * process. A watcher in the command's process group waits for end-of-file on it: when this
 * process dies in any way (even SIGKILL, which cannot be forwarded), the kernel closes the
 * pipe and the watcher kills the whole group, so no Verify command outlives its runner.
 * The command itself does not inherit fd 3, and runs in its own `bash -c` as before.
 */
const WRAPPER = [
  "( read -r -u 3 _; kill -KILL 0 ) </dev/null >/dev/null 2>&1 &",
  "watcher=$!",
  "exec 3<&-",
  'bash -c "$1"',
  "code=$?",
  'kill "$watcher" 2>/dev/null',
  'wait "$watcher" 2>/dev/null', // reaped here, so not even a zombie of the group is left
  'exit "$code"',
].join("\n");

export function runVerifyCommand(command: string, options: { cwd: string; timeoutMs: number }): Promise<CommandResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", WRAPPER, "cairn-verify", command], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe", "pipe"],
      detached: true,
    });
    const stdout = child.stdout as Readable;
    const stderr = child.stderr as Readable;
    let output = "";
    let timedOut = false;
    const collect = (chunk: string) => {
      output += chunk;
      if (output.length > OUTPUT_BYTES_MAX) output = output.slice(output.length - OUTPUT_BYTES_MAX);
    };
    // Decoded per stream, so a character split across two reads is not mangled.
    stdout.setEncoding("utf8");
    stderr.setEncoding("utf8");
    stdout.on("data", collect);
    stderr.on("data", collect);
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
        stdout.destroy();
        stderr.destroy();
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
