/**
 * Fast reads of seqs the engine's index no longer covers. The index keeps one slot per
 * `seq % indexCapacity` (at most 65,536), so in a larger pool every older seq is found by a
 * walk from the ring's tail: about 3 µs a frame, 60–100 ms for one `get` on a
 * 100,000-message pool, measured, and a binary search by time (17 gets) took about 1.1 s.
 * This remembers the ring offset of every CHECKPOINT_EVERY-th seq met on such a walk, so a
 * later read of a nearby seq walks at most CHECKPOINT_EVERY frames from one.
 *
 * Invariants: a checkpoint is only a hint. A frame read from it is trusted under the
 * engine's lock-free rule (its seq matches and a header read after it still retains it);
 * anything else forgets the hints and answers null, and the caller falls back to the
 * engine's own get. Memory is bounded by CHECKPOINTS_MAX.
 */
import { FRAME_HEADER_BYTES } from "../../../core/layout.js";
import { type Message, makeMessage } from "../../../core/message.js";
import type { PoolFile } from "../../../core/pool-file.js";
import { RingWindow, advance } from "../../../core/read.js";

const CHECKPOINT_EVERY = 256;
/** Read-ahead per refill: a walk from a hint crosses at most CHECKPOINT_EVERY frames. */
const WINDOW_BYTES = 16 * 1024;
/** 65,536 hints (about 1 MiB) cover 16.7 million unindexed seqs. */
const CHECKPOINTS_MAX = 65_536;

export class SeqCheckpoints {
  /** Ring offsets by seq / CHECKPOINT_EVERY. */
  private readonly offsets = new Map<number, number>();

  constructor(private readonly file: PoolFile) {}

  /** The message at `seq` when the index misses it and a walk from a hint finds it; else null. */
  get(seq: number): Message | null {
    if (!Number.isSafeInteger(seq) || seq < 1 || this.file.readIndexSlot(seq)) return null;
    const state = this.file.readState();
    if (state.oldestSeq === 0 || seq < state.oldestSeq || seq > state.newestSeq) return null;
    let start = { seq: state.oldestSeq, pos: state.tailOff };
    for (let key = Math.floor(seq / CHECKPOINT_EVERY); key * CHECKPOINT_EVERY >= state.oldestSeq; key--) {
      const pos = this.offsets.get(key);
      if (pos !== undefined) {
        start = { seq: key * CHECKPOINT_EVERY, pos };
        break;
      }
    }
    return this.walk(start, seq);
  }

  private walk(start: { seq: number; pos: number }, seq: number): Message | null {
    const ringSize = this.file.geometry.ringSize;
    const window = new RingWindow(this.file, WINDOW_BYTES);
    let pos = start.pos;
    let expected = start.seq;
    let wraps = 0;
    while (expected <= seq) {
      if (ringSize - pos < FRAME_HEADER_BYTES) pos = 0;
      const { view, buf, state } = window.frameAt(pos, expected);
      if (view.kind === "wrap" && pos !== 0 && wraps++ < 2) {
        pos = 0;
        continue;
      }
      if (view.kind !== "committed" || view.seq !== expected || expected < state.oldestSeq) {
        this.offsets.clear(); // lapped, rewritten or damaged: the engine's get decides
        return null;
      }
      wraps = 0;
      if (expected % CHECKPOINT_EVERY === 0 && this.offsets.size < CHECKPOINTS_MAX) {
        this.offsets.set(expected / CHECKPOINT_EVERY, pos);
      }
      if (expected === seq) {
        const payload = buf.subarray(view.payloadAt, view.payloadAt + view.payloadLen);
        const { tags, data, dataJson } = this.file.codec.decode(payload);
        return makeMessage(view.seq, view.timestampNs, tags, data, dataJson);
      }
      pos = advance(pos, view.frameBytes, ringSize);
      expected += 1;
    }
    return null;
  }
}
