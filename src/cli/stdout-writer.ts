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
    if (err.code !== "EPIPE") throw err;
    closed = true;
    resolveClosed();
    for (const callback of onCloseCallbacks) callback();
  });
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
