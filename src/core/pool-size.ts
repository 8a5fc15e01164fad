/**
 * The bounds of a new pool file's size, checked in one place for every surface (CLI, api,
 * HTTP): a whole number of bytes divisible by 8, room for a ring of at least RING_BYTES_MIN
 * after the header and the index, and at most POOL_SIZE_MAX (size.ts). Errors name the
 * smallest or largest size that would be accepted, as a `--size` the user can type.
 */
import { CairnError, ErrorKind } from "./errors.js";
import { RING_BYTES_MIN, defaultIndexCapacity, ringOffsetFor } from "./layout.js";
import { checkPoolSizeMax, formatBytes } from "./size.js";

/** The smallest pool file: 5120 bytes with the default index (which is empty at that size). */
export function poolSizeMinFor(indexCapacity: number | undefined): number {
  return ringOffsetFor(indexCapacity ?? 0) + RING_BYTES_MIN;
}

/** `bytes` as a `--size` value: `5K` when it is a whole number of KiB, else the bytes. */
function asSizeFlag(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024}K` : String(bytes);
}

/** The index capacity a pool of `sizeBytes` gets; throws Usage when the size is out of bounds. */
export function checkPoolSize(sizeBytes: number, indexCapacity?: number): number {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes <= 0 || sizeBytes % 8 !== 0) {
    throw new CairnError(ErrorKind.Usage, `pool size ${sizeBytes} must be a whole number of bytes divisible by 8`);
  }
  checkPoolSizeMax(sizeBytes);
  const capacity = indexCapacity ?? defaultIndexCapacity(sizeBytes);
  if (!Number.isSafeInteger(capacity) || capacity < 0 || capacity > 0xffffffff) {
    throw new CairnError(ErrorKind.Usage, `invalid index capacity ${capacity}`);
  }
  const minBytes = poolSizeMinFor(indexCapacity);
  if (sizeBytes - ringOffsetFor(capacity) < RING_BYTES_MIN) {
    const slots = indexCapacity === undefined ? "" : ` with ${indexCapacity} index slots`;
    throw new CairnError(
      ErrorKind.Usage,
      `pool size ${formatBytes(sizeBytes)} is too small: the smallest pool${slots} is ${minBytes} bytes (--size ${asSizeFlag(minBytes)})`,
      { hint: `use --size ${asSizeFlag(minBytes)} or more` },
    );
  }
  return capacity;
}
