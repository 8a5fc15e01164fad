/**
 * Rewriting a pool: a new pool file, built beside the old one from the retained messages a
 * caller keeps, renamed over it. This is how a ring changes size or loses messages that are
 * not its oldest run, which `truncate` cannot do.
 *
 * Exports `rewriteLocked` (the caller holds the old file's writer lock from before the copy
 * until after the rename, so every append lands either before the copy, and is copied, or
 * in the orphaned file after the rename, where a writer that checks its file under the lock
 * — `PoolHandle.appendBatchUnlessReplaced` — sees it unlinked and writes to the new one).
 *
 * Invariants: the new file is complete and fsynced before the rename; the directory is
 * fsynced after it; a failure leaves the old file in place and no temp file behind. The
 * kept messages keep their data, tags and order; seqs restart at 1 and times are the
 * rewrite's own (monotonic in the new file, as always).
 */
import { syncDirectory } from "./sync-directory.js";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { RingMirror, appendLocked } from "./append.js";
import { toCairnError } from "./errors.js";
import type { Message } from "./message.js";
import { PoolFile } from "./pool-file.js";
import { Cursor } from "./read.js";

export interface RewriteOptions {
  /** Bytes of the new pool file; default: the old file's size. */
  sizeBytes?: number;
  /** Which retained messages go into the new file; default: all. */
  keep?: (message: Message) => boolean;
  /** Of the kept messages, only the newest this many; default: all that fit. */
  keepNewestMax?: number;
}

export interface RewriteResult {
  /** Messages in the new file. */
  kept: number;
  /** Retained messages of the old file that the new one does not hold. */
  dropped: number;
}

const TEMP_SUFFIX = ".tmp";

/** Call holding `pool`'s writer lock, with `pool` still the file at its path. */
export function rewriteLocked(pool: PoolFile, options: RewriteOptions = {}): RewriteResult {
  const sizeBytes = options.sizeBytes ?? fs.fstatSync(pool.fd).size;
  const kept: Message[] = [];
  let total = 0;
  const state = pool.readState();
  const cursor = new Cursor(pool, state.oldestSeq === 0 ? state.newestSeq + 1 : state.oldestSeq);
  for (let step = cursor.next(); step.kind !== "none"; step = cursor.next()) {
    if (step.kind !== "message") continue;
    total++;
    if (!options.keep || options.keep(step.message)) kept.push(step.message);
  }
  const newestMax = options.keepNewestMax ?? kept.length;
  const tail = kept.slice(Math.max(0, kept.length - newestMax));
  const prefix = tempPrefix(pool.path);
  // Under the lock of the current file no other rewrite of this path is running, so any
  // temp file of ours here is a leftover of a rewriter that died.
  removeTemps(pool.path, prefix);
  const temp = `${prefix}${process.pid}-${Date.now()}${TEMP_SUFFIX}`;
  try {
    const fresh = PoolFile.create(temp, { sizeBytes, codec: pool.codec });
    try {
      // No lock on the temp file: no other process can know it before the rename, so this
      // writer is its only one (what appendLocked asks of its caller).
      const payloads = tail.map((m) => fresh.codec.encode(m.tags, m.data));
      if (payloads.length > 0) appendLocked(fresh, payloads, "flush", freshMemory());
      else fresh.sync();
    } finally {
      fresh.close();
    }
    fs.renameSync(temp, pool.path);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw toCairnError(err, { path: pool.path, what: "cannot rewrite the pool" });
  }
  syncDirectory(nodePath.dirname(pool.path));
  return { kept: tail.length, dropped: total - tail.length };
}

function freshMemory() {
  return { lastSeq: 0, lastTimeNs: 0n, mirror: new RingMirror() };
}

function tempPrefix(path: string): string {
  return nodePath.join(nodePath.dirname(path), `.${nodePath.basename(path)}.rewrite-`);
}

function removeTemps(path: string, prefix: string): void {
  const dir = nodePath.dirname(path);
  const start = nodePath.basename(prefix);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names)
    if (name.startsWith(start) && name.endsWith(TEMP_SUFFIX)) fs.rmSync(nodePath.join(dir, name), { force: true });
}
