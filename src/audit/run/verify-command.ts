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
 * The command runs under a small bash wrapper, in a process group of its own (`set -m`), so
 * everything it starts can be ended together. The wrapper holds fd 3, a pipe whose only
 * writer is this process, and starts a watcher that waits for end-of-file on it. When this
 * process closes the pipe (timeout, Ctrl-C) or dies in any way (even SIGKILL, which cannot be
 * forwarded), the watcher kills the command's group and the wrapper's. When the command
 * ends, the wrapper itself kills what is left of the command's group (`sleep 9 &`, issue
 * 10 finding 7) before it reports the exit code; the watcher lives until then, so no moment
 * of the run is unwatched. The wrapper outlives what it kills, so it reaps the watcher and
 * no zombie of its group is left.
 */
const WRAPPER = [
  "set -m",
  'bash -c "$1" 3<&- </dev/null &',
  "command_pid=$!",
  "set +m",
  '( read -r -u 3 _; kill -KILL -- -"$command_pid" 0 ) </dev/null >/dev/null 2>&1 &',
  "watcher=$!",
  "exec 3<&-",
  'wait "$command_pid"',
  "code=$?",
  'kill -KILL -- -"$command_pid" 2>/dev/null',
  'kill "$watcher" 2>/dev/null',
  'wait "$watcher" 2>/dev/null',
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
    // Closing our end of fd 3 is the signal for the watcher to end every process of the run.
    const watchdog = child.stdio[3] as Readable;
    watchdog.on("error", () => {});
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
    const endRun = () => {
      watchdog.destroy();
      // Should the watcher be gone already, the wrapper's group is still ended directly.
      setTimeout(() => killGroup("SIGKILL"), 100).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      endRun();
    }, options.timeoutMs);
    const forward = (signal: NodeJS.Signals) => {
      watchdog.destroy();
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
        endRun();
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
      watchdog.destroy();
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
