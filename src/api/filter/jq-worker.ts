/**
 * The worker thread that runs jq (jq-wasm) for BoundedJq. It owns one jq instance and
 * answers one request at a time. Two hooks on jq's WebAssembly imports make the budgets
 * enforceable: every write to stdout bumps a shared progress counter (with `--unbuffered`
 * jq writes once per output, so the parent can tell a slow message from a stuck one), and
 * heap growth past the memory budget is refused, which makes jq abort; the worker then
 * answers `memory` and is replaced, since an aborted instance cannot run again.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { parentPort, workerData } from "node:worker_threads";
import { type Jq, loadJq } from "jq-wasm";

export interface JqWorkerData {
  /** Int32Array over a SharedArrayBuffer: [0] counts stdout writes. */
  progress: SharedArrayBuffer;
  heapBytesMax: number;
}

export interface JqRequest {
  input: string | null;
  program: string;
  flags: string[];
}

export type JqReply =
  | { kind: "done"; stdout: string; stderr: string; exitCode: number }
  | { kind: "memory" }
  | { kind: "crashed"; message: string };

const STDOUT_FD = 1;
const data = workerData as JqWorkerData;
const progress = new Int32Array(data.progress);
let heapRefused = false;

type Imports = Record<string, Record<string, unknown>>;

/** The part of the WebAssembly API used here (the project's lib settings have no DOM types). */
declare const WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: object): Promise<object>;
};
type InstantiateHook = (imports: object, onSuccess: (instance: object, module: object) => void) => object;

/** Wraps the two imports by their (unminified, pinned jq-wasm 3.0.0) names; fails loudly if gone. */
function hookImports(imports: Imports): void {
  let hooked = 0;
  for (const module of Object.values(imports)) {
    for (const [key, value] of Object.entries(module)) {
      if (typeof value !== "function") continue;
      const original = value as (...args: number[]) => unknown;
      if (original.name === "_fd_write") {
        module[key] = (fd: number, ...rest: number[]) => {
          const result = original(fd, ...rest);
          if (fd === STDOUT_FD) Atomics.add(progress, 0, 1);
          return result;
        };
        hooked += 1;
      } else if (original.name === "_emscripten_resize_heap") {
        module[key] = (requestedBytes: number) => {
          if (requestedBytes >>> 0 > data.heapBytesMax) {
            heapRefused = true;
            return false;
          }
          return original(requestedBytes);
        };
        hooked += 1;
      }
    }
  }
  if (hooked !== 2) throw new Error(`jq-wasm's imports changed: hooked ${hooked} of 2 (fd_write, resize_heap)`);
}

async function load(): Promise<Jq> {
  const wasmPath = path.join(path.dirname(createRequire(import.meta.url).resolve("jq-wasm")), "build", "jq.wasm");
  const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
  const instantiateWasm: InstantiateHook = (imports, onSuccess) => {
    hookImports(imports as Imports);
    void WebAssembly.instantiate(module, imports).then((instance) => onSuccess(instance, module));
    return {};
  };
  return loadJq({ instantiateWasm } as unknown as Parameters<typeof loadJq>[0]);
}

// jq-wasm prints "Aborted()" with console.error when jq aborts; the parent reports it properly.
console.error = () => {};
const jq = await load();
parentPort?.on("message", (request: JqRequest) => {
  let reply: JqReply;
  try {
    const result = jq.raw(request.input, request.program, request.flags);
    reply = { kind: "done", stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
  } catch (err) {
    reply = heapRefused ? { kind: "memory" } : { kind: "crashed", message: String((err as Error).message ?? err) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ kind: "ready" });
