/**
 * Salvage reading: every message of a damaged pool that can still be checked, in seq order,
 * and the seq ranges that cannot. It only reads the file (no lock, no write).
 *
 * It walks frames from tail like a Cursor. Where a frame does not check out, it resyncs: it
 * scans forward, 8 bytes at a time (frames are 8-aligned), for the next frame that is
 * Committed, passes its checksum (and decodes), has a seq above the last one returned and
 * no newer than the newest seq at the start, and is still retained by a header read after
 * it. The seqs skipped over are reported as lost. The scan never travels further than the
 * bytes from the damage to head (at most one ring), so salvage reads each byte of the live
 * span about once, whatever the damage.
 *
 * Exports `salvageScan` (a synchronous generator of SalvageStep).
 */
import type { FrameView } from "./frame.js";
import { F, FRAME_HEADER_BYTES, FRAME_MAGIC, FrameState } from "./layout.js";
import { type Message, makeMessage } from "./message.js";
import type { PoolFile } from "./pool-file.js";
import { RingWindow, advance } from "./read.js";

export type SalvageStep =
  | { kind: "message"; message: Message }
  /** Seqs fromSeq..toSeq (inclusive) were in the pool but could not be read. */
  | { kind: "lost"; fromSeq: number; toSeq: number };

const FRAME_MAGIC_U32 = Buffer.from(FRAME_MAGIC, "latin1").readUInt32LE(0);
/** Bytes read at a time while looking for the next frame header. */
const SCAN_CHUNK_BYTES = 1024 * 1024;
const FRAME_ALIGN = 8;

type Committed = Extract<FrameView, { kind: "committed" }>;

interface Checked {
  message: Message;
  frameBytes: number;
}

/** The checked message at `pos`, or null when the frame there is not one salvage may trust. */
function checkedAt(pool: PoolFile, window: RingWindow, pos: number, seqMin: number, seqMax: number): Checked | null {
  if (pool.geometry.ringSize - pos < FRAME_HEADER_BYTES) return null;
  const { view, buf, state } = window.frameAt(pos, seqMax);
  if (view.kind !== "committed") return null;
  const frame: Committed = view;
  if (frame.seq < seqMin || frame.seq > seqMax) return null;
  // Bytes read before a header that no longer retains their seq may be a writer's new frame.
  if (state.oldestSeq === 0 || frame.seq < state.oldestSeq) return null;
  try {
    const { tags, data, dataJson } = pool.codec.decode(
      buf.subarray(frame.payloadAt, frame.payloadAt + frame.payloadLen),
    );
    return { message: makeMessage(frame.seq, frame.timestampNs, tags, data, dataJson), frameBytes: frame.frameBytes };
  } catch {
    return null;
  }
}

/** Ring bytes from `from` forward to `to` (a whole ring when they are the same place). */
function ringDistance(from: number, to: number, ringSize: number): number {
  const d = (to - from + ringSize) % ringSize;
  return d === 0 ? ringSize : d;
}

/**
 * Looks for the next trustworthy frame after damage at `damagedPos`, scanning at most
 * `budgetBytes` of ring. Returns its position and message, or null when none is left.
 */
function resync(
  pool: PoolFile,
  window: RingWindow,
  damagedPos: number,
  budgetBytes: number,
  seqMin: number,
  seqMax: number,
): (Checked & { pos: number }) | null {
  const ringSize = pool.geometry.ringSize;
  const chunk = Buffer.allocUnsafe(Math.min(SCAN_CHUNK_BYTES, ringSize));
  let pos = damagedPos;
  let travelled = 0;
  const step = (bytes: number): void => {
    pos += bytes;
    travelled += bytes;
    if (ringSize - pos < FRAME_HEADER_BYTES) {
      travelled += ringSize - pos; // the jump zone holds no frame
      pos = 0;
    }
  };
  step(FRAME_ALIGN);
  while (travelled < budgetBytes) {
    const got = pool.readRing(pos, chunk.length, chunk);
    // Never short: step() keeps pos at least a frame header before the ring end.
    if (got.length < FRAME_HEADER_BYTES) break;
    let at = 0;
    // Only a header that fits in the chunk is tested here; one that does not is read next time.
    while (at + FRAME_HEADER_BYTES <= got.length && travelled < budgetBytes) {
      if (
        got.readUInt32LE(at + F.magic) === FRAME_MAGIC_U32 &&
        got.readUInt32LE(at + F.state) === FrameState.Committed
      ) {
        const checked = checkedAt(pool, window, pos, seqMin, seqMax);
        if (checked) return { ...checked, pos };
      }
      const before = pos;
      step(FRAME_ALIGN);
      if (pos < before) break; // wrapped to ring offset 0: read a new chunk there
      at += FRAME_ALIGN;
    }
  }
  return null;
}

/** Every readable message from oldest to the newest seq at the start, and what is lost between. */
export function* salvageScan(pool: PoolFile): Generator<SalvageStep> {
  const ringSize = pool.geometry.ringSize;
  const start = pool.readState();
  if (start.oldestSeq === 0) return;
  const newestSeq = start.newestSeq;
  const window = new RingWindow(pool);
  let pos = start.tailOff;
  let expected = start.oldestSeq;
  let wraps = 0;
  while (expected <= newestSeq) {
    if (ringSize - pos < FRAME_HEADER_BYTES) pos = 0;
    const { view } = window.frameAt(pos, expected);
    if (view.kind === "wrap" && pos !== 0 && wraps++ === 0) {
      pos = 0;
      continue;
    }
    wraps = 0;
    const checked = checkedAt(pool, window, pos, expected, expected);
    if (checked) {
      yield { kind: "message", message: checked.message };
      pos = advance(pos, checked.frameBytes, ringSize);
      expected += 1;
      continue;
    }
    const budget = ringDistance(pos, start.headOff, ringSize);
    const found = resync(pool, window, pos, budget, expected + 1, newestSeq);
    if (!found) {
      yield { kind: "lost", fromSeq: expected, toSeq: newestSeq };
      return;
    }
    yield { kind: "lost", fromSeq: expected, toSeq: found.message.seq - 1 };
    yield { kind: "message", message: found.message };
    pos = advance(found.pos, found.frameBytes, ringSize);
    expected = found.message.seq + 1;
  }
}
