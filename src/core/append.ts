/**
 * The write path. `appendLocked` must run while the caller holds the writer lock; it
 * re-reads the header, plans, and applies the plan in the documented order:
 *
 *   publish drops (tail) → Wrap marker → frame as Writing (payload and marker in the same
 *   write) → state flipped to Committed → index slot → header (head, newest) → fdatasync
 *   in flush mode.
 *
 * Timestamps are taken under the lock and never go backwards within a pool.
 */
import { CairnError, ErrorKind, assert } from "./errors.js";
import { encodeFrame, encodeWrapMarker, inspectFrame } from "./frame.js";
import type { RingState } from "./header.js";
import { F, FRAME_HEADER_BYTES, FrameState, frameBytesFor, payloadBytesMaxFor } from "./layout.js";
import { type FrameLookup, planAppendGroup } from "./plan.js";
import type { PoolFile } from "./pool-file.js";
import { RingWindow, advance, locate } from "./read.js";
import { nowNs } from "./time.js";

export type Durability = "fast" | "flush";

export interface EncodedMessage {
  payload: Buffer;
}

export interface AppendResult {
  seq: number;
  timeNs: bigint;
  frameOff: number;
}

/** Remembers the last timestamp this handle wrote, so a lone writer never re-reads it. */
export interface WriterClock {
  lastSeq: number;
  lastTimeNs: bigint;
}

const COMMITTED = (() => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(FrameState.Committed);
  return b;
})();

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

function frameLookup(pool: PoolFile): FrameLookup {
  return (ringOff) => {
    const buf = pool.readRing(ringOff, FRAME_HEADER_BYTES);
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

function newestTimeNs(pool: PoolFile, state: RingState, clock: WriterClock): bigint {
  if (state.newestSeq === 0) return 0n;
  if (clock.lastSeq === state.newestSeq) return clock.lastTimeNs;
  if (state.oldestSeq === 0) return clock.lastTimeNs;
  const window = new RingWindow(pool, 4096);
  const pos = locate(pool, window, state.newestSeq);
  if (pos === null) return clock.lastTimeNs;
  const { view } = window.frameAt(pos, state.newestSeq);
  return view.kind === "committed" ? view.timestampNs : clock.lastTimeNs;
}

/** Splits frames into groups of at most half the ring, so a group never drops its own frames. */
function groupsOf(sizes: readonly number[], ringSize: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  for (const size of sizes) {
    if (current.length > 0 && bytes + size > ringSize / 2) {
      groups.push(current);
      current = [];
      bytes = 0;
    }
    current.push(size);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Appends encoded payloads in order. Caller holds the writer lock. */
export function appendLocked(
  pool: PoolFile,
  payloads: readonly Buffer[],
  durability: Durability,
  clock: WriterClock,
): AppendResult[] {
  for (const payload of payloads) checkPayloadSize(pool, payload.length);
  const ringSize = pool.geometry.ringSize;
  const lookup = frameLookup(pool);
  const results: AppendResult[] = [];
  let state = pool.readState();
  let timeNs = nowNs();
  const floor = newestTimeNs(pool, state, clock);
  if (timeNs <= floor) timeNs = floor + 1n;
  let index = 0;
  for (const group of groupsOf(
    payloads.map((p) => frameBytesFor(p.length)),
    ringSize,
  )) {
    const planned = planAppendGroup(state, ringSize, group, lookup);
    if (planned.tailMoved) pool.writeState(planned.afterDrop);
    for (const plan of planned.plans) {
      const payload = payloads[index++] as Buffer;
      if (plan.wrapMarkerOff !== null) pool.writeRing(plan.wrapMarkerOff, encodeWrapMarker());
      const frame = encodeFrame({ seq: plan.seq, timestampNs: timeNs, payload, checksummed: pool.codec.checksummed });
      assert(frame.length === plan.frameBytes, "encoded frame matches its plan");
      frame.writeUInt32LE(FrameState.Writing, F.state);
      pool.writeRing(plan.frameOff, frame);
      pool.writeRing(plan.frameOff + F.state, COMMITTED);
      pool.writeIndexSlot(plan.seq, plan.frameOff);
      results.push({ seq: plan.seq, timeNs, frameOff: plan.frameOff });
      timeNs += 1n;
    }
    pool.writeState(planned.next);
    state = planned.next;
  }
  if (durability === "flush") pool.sync();
  const last = results[results.length - 1];
  if (last) {
    clock.lastSeq = last.seq;
    clock.lastTimeNs = last.timeNs;
  }
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
  const lookup = frameLookup(pool);
  const frame = lookup(pos);
  assert(frame.kind === "frame", "truncate point is a frame");
  const tailNextOff = advance(pos, frame.frameBytes, pool.geometry.ringSize);
  pool.writeState({ ...state, tailOff: pos, tailNextOff, oldestSeq: beforeSeq });
  if (durability === "flush") pool.sync();
  return beforeSeq - state.oldestSeq;
}
