/**
 * Pure placement of frames in the ring. No I/O: everything the plan needs to know about
 * frames already in the ring comes through `frameAt`, a lookup the caller answers from the
 * file (under the writer lock) or, in tests, from a table.
 *
 * Rules (format v3):
 * - A frame goes at head when it fits before the ring end (an exact fit sends head to 0).
 * - Otherwise it goes at 0; a Wrap marker is written at head when >= 64 bytes remain
 *   there, and with 8–56 bytes left the writer jumps silently (the "jump zone").
 * - Oldest frames are dropped (tail advances, oldestSeq grows) until the bytes the frame
 *   needs hold no live frame. Tail passing a wrap point or the jump zone drops nothing.
 * - `afterDrop` is the state to publish before any byte is overwritten, so a lock-free
 *   reader that re-checks the header after reading a frame can trust what it read.
 */
import { assert } from "./errors.js";
import type { RingState } from "./header.js";
import { FRAME_HEADER_BYTES } from "./layout.js";

export type RingFrame = { kind: "wrap" } | { kind: "frame"; frameBytes: number };
export type FrameLookup = (ringOff: number) => RingFrame;

export interface AppendPlan {
  seq: number;
  frameOff: number;
  frameBytes: number;
  /** Where to write a Wrap marker first, or null. */
  wrapMarkerOff: number | null;
  /** Messages that leave the ring to make room. */
  dropped: number;
  /** True when tail moved: `afterDrop` must be published before writing. */
  tailMoved: boolean;
  afterDrop: RingState;
  next: RingState;
}

function isJumpZone(off: number, ringSize: number): boolean {
  return ringSize - off < FRAME_HEADER_BYTES;
}

export function tailNextFor(tail: number, ringSize: number, frameAt: FrameLookup): number {
  if (isJumpZone(tail, ringSize)) return 0;
  const frame = frameAt(tail);
  if (frame.kind === "wrap") return 0;
  const next = (tail + frame.frameBytes) % ringSize;
  return isJumpZone(next, ringSize) ? 0 : next;
}

export function planAppend(state: RingState, ringSize: number, frameBytes: number, frameAt: FrameLookup): AppendPlan {
  assert(frameBytes > 0 && frameBytes % 8 === 0, "frame size is a positive multiple of 8");
  assert(frameBytes <= ringSize, "frame fits in the ring");
  const head = state.headOff;
  const seq = state.newestSeq + 1;
  const fits = head + frameBytes <= ringSize;
  const frameOff = fits ? head : 0;
  const wrapMarkerOff = !fits && ringSize - head >= FRAME_HEADER_BYTES ? head : null;
  const conflicts = fits
    ? (t: number) => t >= head && t < head + frameBytes
    : (t: number) => t >= head || t < frameBytes;

  let tail = state.tailOff;
  let oldest = state.oldestSeq;
  let dropped = 0;
  let steps = 0;
  while (oldest !== 0 && conflicts(tail)) {
    assert(++steps <= 2 * (state.newestSeq - state.oldestSeq + 2) + 4, "plan drop loop terminates");
    if (isJumpZone(tail, ringSize)) {
      tail = 0;
      continue;
    }
    const frame = frameAt(tail);
    if (frame.kind === "wrap") {
      tail = 0;
      continue;
    }
    assert(tail + frame.frameBytes <= ringSize, "live frame ends inside the ring");
    tail = (tail + frame.frameBytes) % ringSize;
    dropped += 1;
    oldest = oldest === state.newestSeq ? 0 : oldest + 1;
  }

  const emptied = oldest === 0;
  const tailMoved = tail !== state.tailOff || oldest !== state.oldestSeq;
  const afterDrop: RingState = emptied
    ? { headOff: head, tailOff: head, tailNextOff: head, oldestSeq: 0, newestSeq: state.newestSeq }
    : {
        headOff: head,
        tailOff: tail,
        tailNextOff: tailMoved ? tailNextFor(tail, ringSize, frameAt) : state.tailNextOff,
        oldestSeq: oldest,
        newestSeq: state.newestSeq,
      };
  const newHead = (frameOff + frameBytes) % ringSize;
  const next: RingState = emptied
    ? {
        headOff: newHead,
        tailOff: frameOff,
        tailNextOff: isJumpZone(newHead, ringSize) ? 0 : newHead,
        oldestSeq: seq,
        newestSeq: seq,
      }
    : { ...afterDrop, headOff: newHead, newestSeq: seq };
  return { seq, frameOff, frameBytes, wrapMarkerOff, dropped, tailMoved, afterDrop, next };
}

/**
 * Plans several frames in a row. The caller keeps a group small enough (total bytes at
 * most half the ring) that no frame of the group drops another frame of the same group.
 * Frames the group places are visible to later lookups through an overlay.
 */
export function planAppendGroup(
  state: RingState,
  ringSize: number,
  frameSizes: readonly number[],
  frameAt: FrameLookup,
): { plans: AppendPlan[]; afterDrop: RingState; tailMoved: boolean; dropped: number; next: RingState } {
  const placed = new Map<number, RingFrame>();
  const lookup: FrameLookup = (off) => placed.get(off) ?? frameAt(off);
  const plans: AppendPlan[] = [];
  let current = state;
  let dropped = 0;
  for (const frameBytes of frameSizes) {
    const plan = planAppend(current, ringSize, frameBytes, lookup);
    if (plan.wrapMarkerOff !== null) placed.set(plan.wrapMarkerOff, { kind: "wrap" });
    placed.set(plan.frameOff, { kind: "frame", frameBytes });
    dropped += plan.dropped;
    plans.push(plan);
    current = plan.next;
  }
  const firstNewSeq = state.newestSeq + 1;
  assert(current.oldestSeq <= firstNewSeq || state.oldestSeq === 0, "a group never drops its own frames");
  const tailMoved = current.tailOff !== state.tailOff || current.oldestSeq !== state.oldestSeq;
  // Before the group's bytes land, readers may see the old messages that survive, or none.
  const survivors = current.oldestSeq !== 0 && current.oldestSeq < firstNewSeq && state.oldestSeq !== 0;
  const afterDrop: RingState = survivors
    ? {
        headOff: state.headOff,
        tailOff: current.tailOff,
        tailNextOff: current.tailNextOff,
        oldestSeq: current.oldestSeq,
        newestSeq: state.newestSeq,
      }
    : {
        headOff: state.headOff,
        tailOff: state.headOff,
        tailNextOff: state.headOff,
        oldestSeq: 0,
        newestSeq: state.newestSeq,
      };
  return { plans, afterDrop, tailMoved, dropped, next: current };
}
