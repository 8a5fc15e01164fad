/**
 * Frames: `[64-byte header][payload][PLSMCMIT][pad to 8]`.
 *
 * `encodeFrame` builds the bytes of a committed frame; the writer flips the state word to
 * Writing before the first write and back to Committed last. `inspectFrame` checks a frame
 * read from the ring and says exactly what is wrong with it, so readers can resync and the
 * validator can report it.
 */
import { crc32 } from "node:zlib";
import {
  COMMIT_MARKER,
  COMMIT_MARKER_BYTES,
  F,
  FRAME_HEADER_BYTES,
  FRAME_MAGIC,
  FrameState,
  frameBytesFor,
} from "./layout.js";
import { readU64, writeU64 } from "./u64.js";

const FRAME_MAGIC_U32 = Buffer.from(FRAME_MAGIC, "latin1").readUInt32LE(0);

/**
 * The timestamp in a committed frame's 64-byte header, or null when the bytes are not the
 * committed frame of `seq`. For writers, which read the newest frame under the lock.
 */
export function committedTimestampOf(header: Buffer, seq: number): bigint | null {
  if (header.length < FRAME_HEADER_BYTES || header.readUInt32LE(F.magic) !== FRAME_MAGIC_U32) return null;
  if (header.readUInt32LE(F.state) !== FrameState.Committed || readU64(header, F.seq) !== seq) return null;
  if (~header.readUInt32LE(F.payloadLen) >>> 0 !== header.readUInt32LE(F.payloadLenXor)) return null;
  return header.readBigUInt64LE(F.timestampNs);
}

export interface FrameFields {
  seq: number;
  timestampNs: bigint;
  /** Encoded payload bytes, or text to be written as UTF-8 (saves a copy). */
  payload: Buffer | string;
  checksummed: boolean;
}

export function payloadByteLength(payload: Buffer | string): number {
  return typeof payload === "string" ? Buffer.byteLength(payload, "utf8") : payload.length;
}

export function encodeFrame(fields: FrameFields): Buffer {
  const buf = Buffer.allocUnsafe(frameBytesFor(payloadByteLength(fields.payload)));
  writeFrame(buf, 0, fields, FrameState.Committed);
  return buf;
}

/**
 * Writes a whole frame (header, payload, marker, zero padding) at `at`; returns its size.
 * `payloadLen` may be passed when the caller already knows the payload's byte length.
 */
export function writeFrame(
  buf: Buffer,
  at: number,
  fields: FrameFields,
  state: FrameState,
  payloadLen = payloadByteLength(fields.payload),
): number {
  const total = frameBytesFor(payloadLen);
  const payloadAt = at + FRAME_HEADER_BYTES;
  if (typeof fields.payload === "string") {
    // As many bytes as UTF-16 units means every character is ASCII: a plain copy will do.
    if (payloadLen === fields.payload.length) buf.write(fields.payload, payloadAt, payloadLen, "latin1");
    else buf.write(fields.payload, payloadAt, payloadLen, "utf8");
  } else fields.payload.copy(buf, payloadAt);
  buf.fill(0, at + F.checksum + 4, payloadAt);
  writeFrameHeader(buf, at, fields.seq, fields.timestampNs, payloadLen, state);
  buf.writeUInt32LE(
    fields.checksummed ? frameChecksum(buf, at, buf.subarray(payloadAt, payloadAt + payloadLen)) : 0,
    at + F.checksum,
  );
  const markerAt = payloadAt + payloadLen;
  COMMIT_MARKER.copy(buf, markerAt);
  buf.fill(0, markerAt + COMMIT_MARKER_BYTES, at + total);
  return total;
}

/** Writes a Wrap marker (a bare frame header in state Wrap) at `at`. */
export function writeWrapMarker(buf: Buffer, at: number): void {
  buf.fill(0, at, at + FRAME_HEADER_BYTES);
  buf.write(FRAME_MAGIC, at + F.magic, "latin1");
  buf.writeUInt32LE(FrameState.Wrap, at + F.state);
  buf.writeUInt32LE(FRAME_HEADER_BYTES, at + F.headerLen);
}

/** Writes the frame header fields at `at` in `buf`, leaving the checksum word to the caller. */
function writeFrameHeader(
  buf: Buffer,
  at: number,
  seq: number,
  timestampNs: bigint,
  payloadLen: number,
  state: FrameState,
): void {
  buf.write(FRAME_MAGIC, at + F.magic, "latin1");
  buf.writeUInt32LE(state, at + F.state);
  buf.writeUInt32LE(0, at + F.flags);
  buf.writeUInt32LE(FRAME_HEADER_BYTES, at + F.headerLen);
  writeU64(buf, seq, at + F.seq);
  buf.writeBigUInt64LE(timestampNs, at + F.timestampNs);
  buf.writeUInt32LE(payloadLen, at + F.payloadLen);
  buf.writeUInt32LE(~payloadLen >>> 0, at + F.payloadLenXor);
}

/**
 * CRC-32 over the frame's seq, timestamp and payload length (header bytes 16–35) and then
 * the payload, so a damaged seq or time is caught as surely as a damaged payload.
 */
export function frameChecksum(buf: Buffer, at: number, payload: Buffer): number {
  return crc32(payload, crc32(buf.subarray(at + F.seq, at + F.payloadLenXor)));
}

export type FrameProblem =
  | "short"
  | "magic"
  | "state"
  | "header_len"
  | "length_xor"
  | "past_ring_end"
  | "marker"
  | "checksum";

export type FrameView =
  | { kind: "wrap" }
  | { kind: "pending"; state: FrameState }
  | {
      kind: "committed";
      seq: number;
      timestampNs: bigint;
      /** Offset of the payload within the buffer that was inspected. */
      payloadAt: number;
      payloadLen: number;
      /** Bytes the whole frame occupies in the ring. */
      frameBytes: number;
    }
  | { kind: "bad"; problem: FrameProblem; needBytes?: number };

/**
 * Inspects the frame starting at `at` in `buf`. `roomInRing` is how many ring bytes there
 * are from the frame start to the ring end. When `buf` holds only part of a frame that
 * could be valid, returns `{kind:"bad", problem:"short", needBytes}` so the caller can read
 * more and ask again.
 */
export function inspectFrame(buf: Buffer, at: number, roomInRing: number, checksummed: boolean): FrameView {
  const available = buf.length - at;
  if (roomInRing < FRAME_HEADER_BYTES) return { kind: "bad", problem: "past_ring_end" };
  if (available < FRAME_HEADER_BYTES) return { kind: "bad", problem: "short", needBytes: FRAME_HEADER_BYTES };
  if (buf.readUInt32LE(at + F.magic) !== FRAME_MAGIC_U32) return { kind: "bad", problem: "magic" };
  const state = buf.readUInt32LE(at + F.state);
  if (state > FrameState.Wrap) return { kind: "bad", problem: "state" };
  if (buf.readUInt32LE(at + F.headerLen) !== FRAME_HEADER_BYTES) return { kind: "bad", problem: "header_len" };
  if (state === FrameState.Wrap) return { kind: "wrap" };
  if (state !== FrameState.Committed) return { kind: "pending", state: state as FrameState };
  const payloadLen = buf.readUInt32LE(at + F.payloadLen);
  if (~payloadLen >>> 0 !== buf.readUInt32LE(at + F.payloadLenXor)) return { kind: "bad", problem: "length_xor" };
  const frameBytes = frameBytesFor(payloadLen);
  if (frameBytes > roomInRing) return { kind: "bad", problem: "past_ring_end" };
  const needed = FRAME_HEADER_BYTES + payloadLen + COMMIT_MARKER_BYTES;
  if (available < needed) return { kind: "bad", problem: "short", needBytes: needed };
  const payloadAt = at + FRAME_HEADER_BYTES;
  if (!buf.subarray(payloadAt + payloadLen, payloadAt + payloadLen + COMMIT_MARKER_BYTES).equals(COMMIT_MARKER)) {
    return { kind: "bad", problem: "marker" };
  }
  if (
    checksummed &&
    frameChecksum(buf, at, buf.subarray(payloadAt, payloadAt + payloadLen)) !== buf.readUInt32LE(at + F.checksum)
  ) {
    return { kind: "bad", problem: "checksum" };
  }
  const seq = readU64(buf, at + F.seq);
  if (seq < 1 || seq > Number.MAX_SAFE_INTEGER) return { kind: "bad", problem: "state" };
  return {
    kind: "committed",
    seq,
    timestampNs: buf.readBigUInt64LE(at + F.timestampNs),
    payloadAt,
    payloadLen,
    frameBytes,
  };
}

export const frameProblemText: Record<FrameProblem, string> = {
  short: "frame is cut short",
  magic: "frame magic is not FRM1",
  state: "frame state or seq is invalid",
  header_len: "frame header_len is not 64",
  length_xor: "payload length check (xor) fails",
  past_ring_end: "frame runs past the ring end",
  marker: "commit marker PLSMCMIT is missing",
  checksum: "payload checksum does not match",
};
