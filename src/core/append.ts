/**
 * The write path. `appendLocked` must run while the caller holds the writer lock; it
 * re-reads the header, plans, and applies the plan in the documented order (docs/format.md):
 *
 *   publish drops (tail) → Wrap marker → frame as Writing (payload and marker in the same
 *   write) → state flipped to Committed → index slot → header (head, newest) → fdatasync
 *   in flush mode.
 *
 * Timestamps are taken under the lock and never go backwards within a pool.
 */
import { batchBytesMaxFor, splitIntoBatches } from "./batch-rule.js";
import { CairnError, ErrorKind, assert } from "./errors.js";
import { committedTimestampOf, inspectFrame, payloadByteLength, writeFrame, writeWrapMarker } from "./frame.js";
import type { RingState } from "./header.js";
import { F, FRAME_HEADER_BYTES, FrameState, frameBytesFor, payloadBytesMaxFor } from "./layout.js";
import { type AppendPlan, type FrameLookup, planAppendGroup } from "./plan.js";
import type { PoolFile } from "./pool-file.js";
import { RingWindow, advance, locate } from "./read.js";
import { nowNs } from "./time.js";
import { writeU64 } from "./u64.js";

export type Durability = "fast" | "flush";

/** The durability asked for, checked: absent means fast. */
export function durabilityOf(value: unknown): Durability {
  if (value === undefined || value === null) return "fast";
  if (value !== "fast" && value !== "flush")
    throw new CairnError(ErrorKind.Usage, `durability must be fast or flush, not ${JSON.stringify(value)}`);
  return value;
}

export interface EncodedMessage {
  payload: Buffer;
}

export interface AppendResult {
  seq: number;
  timeNs: bigint;
  frameOff: number;
}

/** What a writer handle remembers between appends, so a lone writer never re-reads it. */
export interface WriterMemory {
  lastSeq: number;
  lastTimeNs: bigint;
  mirror: RingMirror;
}

export function checkPayloadSize(pool: PoolFile, payloadBytes: number): void {
  const max = payloadBytesMaxFor(pool.geometry.ringSize);
  if (payloadBytes > max) {
    throw new CairnError(
      ErrorKind.Usage,
      `message of ${payloadBytes} bytes is larger than this pool allows (${max} bytes)`,
      {
        path: pool.path,
        hint: "create a larger pool (--size) or send a smaller message",
      },
    );
  }
}

/**
 * A copy of a run of ring bytes that a lone writer keeps between appends, so that making
 * room in a full ring does not read the same chunk again for every message. It is trusted
 * only while no other writer has appended since (`validForSeq` equals the pool's newest
 * seq, checked under the lock) and is patched with every byte this writer writes.
 */
const MIRROR_BYTES_MIN = 4 * 1024;
const MIRROR_BYTES_MAX = 64 * 1024;

export class RingMirror {
  private buf = Buffer.allocUnsafe(0); // allocated by the first refill: readers never need it
  private start = 0;
  private length = 0;
  /** Reads start small after a reset (other writers make the mirror short-lived) and grow. */
  private readBytes = MIRROR_BYTES_MIN;
  validForSeq = -1;

  covers(ringOff: number, bytes: number): boolean {
    return this.length > 0 && ringOff >= this.start && ringOff + bytes <= this.start + this.length;
  }

  bytesAt(ringOff: number, bytes: number): Buffer {
    const at = ringOff - this.start;
    return this.buf.subarray(at, at + bytes);
  }

  refill(pool: PoolFile, ringOff: number): void {
    if (this.buf.length === 0) this.buf = Buffer.allocUnsafe(MIRROR_BYTES_MAX);
    this.length = pool.readRing(ringOff, this.readBytes, this.buf).length;
    this.start = ringOff;
    this.readBytes = Math.min(this.readBytes * 4, MIRROR_BYTES_MAX);
  }

  patch(ringOff: number, bytes: Buffer): void {
    const from = Math.max(ringOff, this.start);
    const to = Math.min(ringOff + bytes.length, this.start + this.length);
    if (from < to) bytes.copy(this.buf, from - this.start, from - ringOff, to - ringOff);
  }

  forget(): void {
    this.length = 0;
    this.validForSeq = -1;
    this.readBytes = MIRROR_BYTES_MIN;
  }
}

/** Frame sizes at ring offsets, read under the lock through the writer's mirror. */
function frameLookup(pool: PoolFile, mirror: RingMirror): FrameLookup {
  return (ringOff) => {
    if (!mirror.covers(ringOff, FRAME_HEADER_BYTES)) mirror.refill(pool, ringOff);
    const buf = mirror.covers(ringOff, FRAME_HEADER_BYTES)
      ? mirror.bytesAt(ringOff, FRAME_HEADER_BYTES)
      : Buffer.alloc(0);
    const view = inspectFrame(buf, 0, pool.geometry.ringSize - ringOff, false);
    if (view.kind === "wrap") return { kind: "wrap" };
    if (
      view.kind === "committed" ||
      (view.kind === "bad" && view.problem === "short" && buf.length === FRAME_HEADER_BYTES)
    ) {
      const payloadLen = buf.readUInt32LE(F.payloadLen);
      if (~payloadLen >>> 0 === buf.readUInt32LE(F.payloadLenXor))
        return { kind: "frame", frameBytes: frameBytesFor(payloadLen) };
    }
    throw new CairnError(ErrorKind.Corrupt, `live frame at ring offset ${ringOff} is damaged; cannot make room`, {
      path: pool.path,
      offset: pool.geometry.ringOffset + ringOff,
      hint: "run `cairn doctor` on the pool",
    });
  };
}

/** A contiguous run of ring bytes: where it starts and what lies in it, in order. */
interface Segment {
  start: number;
  bytes: number;
  items: { at: number; planIndex: number | null }[]; // null: a wrap marker
}

/** Lays the group's wrap markers and frames out as contiguous segments of the ring. */
function segmentsFor(plans: readonly AppendPlan[]): Segment[] {
  const segments: Segment[] = [];
  let current: Segment | undefined;
  const put = (off: number, bytes: number, planIndex: number | null) => {
    if (!current || current.start + current.bytes !== off) {
      current = { start: off, bytes: 0, items: [] };
      segments.push(current);
    }
    current.items.push({ at: current.bytes, planIndex });
    current.bytes += bytes;
  };
  plans.forEach((plan, i) => {
    if (plan.wrapMarkerOff !== null) put(plan.wrapMarkerOff, FRAME_HEADER_BYTES, null);
    put(plan.frameOff, plan.frameBytes, i);
  });
  return segments;
}

/** Index slots for consecutive seqs, written as at most two contiguous runs. */
function writeIndexSlots(pool: PoolFile, plans: readonly AppendPlan[]): void {
  const capacity = pool.geometry.indexCapacity;
  if (capacity === 0 || plans.length === 0) return;
  const live = plans.slice(-capacity);
  let run: AppendPlan[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const buf = Buffer.allocUnsafe(run.length * 16);
    run.forEach((plan, i) => {
      writeU64(buf, plan.seq, i * 16);
      writeU64(buf, plan.frameOff, i * 16 + 8);
    });
    pool.writeIndexRun((run[0] as AppendPlan).seq, buf);
    run = [];
  };
  for (const plan of live) {
    if (run.length > 0 && plan.seq % capacity === 0) flush();
    run.push(plan);
  }
  flush();
}

/** The newest message's timestamp: remembered, else read from its frame header (2 preads). */
function newestTimeNs(pool: PoolFile, state: RingState, memory: WriterMemory): bigint {
  if (state.newestSeq === 0) return 0n;
  if (memory.lastSeq === state.newestSeq) return memory.lastTimeNs;
  if (state.oldestSeq === 0) return memory.lastTimeNs;
  const slot = pool.readIndexSlot(state.newestSeq);
  if (slot) {
    const time = committedTimestampOf(pool.readRing(slot.ringOff, FRAME_HEADER_BYTES), state.newestSeq);
    if (time !== null) return time;
  }
  const window = new RingWindow(pool, 4096);
  const pos = locate(pool, window, state.newestSeq);
  if (pos === null) return memory.lastTimeNs;
  const { view } = window.frameAt(pos, state.newestSeq);
  return view.kind === "committed" ? view.timestampNs : memory.lastTimeNs;
}

/** A group is sized by its frames, already in ring bytes. */
const sizeOfFrame = (frameBytes: number): number => frameBytes;

/** Appends encoded payloads in order. Caller holds the writer lock. */
export function appendLocked(
  pool: PoolFile,
  payloads: readonly (Buffer | string)[],
  durability: Durability,
  memory: WriterMemory,
): AppendResult[] {
  const lengths = payloads.map(payloadByteLength);
  for (const length of lengths) checkPayloadSize(pool, length);
  const ringSize = pool.geometry.ringSize;
  const results: AppendResult[] = [];
  let state = pool.readState();
  let timeNs = nowNs();
  const floor = newestTimeNs(pool, state, memory);
  const mirror = memory.mirror;
  if (mirror.validForSeq !== state.newestSeq) mirror.forget();
  mirror.validForSeq = -1; // until every write below has landed and been mirrored
  if (timeNs <= floor) timeNs = floor + 1n;
  let index = 0;
  // Groups follow the batching rule (batch-rule.ts), which keeps a group from dropping its own frames.
  const groups = splitIntoBatches(lengths.map(frameBytesFor), sizeOfFrame, {
    itemsMax: Number.MAX_SAFE_INTEGER,
    bytesMax: batchBytesMaxFor(ringSize),
  });
  for (const group of groups) {
    const planned = planAppendGroup(state, ringSize, group, frameLookup(pool, mirror));
    if (planned.tailMoved) pool.writeState(planned.afterDrop);
    const first = index;
    index += planned.plans.length;
    const times = planned.plans.map((plan) => {
      results.push({ seq: plan.seq, timeNs, frameOff: plan.frameOff });
      return timeNs++;
    });
    // Each frame lands as Writing with its payload and marker, then flips to Committed.
    // A whole segment is built in one buffer and rewritten for the flip: two writes per
    // segment instead of two per frame, and no per-frame buffers.
    for (const segment of segmentsFor(planned.plans)) {
      const bytes = Buffer.allocUnsafe(segment.bytes);
      for (const item of segment.items) {
        if (item.planIndex === null) {
          writeWrapMarker(bytes, item.at);
          continue;
        }
        const plan = planned.plans[item.planIndex] as AppendPlan;
        const payload = payloads[first + item.planIndex] as Buffer | string;
        const fields = {
          seq: plan.seq,
          timestampNs: times[item.planIndex] as bigint,
          payload,
          checksummed: pool.codec.checksummed,
        };
        const written = writeFrame(bytes, item.at, fields, FrameState.Writing, lengths[first + item.planIndex]);
        assert(written === plan.frameBytes, "written frame matches its plan");
      }
      pool.writeRing(segment.start, bytes);
      const frames = segment.items.filter((item) => item.planIndex !== null);
      for (const item of frames) bytes.writeUInt32LE(FrameState.Committed, item.at + F.state);
      if (frames.length === 1) {
        const stateAt = (frames[0] as { at: number }).at + F.state;
        pool.writeRing(segment.start + stateAt, bytes.subarray(stateAt, stateAt + 4));
      } else {
        pool.writeRing(segment.start, bytes);
      }
      mirror.patch(segment.start, bytes);
    }
    writeIndexSlots(pool, planned.plans);
    pool.writeState(planned.next);
    state = planned.next;
  }
  if (durability === "flush") pool.sync();
  const last = results[results.length - 1];
  if (last) {
    memory.lastSeq = last.seq;
    memory.lastTimeNs = last.timeNs;
  }
  mirror.validForSeq = state.newestSeq;
  return results;
}

/** Drops every message with seq < beforeSeq. Caller holds the writer lock. Returns the count. */
export function truncateLocked(pool: PoolFile, beforeSeq: number, durability: Durability): number {
  const state = pool.readState();
  if (state.oldestSeq === 0 || beforeSeq <= state.oldestSeq) return 0;
  if (beforeSeq > state.newestSeq) {
    const dropped = state.newestSeq - state.oldestSeq + 1;
    pool.writeState({
      headOff: state.headOff,
      tailOff: state.headOff,
      tailNextOff: state.headOff,
      oldestSeq: 0,
      newestSeq: state.newestSeq,
    });
    if (durability === "flush") pool.sync();
    return dropped;
  }
  const window = new RingWindow(pool);
  const pos = locate(pool, window, beforeSeq);
  if (pos === null)
    throw new CairnError(ErrorKind.Corrupt, `cannot find message ${beforeSeq} to truncate at`, { path: pool.path });
  const lookup = frameLookup(pool, new RingMirror());
  const frame = lookup(pos);
  assert(frame.kind === "frame", "truncate point is a frame");
  const tailNextOff = advance(pos, frame.frameBytes, pool.geometry.ringSize);
  pool.writeState({ ...state, tailOff: pos, tailNextOff, oldestSeq: beforeSeq });
  if (durability === "flush") pool.sync();
  return beforeSeq - state.oldestSeq;
}
