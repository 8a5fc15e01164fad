/**
 * Tells whether the reader of stdout has gone away without writing to it. A write would
 * fail with EPIPE, but `cairn follow … | head -1` may have nothing to write for hours, and
 * Node offers no way to poll a write-only pipe. WASI's poll_oneoff does: Node's uvwasi
 * polls the descriptor with libuv (epoll, kqueue), which reports POLLERR on a pipe whose
 * reader has closed (Linux), or a hang-up on a socket whose peer has closed, the check GNU
 * `tail -f` makes. The WebAssembly module below only imports poll_oneoff and exports it
 * with a memory, so the probe is a plain function call with no code of its own.
 *
 * Exports `createStdoutHangupProbe()`: null when stdout is not a pipe or socket (a file or
 * a terminal has no reader to lose) or when WASI cannot poll it; else a function returning
 * true once the reader is gone. A probe never blocks for more than 1 ms.
 */
import { fstatSync } from "node:fs";

const STDOUT_FD = 1;
/** Layout of the memory handed to poll_oneoff (WASI preview1). */
const SUBSCRIPTIONS_OFFSET = 0;
const SUBSCRIPTION_BYTES = 48;
const EVENTS_OFFSET = 128;
const EVENT_BYTES = 32;
const EVENT_COUNT_OFFSET = 240;
const EVENT_TYPE_CLOCK = 0;
const EVENT_TYPE_FD_WRITE = 2;
const CLOCK_MONOTONIC = 1;
const FD_USERDATA = 1n;
const CLOCK_USERDATA = 2n;
const EVENT_FD_READWRITE_HANGUP = 1;
/** The clock subscription bounds the wait when a slow reader has filled the pipe. */
const PROBE_TIMEOUT_NS = 1_000_000n;

function wasmName(text: string): number[] {
  return [text.length, ...Buffer.from(text, "latin1")];
}

function wasmSection(id: number, body: number[]): number[] {
  return [id, body.length, ...body];
}

/**
 * (module
 *   (import "wasi_snapshot_preview1" "poll_oneoff" (func (param i32 i32 i32 i32) (result i32)))
 *   (memory 1)
 *   (export "memory" (memory 0))
 *   (export "poll_oneoff" (func 0)))
 */
const POLL_MODULE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...wasmSection(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]),
  ...wasmSection(2, [1, ...wasmName("wasi_snapshot_preview1"), ...wasmName("poll_oneoff"), 0x00, 0]),
  ...wasmSection(5, [1, 0x00, 1]),
  ...wasmSection(7, [2, ...wasmName("memory"), 0x02, 0, ...wasmName("poll_oneoff"), 0x00, 0]),
]);

/** The part of the WebAssembly global used here (this project's lib has no DOM types). */
interface WasmGlobal {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}
const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;

interface PollExports {
  memory: { buffer: ArrayBuffer };
  poll_oneoff: (subscriptions: number, events: number, count: number, eventCountOut: number) => number;
}

/** Imports node:wasi without its one-time ExperimentalWarning on stderr. */
async function importWasi(): Promise<typeof import("node:wasi")> {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    if (String(warning).includes("WASI")) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  }) as typeof process.emitWarning;
  try {
    return await import("node:wasi");
  } finally {
    process.emitWarning = emitWarning;
  }
}

export async function createStdoutHangupProbe(): Promise<(() => boolean) | null> {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(STDOUT_FD);
  } catch {
    return null;
  }
  if (!stat.isFIFO() && !stat.isSocket()) return null;
  let exports: PollExports;
  try {
    const { WASI } = await importWasi();
    const wasi = new WASI({ version: "preview1", stdin: 0, stdout: STDOUT_FD, stderr: 2, returnOnExit: true });
    const instance = new wasm.Instance(new wasm.Module(POLL_MODULE), wasi.getImportObject());
    wasi.initialize(instance);
    exports = instance.exports as unknown as PollExports;
  } catch {
    return null;
  }

  let usable = true;
  return () => {
    if (!usable) return false;
    const view = new DataView(exports.memory.buffer);
    new Uint8Array(exports.memory.buffer, 0, EVENT_COUNT_OFFSET + 4).fill(0);
    const fd = SUBSCRIPTIONS_OFFSET;
    view.setBigUint64(fd, FD_USERDATA, true);
    view.setUint8(fd + 8, EVENT_TYPE_FD_WRITE);
    view.setUint32(fd + 16, STDOUT_FD, true);
    const clock = SUBSCRIPTIONS_OFFSET + SUBSCRIPTION_BYTES;
    view.setBigUint64(clock, CLOCK_USERDATA, true);
    view.setUint8(clock + 8, EVENT_TYPE_CLOCK);
    view.setUint32(clock + 16, CLOCK_MONOTONIC, true);
    view.setBigUint64(clock + 24, PROBE_TIMEOUT_NS, true);
    const errno = exports.poll_oneoff(SUBSCRIPTIONS_OFFSET, EVENTS_OFFSET, 2, EVENT_COUNT_OFFSET);
    if (errno !== 0) {
      // WASI cannot poll this descriptor: leave it to the next write to notice EPIPE.
      usable = false;
      return false;
    }
    const eventCount = view.getUint32(EVENT_COUNT_OFFSET, true);
    for (let i = 0; i < eventCount; i += 1) {
      const event = EVENTS_OFFSET + i * EVENT_BYTES;
      if (view.getBigUint64(event, true) !== FD_USERDATA) continue;
      // An error is POLLERR (a pipe without reader); the flag is a hang-up (a closed socket).
      const error = view.getUint16(event + 8, true);
      const flags = view.getUint16(event + 24, true);
      if (error !== 0 || (flags & EVENT_FD_READWRITE_HANGUP) !== 0) return true;
    }
    return false;
  };
}
