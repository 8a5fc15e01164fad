/**
 * `cairn feed POOL [DATA] | -f FILE | stdin`: appends JSON messages and acknowledges them
 * (receipts, see feed-receipts.ts). Streams are read chunk by chunk
 * and appended in batches (one appendBatch per chunk or per batch limit), so input of any
 * length runs in bounded memory and many feeds can share a pool.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { BatchPlanner } from "../../api/batch-planner.js";
import type { BatchItem, Durability, Message, Pool } from "../../api/types.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { clientFor, globalOptionsOf, openPool as openExistingPool } from "../shared/client-factory.js";
import { FeedReceipts } from "./feed-receipts.js";
import { type InputFormat, RecordSplitter } from "./input/input-records.js";
import { notice } from "../shared/output.js";
import { type DecodedChunk, StrictUtf8Input } from "./input/utf8-input.js";
import { type TagsPath, compileTagsPath, mergeTags } from "./input/tags-path.js";

export interface FeedOptions {
  file?: string;
  in: InputFormat;
  tag?: string[];
  tagsFrom?: string;
  durability: Durability;
  create?: boolean;
  size?: string;
  errors: "stop" | "skip";
}

async function openPool(command: Command, ref: string, options: FeedOptions): Promise<Pool> {
  if (options.size !== undefined && !options.create)
    throw new CairnError(ErrorKind.Usage, "--size only applies with --create");
  if (!options.create)
    return openExistingPool(command, ref, `create it with --create, or with: cairn pool create ${ref}`);
  return clientFor(command).openOrCreate(ref, options.size === undefined ? {} : { size: options.size });
}

export async function runFeed(
  ref: string,
  data: string | undefined,
  options: FeedOptions,
  command: Command,
): Promise<void> {
  if (data !== undefined && options.file !== undefined)
    throw new CairnError(ErrorKind.Usage, "give the message as DATA or with --file, not both");
  const tags = options.tag ?? [];
  const tagsPath = options.tagsFrom === undefined ? null : compileTagsPath(options.tagsFrom);
  let single: unknown;
  if (data !== undefined) {
    try {
      single = JSON.parse(data);
    } catch (err) {
      throw new CairnError(ErrorKind.Usage, `DATA is not valid JSON (${(err as Error).message})`, {
        hint: `quote the JSON for your shell, e.g. cairn feed ${ref} '{"ok":true}'`,
      });
    }
  }
  const pool = await openPool(command, ref, options);
  const receipts = FeedReceipts.forStdout(ref, globalOptionsOf(command).json === true);
  try {
    if (data !== undefined) {
      const own = tagsPath?.(single) ?? { ok: true, tags: [] };
      if (!own.ok) throw new CairnError(ErrorKind.Usage, own.message);
      const messageTags = mergeTags(tags, own.tags);
      // The text as typed is what the pool stores: key order and the number rule (core) apply to it.
      await receipts.add(
        await pool.appendBatch([{ data: single, dataJson: data, tags: messageTags }], {
          durability: options.durability,
        }),
      );
      return;
    }
    const skipped = await feedStream(pool, inputStream(options.file), tags, tagsPath, options, receipts);
    if (skipped > 0) process.exitCode = 1;
  } finally {
    await receipts.end(); // also after a failure: what was appended is worth saying
    await pool.close();
  }
}

/** Bigger reads mean fewer, larger batches (a pipe still returns what it has at once). */
const READ_CHUNK_BYTES = 1024 * 1024;

function isRegularFile(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

function inputStream(file: string | undefined): NodeJS.ReadableStream {
  if (file === undefined || file === "-") {
    // A redirected file can be read in big chunks; pipes and TTYs (non-blocking) go through process.stdin.
    if (!isRegularFile(0)) return process.stdin;
    return fs.createReadStream("", { fd: 0, autoClose: false, highWaterMark: READ_CHUNK_BYTES });
  }
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch (err) {
    throw toCairnError(err, { path: file, what: "cannot read input file" });
  }
  // A directory opens fine on Linux and fails only at the first read, without its path.
  if (fs.fstatSync(fd).isDirectory()) {
    fs.closeSync(fd);
    throw new CairnError(ErrorKind.Usage, "cannot read input file: it is a directory", { path: file });
  }
  return fs.createReadStream("", { fd, highWaterMark: READ_CHUNK_BYTES });
}

/** Appends every record of `stream`; returns how many bad records were skipped. */
async function feedStream(
  pool: Pool,
  stream: NodeJS.ReadableStream,
  tags: string[],
  tagsPath: TagsPath | null,
  options: FeedOptions,
  receipts: FeedReceipts,
): Promise<number> {
  const utf8 = new StrictUtf8Input();
  const splitter = new RecordSplitter(options.in);
  // Batches follow the pool's limits (its ring, its codec, its transport): see BatchPlanner.
  const planner = await BatchPlanner.forPool(pool);
  const tagsChars = JSON.stringify(tags).length;
  let batch: BatchItem[] = [];
  let firstLine = 0; // input line of the batch's first record
  let skipped = 0;

  /** A bad record: `stop` fails naming its line, `skip` reports it and goes on. */
  const refuse = async (
    line: number,
    message: string,
    hint = "fix the input, or use --errors skip to skip bad records",
  ) => {
    const where = line > 0 ? `line ${line}: ` : "";
    if (options.errors === "stop") {
      await flush();
      throw new CairnError(ErrorKind.Usage, `${where}${message}`, { hint });
    }
    skipped += 1;
    notice("skipped", `${where}${message}`, line > 0 ? { line } : {});
  };

  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const items = batch;
    batch = [];
    planner.clear();
    let messages: Message[];
    try {
      messages = await pool.appendBatch(items, { durability: options.durability });
    } catch (err) {
      // A record too large for the pool is alone in its batch (it exceeds the batch budget),
      // so a Usage refusal of a one-item batch is that record's fault, like bad JSON.
      const error = toCairnError(err);
      if (items.length !== 1 || error.kind !== ErrorKind.Usage) throw err;
      return refuse(firstLine, error.message, error.hint);
    }
    await receipts.add(messages, tagsPath === null ? JSON.stringify(tags) : undefined);
  };

  const take = async (records: ReturnType<RecordSplitter["push"]>) => {
    for (const record of records) {
      if (!record.ok) {
        await refuse(record.line, record.message);
        continue;
      }
      let messageTags = tags;
      let messageTagsChars = tagsChars;
      if (tagsPath !== null) {
        const own = tagsPath(record.value);
        if (!own.ok) {
          await refuse(record.line, own.message);
          continue;
        }
        messageTags = mergeTags(tags, own.tags);
        messageTagsChars = JSON.stringify(messageTags).length;
      }
      const bytes = planner.messageBytes(record.chars, messageTagsChars);
      if (!planner.fits(bytes)) await flush();
      if (batch.length === 0) firstLine = record.line;
      // A record is stored as the text it came in (already valid JSON; core compacts a
      // pretty-printed one): no second serialisation, and the writer's key order is kept.
      batch.push({ data: record.value, dataJson: record.text, tags: messageTags });
      planner.add(bytes);
    }
  };

  // Records before an invalid byte are appended (as with a bad record), then feed fails.
  const takeDecoded = async (decoded: DecodedChunk) => {
    await take(splitter.push(decoded.text));
    if (decoded.invalidAt < 0) return;
    await flush();
    throw new CairnError(ErrorKind.Usage, `input is not valid UTF-8 (byte offset ${decoded.invalidAt})`, {
      hint: "convert it first, e.g. iconv -f latin1 -t utf-8",
    });
  };

  try {
    for await (const chunk of stream) {
      await takeDecoded(utf8.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer)));
      await flush(); // a chunk boundary is a pause in the input: make its messages visible now
    }
    await takeDecoded(utf8.end());
    await take(splitter.end());
    await flush();
  } finally {
    if (stream === process.stdin) process.stdin.pause();
    else (stream as fs.ReadStream).destroy();
  }
  return skipped;
}
