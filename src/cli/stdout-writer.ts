/**
 * Writes to stdout with backpressure, and notices when the reader went away (EPIPE, e.g.
 * `cairn follow … | head -1`), so long-running commands stop quietly instead of crashing.
 */
import { once } from "node:events";

let closed = false;
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
    // Once the reader is gone, later writes fail too (EPIPE, or a destroyed stream).
    if (err.code !== "EPIPE" && !closed) throw err;
    if (closed) return;
    closed = true;
    resolveClosed();
    for (const callback of onCloseCallbacks) callback();
  });
}

/** Makes every command stop quietly, not crash, when stdout's reader goes away. */
export function guardStdout(): void {
  install();
}

/** True once stdout's reader has gone away. */
export function stdoutClosed(): boolean {
  return closed;
}

/** Runs `callback` when stdout's reader goes away. */
export function onStdoutClosed(callback: () => void): void {
  install();
  onCloseCallbacks.add(callback);
}

export async function writeOut(text: string): Promise<void> {
  install();
  if (closed || text.length === 0) return;
  if (!process.stdout.write(text)) {
    await Promise.race([once(process.stdout, "drain"), closedSignal]);
  }
}
