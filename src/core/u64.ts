/**
 * Little-endian 64-bit integers as JS numbers, without a BigInt per field. Every count and
 * offset in a pool stays below 2^53; a larger stored value can only come from damage and is
 * read as Infinity, so callers see it as out of range.
 */
const TWO_32 = 2 ** 32;
const HIGH_SAFE_LIMIT = 2 ** 21; // 2^21 * 2^32 = 2^53

export function writeU64(buf: Buffer, value: number, at: number): void {
  buf.writeUInt32LE(value % TWO_32, at);
  buf.writeUInt32LE(Math.floor(value / TWO_32), at + 4);
}

export function readU64(buf: Buffer, at: number): number {
  const high = buf.readUInt32LE(at + 4);
  return high < HIGH_SAFE_LIMIT ? high * TWO_32 + buf.readUInt32LE(at) : Number.POSITIVE_INFINITY;
}
