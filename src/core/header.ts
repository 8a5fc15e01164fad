/**
 * The pool header: decode, encode and the open-time checks.
 *
 * Static fields (geometry) are written once at create time. Dynamic fields
 * (head, tail, tailNext, oldest, newest: bytes 64..104) are rewritten by the writer under
 * the lock as one 40-byte write, and re-read by lock-free readers at every step.
 */
import { CairnError, ErrorKind } from "./errors.js";
import { readU64, writeU64 } from "./u64.js";
import {
  ENDIAN_LITTLE,
  H,
  HEADER_BYTES,
  HEADER_USED_BYTES,
  INDEX_OFFSET,
  INDEX_SLOT_BYTES,
  POOL_MAGIC,
} from "./layout.js";

export interface PoolGeometry {
  formatVersion: number;
  fileSize: number;
  indexCapacity: number;
  ringOffset: number;
  ringSize: number;
}

/** The parts of the header that change with every append. Offsets are ring-relative. */
export interface RingState {
  headOff: number;
  tailOff: number;
  tailNextOff: number;
  /** 0 when the pool is empty. */
  oldestSeq: number;
  /** Kept when the pool empties, so seqs never repeat. */
  newestSeq: number;
}

export interface PoolHeader extends PoolGeometry, RingState {}

export const DYNAMIC_OFFSET = H.headOff;
export const DYNAMIC_BYTES = HEADER_USED_BYTES - H.headOff;

function u64(buf: Buffer, off: number): number {
  // Larger values can only come from a damaged file; keep them visibly out of range.
  return Math.min(readU64(buf, off), Number.MAX_SAFE_INTEGER);
}

export function encodeHeader(header: PoolHeader): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES);
  buf.write(POOL_MAGIC, H.magic, "latin1");
  buf.writeUInt32LE(header.formatVersion, H.version);
  buf.writeUInt8(ENDIAN_LITTLE, H.endianness);
  buf.writeBigUInt64LE(BigInt(header.fileSize), H.fileSize);
  buf.writeBigUInt64LE(BigInt(INDEX_OFFSET), H.indexOffset);
  buf.writeUInt32LE(header.indexCapacity, H.indexCapacity);
  buf.writeBigUInt64LE(BigInt(header.ringOffset), H.ringOffset);
  buf.writeBigUInt64LE(BigInt(header.ringSize), H.ringSize);
  buf.writeBigUInt64LE(0n, H.flags);
  encodeRingState(header, buf, H.headOff);
  return buf;
}

/** Writes the dynamic fields into `buf` at `at` (the header offset 64 by default). */
export function encodeRingState(state: RingState, buf: Buffer = Buffer.alloc(DYNAMIC_BYTES), at = 0): Buffer {
  writeU64(buf, state.headOff, at);
  writeU64(buf, state.tailOff, at + 8);
  writeU64(buf, state.tailNextOff, at + 16);
  writeU64(buf, state.oldestSeq, at + 24);
  writeU64(buf, state.newestSeq, at + 32);
  return buf;
}

export function decodeRingState(buf: Buffer, at = 0): RingState {
  return {
    headOff: u64(buf, at),
    tailOff: u64(buf, at + 8),
    tailNextOff: u64(buf, at + 16),
    oldestSeq: u64(buf, at + 24),
    newestSeq: u64(buf, at + 32),
  };
}

/** True when `buf` (a file's first bytes) starts with the pool magic `PLSM`. */
export function startsWithPoolMagic(buf: Buffer): boolean {
  return buf.length >= H.magic + 4 && buf.toString("latin1", H.magic, H.magic + 4) === POOL_MAGIC;
}

/** Reads the magic and version only, so an unknown version is reported before anything else. */
export function decodeHeaderPrefix(buf: Buffer, path: string): { formatVersion: number } {
  if (buf.length < 8 || !startsWithPoolMagic(buf)) {
    throw new CairnError(ErrorKind.Corrupt, "not a pool file (bad magic)", {
      path,
      offset: 0,
      hint: "check the path; a pool file starts with PLSM",
    });
  }
  return { formatVersion: buf.readUInt32LE(H.version) };
}

/** Decodes a full header and applies every open-time check of format v3. */
export function decodeHeader(buf: Buffer, path: string, actualFileSize: number): PoolHeader {
  if (buf.length < HEADER_USED_BYTES) {
    throw new CairnError(ErrorKind.Corrupt, `pool file is too short for a header (${buf.length} bytes)`, { path });
  }
  const { formatVersion } = decodeHeaderPrefix(buf, path);
  const corrupt = (what: string, offset: number) =>
    new CairnError(ErrorKind.Corrupt, `pool header is corrupt: ${what}`, {
      path,
      offset,
      hint: "run `cairn doctor` on the pool; a damaged header cannot be repaired in place",
    });
  if (buf.readUInt8(H.endianness) !== ENDIAN_LITTLE) throw corrupt("endianness is not little-endian", H.endianness);
  const fileSize = u64(buf, H.fileSize);
  if (fileSize !== actualFileSize) {
    throw corrupt(`file_size ${fileSize} does not match the file length ${actualFileSize}`, H.fileSize);
  }
  if (u64(buf, H.indexOffset) !== INDEX_OFFSET) throw corrupt("index_offset is not 4096", H.indexOffset);
  const indexCapacity = buf.readUInt32LE(H.indexCapacity);
  const ringOffset = u64(buf, H.ringOffset);
  if (ringOffset !== INDEX_OFFSET + indexCapacity * INDEX_SLOT_BYTES) {
    throw corrupt("ring_offset does not follow the index", H.ringOffset);
  }
  const ringSize = u64(buf, H.ringSize);
  if (ringOffset >= fileSize || ringSize !== fileSize - ringOffset) {
    throw corrupt("ring_size does not match file_size - ring_offset", H.ringSize);
  }
  if (u64(buf, H.flags) !== 0) throw corrupt("unknown flags", H.flags);
  const state = decodeRingState(buf, H.headOff);
  const problem = ringStateProblem(state, ringSize);
  if (problem) throw corrupt(problem, H.headOff);
  return { formatVersion, fileSize, indexCapacity, ringOffset, ringSize, ...state };
}

/** Describes why a ring state is impossible, or returns undefined when it is consistent. */
export function ringStateProblem(state: RingState, ringSize: number): string | undefined {
  for (const key of ["headOff", "tailOff", "tailNextOff"] as const) {
    const off = state[key];
    if (off >= ringSize || off % 8 !== 0) return `${key} ${off} is outside the ring or not 8-aligned`;
  }
  if (state.oldestSeq === 0) {
    if (state.headOff !== state.tailOff || state.tailOff !== state.tailNextOff) {
      return "an empty pool must have head == tail == tail_next";
    }
  } else if (state.oldestSeq > state.newestSeq) {
    return `oldest_seq ${state.oldestSeq} is greater than newest_seq ${state.newestSeq}`;
  }
  return undefined;
}
