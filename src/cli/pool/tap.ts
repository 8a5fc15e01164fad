/**
 * `cairn tap POOL -- CMD ARGS…`: runs a command and records it in a pool: a `start`
 * message, one `line` message per line of stdout/stderr (a partial last line is flushed
 * at the end), and an `exit` message once all output is drained. The child's output is
 * passed through; SIGINT/SIGTERM are forwarded; tap exits with the child's code, or
 * 128 + signal number when the child died of a signal.
 */
import { spawn } from "node:child_process";
import * as os from "node:os";
import type { Readable } from "node:stream";
import type { Command } from "commander";
import { BatchPlanner } from "../../api/batch-planner.js";
import type { BatchItem, Pool } from "../../api/types.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { openPool } from "../shared/client-factory.js";

export interface TapOptions {
  tag?: string[];
}

const LIFECYCLE_TAG = "lifecycle";

/** Estimated bytes of a message (see BatchPlanner.messageBytes). */
function bytesOf(planner: BatchPlanner, item: BatchItem): number {
  return planner.messageBytes(JSON.stringify(item.data).length, JSON.stringify(item.tags ?? []).length);
}

/** Appends in arrival order: each batch waits for the previous one. */
class OrderedAppender {
  private chain: Promise<unknown> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    private readonly pool: Pool,
    private readonly planner: BatchPlanner,
  ) {}

  add(items: BatchItem[]): void {
    if (items.length === 0) return;
    this.chain = this.chain
      .then(async () => {
        const batches = this.planner.split(items, (item) => bytesOf(this.planner, item));
        for (const batch of batches) await this.pool.appendBatch(batch);
      })
      .catch((err) => {
        this.failure ??= err;
      });
  }

  async drain(): Promise<void> {
    await this.chain;
    if (this.failure) throw this.failure;
  }
}

/**
 * Longest line recorded whole. The rest of a longer line is dropped and counted
 * (`truncated_chars`), so output without newlines cannot grow memory without bound and
 * every line message fits the pool: a character takes at most 6 bytes once JSON-escaped,
 * and a batch budget is at most a quarter of the ring.
 */
const LINE_CHARS_MAX = 64 * 1024;

function lineCharsMax(batchBudget: number): number {
  return Math.max(256, Math.min(LINE_CHARS_MAX, Math.floor(batchBudget / 8)));
}

function captureLines(
  stream: Readable,
  name: "stdout" | "stderr",
  passThrough: NodeJS.WriteStream,
  emit: (items: BatchItem[]) => void,
  tags: string[],
  charsMax: number,
): Promise<void> {
  let partial = "";
  let dropped = 0;
  stream.setEncoding("utf8");
  const item = (line: string): BatchItem => {
    const data =
      dropped > 0
        ? { kind: "line", stream: name, line, truncated_chars: dropped }
        : { kind: "line", stream: name, line };
    return { data, tags: [...tags, name] };
  };
  stream.on("data", (chunk: string) => {
    passThrough.write(chunk);
    const parts = chunk.split("\n");
    const items: BatchItem[] = [];
    for (const [index, part] of parts.entries()) {
      const room = charsMax - partial.length;
      partial += part.length <= room ? part : part.slice(0, room);
      dropped += Math.max(0, part.length - room);
      if (index === parts.length - 1) break; // no newline yet: the line goes on
      items.push(item(partial.endsWith("\r") ? partial.slice(0, -1) : partial));
      partial = "";
      dropped = 0;
    }
    emit(items);
  });
  return new Promise((resolve) => {
    stream.on("close", () => {
      if (partial.length > 0 || dropped > 0) emit([item(partial)]);
      partial = "";
      resolve();
    });
  });
}

export async function runTap(ref: string, argv: string[], options: TapOptions, command: Command): Promise<void> {
  if (argv.length === 0)
    throw new CairnError(ErrorKind.Usage, "tap needs a command to run", { hint: "cairn tap POOL -- CMD ARGS…" });
  const tags = options.tag ?? [];
  const pool = await openPool(command, ref);
  const planner = await BatchPlanner.forPool(pool);
  const appender = new OrderedAppender(pool, planner);
  const charsMax = lineCharsMax(planner.bytesMax);
  const started = process.hrtime.bigint();
  const [file, ...args] = argv as [string, ...string[]];
  const child = spawn(file, args, { stdio: ["inherit", "pipe", "pipe"] });
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  const spawned = await Promise.race([
    new Promise<null>((resolve) => child.once("spawn", () => resolve(null))),
    spawnError,
  ]);
  if (spawned) {
    await pool.close();
    const code = (spawned as NodeJS.ErrnoException).code;
    const kind = code === "ENOENT" ? ErrorKind.NotFound : code === "EACCES" ? ErrorKind.Permission : ErrorKind.Usage;
    throw new CairnError(kind, `cannot run ${file}: ${spawned.message}`);
  }
  appender.add([{ data: { kind: "start", cmd: argv, pid: child.pid }, tags: [...tags, LIFECYCLE_TAG] }]);

  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward("SIGINT");
  const onTerm = forward("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  const emit = (items: BatchItem[]) => appender.add(items);
  const drained = Promise.all([
    captureLines(child.stdout as Readable, "stdout", process.stdout, emit, tags, charsMax),
    captureLines(child.stderr as Readable, "stderr", process.stderr, emit, tags, charsMax),
  ]);
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    child.once("exit", (c, s) => resolve([c, s])),
  );
  await drained;
  process.off("SIGINT", onInt);
  process.off("SIGTERM", onTerm);
  const elapsedMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
  const exit =
    signal === null ? { kind: "exit", code, elapsed_ms: elapsedMs } : { kind: "exit", signal, elapsed_ms: elapsedMs };
  appender.add([{ data: exit, tags: [...tags, LIFECYCLE_TAG] }]);
  try {
    await appender.drain();
  } finally {
    await pool.close();
  }
  process.exitCode = signal === null ? (code ?? 1) : 128 + (os.constants.signals[signal] ?? 0);
}
