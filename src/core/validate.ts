/**
 * The full-pool validator behind `doctor`: walks every frame from tail to head and checks
 * frames, seq continuity, payload decoding and index slots. It reports; it never repairs.
 *
 * It runs under the writer lock, so whatever it finds is damage, never a race. Given a
 * `relock`, it lets writers in every FRAMES_PER_LOCK frames: a doctor on a large live pool
 * then stalls appends for milliseconds, not for the whole scan. After each relock it
 * re-reads the header: frames dropped meanwhile are skipped (they are gone, not damaged),
 * and frames appended meanwhile are validated too, up to the newest seq seen at the start.
 */
import { frameProblemText } from "./frame.js";
import { FRAME_HEADER_BYTES, INDEX_SLOT_BYTES } from "./layout.js";
import type { PoolFile } from "./pool-file.js";
import { RingWindow, advance } from "./read.js";
import { readU64 } from "./u64.js";

/** Index slots of consecutive seqs, read 4,096 at a time (one pread per slot made doctor slow). */
class IndexSlots {
  private readonly chunk = Buffer.allocUnsafe(4096 * INDEX_SLOT_BYTES);
  private slots: Buffer = this.chunk.subarray(0, 0);
  private firstSeq = 0;

  constructor(private readonly pool: PoolFile) {}

  /** The ring offset the slot of `seq` holds, or null when the slot belongs to another seq. */
  ringOffFor(seq: number): number | null {
    let at = (seq - this.firstSeq) * INDEX_SLOT_BYTES;
    if (seq < this.firstSeq || at + INDEX_SLOT_BYTES > this.slots.length) {
      this.slots = this.pool.readIndexRun(seq, this.chunk);
      this.firstSeq = seq;
      at = 0;
      if (this.slots.length < INDEX_SLOT_BYTES) return null;
    }
    return readU64(this.slots, at) === seq ? readU64(this.slots, at + 8) : null;
  }
}

export interface ValidationIssue {
  /** Stable code, e.g. `frame_checksum`, `seq_gap`, `index_slot`. */
  code: string;
  severity: "error" | "warning";
  message: string;
  /** Absolute byte offset in the file, when the issue has a place. */
  offset?: number;
  seq?: number;
}

export interface ValidationReport {
  path: string;
  status: "ok" | "warning" | "corrupt";
  messageCount: number;
  oldestSeq: number | null;
  newestSeq: number | null;
  /** The newest seq readable without meeting damage (null if none). */
  lastGoodSeq: number | null;
  issues: ValidationIssue[];
  remediationHints: string[];
}

/** About 10 ms of scanning between two chances for writers to take the lock. */
export const FRAMES_PER_LOCK = 4096;

export interface ValidateOptions {
  /** Releases the writer lock and takes it again; called between runs of frames. */
  relock?: () => void;
  framesPerLock?: number;
}

export function validatePool(pool: PoolFile, options: ValidateOptions = {}): ValidationReport {
  const issues: ValidationIssue[] = [];
  const ringSize = pool.geometry.ringSize;
  const ringOffset = pool.geometry.ringOffset;
  const framesPerLock = options.framesPerLock ?? FRAMES_PER_LOCK;
  let state = pool.readState();
  const report = (status: ValidationReport["status"], lastGoodSeq: number | null, count: number): ValidationReport => ({
    path: pool.path,
    status,
    messageCount: count,
    oldestSeq: state.oldestSeq === 0 ? null : state.oldestSeq,
    newestSeq: state.oldestSeq === 0 ? null : state.newestSeq,
    lastGoodSeq,
    issues,
    remediationHints: hintsFor(status, state.oldestSeq, lastGoodSeq, state.newestSeq),
  });
  if (state.oldestSeq === 0) return report("ok", null, 0);

  const window = new RingWindow(pool);
  const index = pool.geometry.indexCapacity > 0 ? new IndexSlots(pool) : null;
  let pos = state.tailOff;
  let expected = state.oldestSeq;
  let lastGood: number | null = null;
  let wraps = 0;
  let sinceLock = 0;
  // Frames appended while the lock is free are checked up to the newest seen at the start:
  // writers faster than the scan must not keep it running forever.
  const lastToCheck = state.newestSeq;
  while (expected <= Math.min(state.newestSeq, lastToCheck)) {
    if (options.relock && ++sinceLock > framesPerLock) {
      sinceLock = 0;
      options.relock();
      window.invalidate();
      state = pool.readState();
      if (state.oldestSeq === 0) return report("ok", null, 0); // emptied meanwhile
      if (expected <= state.oldestSeq) {
        // Dropped while the lock was free: nothing left to check there. When the next frame
        // to check is now the oldest, the bytes before it (a wrap marker) are free space and
        // may have been rewritten: restart from the tail the header names.
        expected = state.oldestSeq;
        pos = state.tailOff;
      }
      if (lastGood !== null && lastGood < state.oldestSeq) lastGood = null;
      wraps = 0;
      continue;
    }
    if (ringSize - pos < FRAME_HEADER_BYTES) {
      pos = 0;
      if (++wraps > 2) break;
      continue;
    }
    const { view, buf } = window.frameAt(pos, expected);
    if (view.kind === "wrap") {
      pos = 0;
      if (++wraps > 2) {
        issues.push({
          code: "ring_loop",
          severity: "error",
          message: "ring walk wrapped more than once",
          offset: ringOffset + pos,
        });
        break;
      }
      continue;
    }
    if (view.kind === "pending") {
      issues.push({
        code: "frame_uncommitted",
        severity: "error",
        message: `frame for seq ${expected} is not committed (state ${view.state})`,
        offset: ringOffset + pos,
        seq: expected,
      });
      break;
    }
    if (view.kind === "bad") {
      issues.push({
        code: `frame_${view.problem}`,
        severity: "error",
        message: `${frameProblemText[view.problem]} (expected seq ${expected})`,
        offset: ringOffset + pos,
        seq: expected,
      });
      break;
    }
    if (view.seq !== expected) {
      issues.push({
        code: "seq_gap",
        severity: "error",
        message: `expected seq ${expected}, found ${view.seq}`,
        offset: ringOffset + pos,
        seq: expected,
      });
      break;
    }
    try {
      pool.codec.decode(buf.subarray(view.payloadAt, view.payloadAt + view.payloadLen));
    } catch (err) {
      issues.push({
        code: "payload_decode",
        severity: "error",
        message: `payload of seq ${expected} does not decode: ${(err as Error).message}`,
        offset: ringOffset + pos,
        seq: expected,
      });
      break;
    }
    const slotRingOff = index?.ringOffFor(expected) ?? null;
    if (slotRingOff !== null && slotRingOff !== pos) {
      issues.push({
        code: "index_slot",
        severity: "warning",
        message: `index slot for seq ${expected} points to ring offset ${slotRingOff}, frame is at ${pos}`,
        offset: pool.indexSlotOffset(expected),
        seq: expected,
      });
    }
    lastGood = expected;
    expected += 1;
    pos = advance(pos, view.frameBytes, ringSize);
  }
  // Checked and still retained: the run from the oldest seq to the last good one.
  const count = lastGood === null || lastGood < state.oldestSeq ? 0 : lastGood - state.oldestSeq + 1;
  if (
    count === state.newestSeq - state.oldestSeq + 1 &&
    pos !== state.headOff &&
    !(ringSize - state.headOff < FRAME_HEADER_BYTES && pos === 0)
  ) {
    issues.push({
      code: "head_mismatch",
      severity: "error",
      message: `last frame ends at ring offset ${pos} but head is ${state.headOff}`,
      offset: ringOffset + pos,
    });
  }
  const corrupt = issues.some((i) => i.severity === "error");
  return report(corrupt ? "corrupt" : issues.length > 0 ? "warning" : "ok", lastGood, count);
}

function hintsFor(
  status: ValidationReport["status"],
  oldestSeq: number,
  lastGoodSeq: number | null,
  newestSeq: number,
): string[] {
  if (status === "ok") return [];
  if (status === "warning")
    return ["index slots are only a lookup aid and reads fall back to a scan: no action is needed"];
  // POOL stands for the pool's ref: doctor prints these with the pool's own name in it.
  // Validation stops at the first damage, but salvage reads on past it, so it comes first.
  const salvage = "`cairn pool salvage POOL POOL-salvaged`";
  const hints =
    lastGoodSeq === null
      ? [
          `no message before the damage is readable; later ones may be: copy every readable one into a new pool with ${salvage} (the damaged file is only read)`,
        ]
      : [
          `messages ${oldestSeq}..${lastGoodSeq} are intact${lastGoodSeq < newestSeq ? ", and later ones may be readable past the damage" : ""}: copy every readable one into a new pool with ${salvage} (the damaged file is only read)`,
        ];
  hints.push(
    "once the salvaged pool holds what you need, put it in place of the damaged one: `cairn pool delete POOL`, then `cairn pool salvage POOL-salvaged POOL`",
  );
  return hints;
}
