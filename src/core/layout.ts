/**
 * Byte layout of a pool file (Plasmite format v3): `[header 4096 B][index][ring]`.
 * All integers are little-endian. docs/format.md is the prose version of this file and a
 * byte-level test keeps the two in step.
 */

export const POOL_MAGIC = "PLSM";
export const FRAME_MAGIC = "FRM1";
export const COMMIT_MARKER = Buffer.from("PLSMCMIT", "latin1");
/** Plasmite's own format version (Lite3 payloads), and the file extension that claims it. */
export const PLASMITE_FORMAT_VERSION = 3;
export const PLASMITE_EXTENSION = ".plasmite";

export const HEADER_BYTES = 4096;
/** Bytes of the header that carry fields; the rest is zero. */
export const HEADER_USED_BYTES = 104;
export const INDEX_OFFSET = HEADER_BYTES;
export const INDEX_SLOT_BYTES = 16;
export const FRAME_HEADER_BYTES = 64;
export const COMMIT_MARKER_BYTES = 8;
export const FRAME_ALIGN = 8;
/** Smallest overhead of a frame: header + marker. Padding adds 0–7 bytes. */
export const FRAME_OVERHEAD_BYTES = FRAME_HEADER_BYTES + COMMIT_MARKER_BYTES;
export const PAYLOAD_BYTES_MAX = 256 * 1024 * 1024;
/** A ring smaller than this cannot hold a useful message. */
export const RING_BYTES_MIN = 1024;
export const INDEX_CAPACITY_MAX = 65536;
export const ENDIAN_LITTLE = 1;

/** Header field offsets. */
export const H = {
  magic: 0,
  version: 4,
  endianness: 8,
  fileSize: 16,
  indexOffset: 24,
  indexCapacity: 32,
  ringOffset: 40,
  ringSize: 48,
  flags: 56,
  headOff: 64,
  tailOff: 72,
  tailNextOff: 80,
  oldestSeq: 88,
  newestSeq: 96,
} as const;

/** Frame header field offsets. */
export const F = {
  magic: 0,
  state: 4,
  flags: 8,
  headerLen: 12,
  seq: 16,
  timestampNs: 24,
  payloadLen: 32,
  payloadLenXor: 36,
  checksum: 40,
} as const;

export const FrameState = {
  Empty: 0,
  Writing: 1,
  Committed: 2,
  Wrap: 3,
} as const;
export type FrameState = (typeof FrameState)[keyof typeof FrameState];

export function alignUp(n: number, to = FRAME_ALIGN): number {
  return Math.ceil(n / to) * to;
}

/** Total bytes a frame with this payload occupies in the ring. */
export function frameBytesFor(payloadBytes: number): number {
  return alignUp(FRAME_OVERHEAD_BYTES + payloadBytes);
}

/** Plasmite's default index capacity: min(file_size/256, 65536), limited to (file_size-5120)/16. */
export function defaultIndexCapacity(fileSize: number): number {
  const bySize = Math.min(Math.floor(fileSize / 256), INDEX_CAPACITY_MAX);
  const byRoom = Math.max(0, Math.floor((fileSize - 5120) / INDEX_SLOT_BYTES));
  return Math.max(0, Math.min(bySize, byRoom));
}

export function ringOffsetFor(indexCapacity: number): number {
  return HEADER_BYTES + indexCapacity * INDEX_SLOT_BYTES;
}

export function payloadBytesMaxFor(ringSize: number): number {
  return Math.min(ringSize - FRAME_OVERHEAD_BYTES, PAYLOAD_BYTES_MAX);
}
