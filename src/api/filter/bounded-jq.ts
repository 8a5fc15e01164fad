/**
 * BoundedJq: jq runs with a time budget per output and a memory budget, in a worker thread
 * the parent can terminate — WebAssembly cannot be interrupted from the thread running it.
 * A request's deadline moves with jq's progress: jq writes one line per message
 * (`--unbuffered`), and a run in which no line appears for `outputTimeMs` is stopped, so
 * a batch of thousands of quick messages is fine while one message that never ends is not.
 * Over either budget the worker is gone and the run is a Busy error naming the budget; the
 * next run starts a new worker. The worker is unref'd: it never keeps a process alive.
 */
import { Worker } from "node:worker_threads";
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { JqReply, JqRequest, JqWorkerData } from "./jq-worker.js";

export interface JqBudgets {
  /** Longest time without a new output line (per message, for a where filter). */
  outputTimeMs: number;
  /** Largest WebAssembly heap jq may grow to (jq-wasm's own ceiling is 256 MiB). */
  heapBytesMax: number;
}

export const JQ_HEAP_BYTES_CEILING = 256 * 1024 * 1024;
export const DEFAULT_JQ_BUDGETS: JqBudgets = { outputTimeMs: 2_000, heapBytesMax: JQ_HEAP_BYTES_CEILING };

export type JqOutcome = { stdout: string; stderr: string; exitCode: number };

/** Why a run was stopped; the caller words the error for its user. */
export type JqOverBudget = "time" | "memory";

export class JqBudgetError extends CairnError {
  constructor(
    readonly budget: JqOverBudget,
    /** Output lines jq had written in this run before it was stopped. */
    readonly outputsDone: number,
    message: string,
  ) {
    super(ErrorKind.Busy, message);
  }
}

const WATCH_DIVISIONS = 8;

export class BoundedJq {
  private worker: Worker | null = null;
  private ready: Promise<void> | null = null;
  private readonly progress = new Int32Array(new SharedArrayBuffer(4));

  constructor(readonly budgets: JqBudgets = DEFAULT_JQ_BUDGETS) {
    if (!(budgets.heapBytesMax > 0 && budgets.heapBytesMax <= JQ_HEAP_BYTES_CEILING))
      throw new CairnError(ErrorKind.Usage, `the jq memory budget must be in (0, ${JQ_HEAP_BYTES_CEILING}] bytes`);
    if (!(budgets.outputTimeMs > 0)) throw new CairnError(ErrorKind.Usage, "the jq time budget must be positive");
  }

  /** Runs jq once; throws JqBudgetError when a budget is exceeded. */
  async run(request: JqRequest): Promise<JqOutcome> {
    const worker = await this.start();
    worker.ref();
    return new Promise<JqOutcome>((resolve, reject) => {
      const startedAt = Atomics.load(this.progress, 0);
      let seen = startedAt;
      let lastProgressAt = performance.now();
      const finish = () => {
        clearInterval(watch);
        worker.off("message", onMessage);
        worker.off("error", onError);
        worker.off("exit", onError);
        worker.unref();
      };
      const watch = setInterval(
        () => {
          const now = Atomics.load(this.progress, 0);
          if (now !== seen) {
            seen = now;
            lastProgressAt = performance.now();
          } else if (performance.now() - lastProgressAt >= this.budgets.outputTimeMs) {
            finish();
            this.stop();
            reject(
              new JqBudgetError("time", now - startedAt, `jq ran ${this.budgets.outputTimeMs} ms without a result`),
            );
          }
        },
        Math.max(1, Math.floor(this.budgets.outputTimeMs / WATCH_DIVISIONS)),
      );
      const onMessage = (reply: JqReply) => {
        finish();
        if (reply.kind === "done") return resolve(reply);
        this.stop();
        const done = Atomics.load(this.progress, 0) - startedAt;
        if (reply.kind === "memory")
          reject(new JqBudgetError("memory", done, `jq needed more than ${this.budgets.heapBytesMax} bytes of memory`));
        else reject(new CairnError(ErrorKind.Internal, `jq failed: ${reply.message}`));
      };
      const onError = (err: Error | number) => {
        finish();
        this.stop();
        const what = typeof err === "number" ? `exited with code ${err}` : err.message;
        reject(new CairnError(ErrorKind.Internal, `the jq worker failed: ${what}`, { cause: err }));
      };
      worker.on("message", onMessage);
      worker.on("error", onError);
      worker.on("exit", onError);
      worker.postMessage(request);
    });
  }

  /** Ends the worker (idempotent); a later run starts a new one. */
  stop(): void {
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) void worker.terminate();
  }

  private async start(): Promise<Worker> {
    if (this.worker && this.ready) {
      await this.ready;
      return this.worker;
    }
    const workerData: JqWorkerData = {
      progress: this.progress.buffer as SharedArrayBuffer,
      heapBytesMax: this.budgets.heapBytesMax,
    };
    const worker = new Worker(new URL("./jq-worker.js", import.meta.url), { workerData });
    worker.on("error", () => {}); // between runs: the next run starts a new worker
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once("message", () => resolve());
      worker.once("error", (err) =>
        reject(new CairnError(ErrorKind.Internal, `cannot start jq: ${err.message}`, { cause: err })),
      );
      worker.once("exit", (code) => reject(new CairnError(ErrorKind.Internal, `jq's worker exited (code ${code})`)));
    });
    await this.ready;
    worker.unref();
    return worker;
  }
}
