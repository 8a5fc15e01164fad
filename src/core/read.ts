/**
 * Lock-free reading: frames at ring offsets, get by seq, and cursors.
 *
 * The rule that makes lock-free reads safe: bytes read at time t1 are trusted only if a
 * header read at t2 > t1 still counts their seq as retained (oldest <= seq <= newest).
 * Writers publish every tail advance before they overwrite a byte, so such a frame was
 * intact when it was read. Anything else (a frame outside [tail, head), bad magic, bad
 * length, missing marker, bad checksum, wrong seq) sends the reader back to the index or
 * to the tail: it resyncs, and never returns a torn or stale payload.
 */
import { CairnError, ErrorKind, assert } from "./errors.js";
import { type FrameView, inspectFrame } from "./frame.js";
import type { RingState } from "./header.js";
import { FRAME_HEADER_BYTES } from "./layout.js";
import { type Message, makeMessage } from "./message.js";
import type { PoolFile } from "./pool-file.js";

const CHUNK_BYTES = 64 * 1024;

/** A read-ahead window over the ring, stamped with the header state read after it. */
export class RingWindow {
  private buf: Buffer;
  private start = -1;
  private length = 0;
  /** The header state read right after the window was filled. */
  state: RingState | null = null;

  constructor(
    private readonly pool: PoolFile,
    private readonly chunkBytes = CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  invalidate(): void {
    this.start = -1;
    this.length = 0;
    this.state = null;
  }

  /**
   * Inspects the frame at `pos`. Uses the window when it holds the frame and was filled
   * after `seq` became visible; otherwise refills from `pos`.
   */
  frameAt(pos: number, seq: number): { view: FrameView; buf: Buffer; state: RingState } {
    const ringSize = this.pool.geometry.ringSize;
    const checksummed = this.pool.codec.checksummed;
    if (this.state && this.state.newestSeq >= seq && pos >= this.start && pos < this.start + this.length) {
      const view = inspectFrame(this.buf.subarray(0, this.length), pos - this.start, ringSize - pos, checksummed);
      if (!(view.kind === "bad" && view.problem === "short")) return { view, buf: this.buf, state: this.state };
    }
    this.fill(pos, this.chunkBytes);
    let view = inspectFrame(this.buf.subarray(0, this.length), 0, ringSize - pos, checksummed);
    if (
      view.kind === "bad" &&
      view.problem === "short" &&
      view.needBytes !== undefined &&
      view.needBytes > this.length
    ) {
      this.fill(pos, view.needBytes);
      view = inspectFrame(this.buf.subarray(0, this.length), 0, ringSize - pos, checksummed);
    }
    return { view, buf: this.buf, state: this.state as RingState };
  }

  private fill(pos: number, bytes: number): void {
    if (this.buf.length < bytes) this.buf = Buffer.allocUnsafe(bytes);
    const got = this.pool.readRing(pos, bytes, this.buf);
    this.start = pos;
    this.length = got.length;
    this.state = this.pool.readState();
  }
}

/** Offset of the next frame after one of `frameBytes` at `pos`, with the jump-zone rule. */
export function advance(pos: number, frameBytes: number, ringSize: number): number {
  const next = (pos + frameBytes) % ringSize;
  return ringSize - next < FRAME_HEADER_BYTES ? 0 : next;
}

function decodeAt(pool: PoolFile, buf: Buffer, view: Extract<FrameView, { kind: "committed" }>): Message {
  const payload = buf.subarray(view.payloadAt, view.payloadAt + view.payloadLen);
  const { tags, data, dataJson } = pool.codec.decode(payload);
  return makeMessage(view.seq, view.timestampNs, tags, data, dataJson);
}

/**
 * Finds the ring offset of `seq`: the index slot when it checks out, else a scan from
 * tail. Returns null when the seq is not (or no longer) retained.
 */
export function locate(pool: PoolFile, window: RingWindow, seq: number, probeIndex = true): number | null {
  const ringSize = pool.geometry.ringSize;
  for (let attempt = 0; attempt < 4; attempt++) {
    const state = pool.readState();
    if (state.oldestSeq === 0 || seq < state.oldestSeq || seq > state.newestSeq) return null;
    const slot = probeIndex ? pool.readIndexSlot(seq) : null;
    if (slot) {
      const { view, state: after } = window.frameAt(slot.ringOff, seq);
      if (view.kind === "committed" && view.seq === seq && seq >= after.oldestSeq) return slot.ringOff;
    }
    // Scan from tail; a frame that does not check out means we were lapped: start over.
    let pos = state.tailOff;
    let expected = state.oldestSeq;
    let steps = 0;
    const limit = seq - state.oldestSeq + 3;
    while (steps++ <= limit) {
      if (ringSize - pos < FRAME_HEADER_BYTES) {
        pos = 0;
        continue;
      }
      const { view, state: after } = window.frameAt(pos, expected);
      if (view.kind === "wrap") {
        pos = 0;
        continue;
      }
      if (view.kind !== "committed" || view.seq !== expected || expected < after.oldestSeq) break;
      if (view.seq === seq) return pos;
      pos = advance(pos, view.frameBytes, ringSize);
      expected += 1;
    }
    window.invalidate();
  }
  const state = pool.readState();
  if (state.oldestSeq === 0 || seq < state.oldestSeq || seq > state.newestSeq) return null;
  throw new CairnError(ErrorKind.Corrupt, `message ${seq} is within bounds but cannot be read`, {
    path: pool.path,
    seq,
    hint: "run `cairn doctor` on the pool",
  });
}

export function getMessage(pool: PoolFile, seq: number): Message {
  if (!Number.isSafeInteger(seq) || seq < 1) throw new CairnError(ErrorKind.Usage, `invalid seq ${seq}`);
  const window = new RingWindow(pool, 4096);
  // Fast path: the index slot, checked against the frame and a header read after it.
  const slot = pool.readIndexSlot(seq);
  if (slot) {
    const { view, buf, state } = window.frameAt(slot.ringOff, seq);
    // seq <= newest too: a frame written but not yet published may never be (its writer can die).
    const retained = state.oldestSeq !== 0 && seq >= state.oldestSeq && seq <= state.newestSeq;
    if (view.kind === "committed" && view.seq === seq && retained) return decodeAt(pool, buf, view);
    window.invalidate();
  }
  for (let attempt = 0; attempt < 4; attempt++) {
    const pos = locate(pool, window, seq, false); // the index was probed just above
    if (pos === null) break;
    const { view, buf, state } = window.frameAt(pos, seq);
    if (view.kind === "committed" && view.seq === seq && seq >= state.oldestSeq) return decodeAt(pool, buf, view);
    window.invalidate();
  }
  const state = pool.readState();
  const bounds = state.oldestSeq === 0 ? "the pool is empty" : `retained: ${state.oldestSeq}..${state.newestSeq}`;
  throw new CairnError(ErrorKind.NotFound, `message ${seq} not found (${bounds})`, { path: pool.path, seq });
}

export type GapPolicy = "continue" | "error";

export type CursorStep =
  | { kind: "message"; message: Message }
  | { kind: "gap"; fromSeq: number; toSeq: number; count: number }
  | { kind: "none" };

/**
 * A sequential reader. `next()` never blocks: it returns the next message, a gap (when
 * messages it had not read yet left the ring), or "none" when it is at the live edge.
 */
export class Cursor {
  private nextSeq: number;
  private pos: number | null = null;
  private readonly window: RingWindow;

  constructor(
    private readonly pool: PoolFile,
    startSeq: number,
    private readonly gapPolicy: GapPolicy = "continue",
  ) {
    assert(Number.isSafeInteger(startSeq) && startSeq >= 1, "cursor starts at a seq >= 1");
    this.nextSeq = startSeq;
    this.window = new RingWindow(pool);
  }

  /** The seq the next message will have. */
  get position(): number {
    return this.nextSeq;
  }

  next(): CursorStep {
    const ringSize = this.pool.geometry.ringSize;
    let wraps = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      const known = this.window.state;
      const state = known && known.newestSeq >= this.nextSeq ? known : this.pool.readState();
      if (state.oldestSeq !== 0 && this.nextSeq < state.oldestSeq) return this.gap(state.oldestSeq);
      if (this.nextSeq > state.newestSeq || state.oldestSeq === 0) {
        if (state.oldestSeq === 0 && this.nextSeq <= state.newestSeq) return this.gap(state.newestSeq + 1);
        return { kind: "none" };
      }
      if (this.pos === null) {
        this.pos = locate(this.pool, this.window, this.nextSeq);
        if (this.pos === null) {
          this.window.invalidate();
          continue;
        }
      }
      if (ringSize - this.pos < FRAME_HEADER_BYTES) this.pos = 0;
      const { view, buf, state: after } = this.window.frameAt(this.pos, this.nextSeq);
      if (view.kind === "wrap" && this.pos !== 0 && wraps++ === 0) {
        this.pos = 0; // a wrap marker is not a failed attempt, but two in a row are damage
        attempt -= 1;
        continue;
      }
      if (view.kind === "committed" && view.seq === this.nextSeq && view.seq >= after.oldestSeq) {
        const message = decodeAt(this.pool, buf, view);
        this.pos = advance(this.pos, view.frameBytes, ringSize);
        this.nextSeq += 1;
        return { kind: "message", message };
      }
      // Lapped, torn or stale: forget the position and find the seq again.
      this.pos = null;
      this.window.invalidate();
    }
    const state = this.pool.readState();
    if (this.nextSeq < state.oldestSeq) return this.gap(state.oldestSeq);
    throw new CairnError(ErrorKind.Corrupt, `cannot read message ${this.nextSeq}`, {
      path: this.pool.path,
      seq: this.nextSeq,
      hint: "run `cairn doctor` on the pool",
    });
  }

  private gap(resumeSeq: number): CursorStep {
    const fromSeq = this.nextSeq;
    if (this.gapPolicy === "error") {
      throw new CairnError(
        ErrorKind.RetentionGap,
        `messages from ${fromSeq} to ${resumeSeq - 1} left the pool before they were read`,
        { path: this.pool.path, seq: fromSeq, hint: "read faster, use a larger pool, or use gap policy continue" },
      );
    }
    this.nextSeq = resumeSeq;
    this.pos = null;
    this.window.invalidate();
    return { kind: "gap", fromSeq, toSeq: resumeSeq - 1, count: resumeSeq - fromSeq };
  }
}
