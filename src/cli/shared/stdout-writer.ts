/**
 * Writes to stdout with backpressure, and notices when the reader went away (EPIPE, e.g.
 * `cairn follow … | head -1`), so long-running commands stop quietly instead of crashing.
 * A command that may wait long between writes (follow) also watches for the reader going
 * away while it has nothing to write (`watchStdoutReader`). Any other write error (ENOSPC
 * on `> /dev/full`, EIO) also stops output, and is kept for main to report as the
 * command's error (`stdoutFailure`), not thrown from an event handler with a stack trace.
 */
import { once } from "node:events";
import { type CairnError, toCairnError } from "../../core/errors.js";

/** How often an idle command checks that stdout still has a reader. */
const READER_CHECK_INTERVAL_MS = 200;

let closed = false;
let failure: CairnError | null = null;
let installed = false;
const onCloseCallbacks = new Set<() => void>();
let resolveClosed: () => void = () => {};
const closedSignal = new Promise<void>((resolve) => {
  resolveClosed = resolve;
});

function install(): void {
  if (installed) return;
  installed = true;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    // Once output has stopped, later writes fail too (EPIPE, or a destroyed stream).
    if (err.code !== "EPIPE" && !closed) failure = toCairnError(err, { what: "cannot write to stdout" });
    markClosed();
  });
}

function markClosed(): void {
  if (closed) return;
  closed = true;
  resolveClosed();
  for (const callback of onCloseCallbacks) callback();
}

/**
 * Checks every 200 ms, without writing, whether stdout's reader has gone away (a pipe or a
 * socket only), and then acts as if a write had failed with EPIPE. The timer does not keep
 * the process alive.
 */
export async function watchStdoutReader(): Promise<void> {
  install();
  const { createStdoutHangupProbe } = await import("./stdout-hangup-probe.js");
  const readerGone = await createStdoutHangupProbe();
  if (readerGone === null || closed) return;
  const timer = setInterval(() => {
    if (closed) clearInterval(timer);
    else if (readerGone()) {
      clearInterval(timer);
      markClosed();
    }
  }, READER_CHECK_INTERVAL_MS);
  timer.unref();
}

/** Makes every command stop quietly, not crash, when stdout's reader goes away. */
export function guardStdout(): void {
  install();
}

/** The error that stopped output, other than the reader going away (EPIPE). */
export function stdoutFailure(): CairnError | null {
  return failure;
}

/** True once stdout's reader has gone away (or writing to it failed). */
export function stdoutClosed(): boolean {
  return closed;
}

/** Runs `callback` when stdout's reader goes away. */
export function onStdoutClosed(callback: () => void): void {
  install();
  onCloseCallbacks.add(callback);
}

/**
 * Writes bounded output (a report, a table, help) without waiting for the reader: the
 * stream buffers it. Like `writeOut`, it writes nothing once the reader has gone away, and
 * a write error is kept for main to report instead of crashing the process.
 */
export function writeOutBuffered(text: string): void {
  install();
  if (closed || text.length === 0) return;
  process.stdout.write(text);
}

/** Writes `text`, waiting for the reader to drain a full buffer (streams of any length). */
export async function writeOut(text: string): Promise<void> {
  install();
  if (closed || text.length === 0) return;
  if (!process.stdout.write(text)) {
    await Promise.race([once(process.stdout, "drain"), closedSignal]);
  }
}
