/**
 * Human sizes: `4096`, `64K`, `1M`, `2G` (binary multiples; `KiB`/`KB` spellings accepted),
 * and the bounds of a pool's size. POOL_SIZE_MAX is the one maximum every surface obeys (the
 * api's create and core's create both check it; a server may set a lower limit on top).
 */
import { CairnError, ErrorKind } from "./errors.js";

/**
 * The largest pool file: 64 GiB. Far beyond any local workload Cairn serves (about 60
 * million 1 KiB messages), yet a typo (`--size 1T`) or a hostile request cannot make an
 * 8 TiB sparse file that fills the disk as it is written.
 */
export const POOL_SIZE_MAX = 64 * 2 ** 30;

const SIZE = /^(\d+)\s*(?:([KMGT])(?:i?B)?|B)?$/i;
const multipliers: Record<string, number> = { K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };

export function parseSize(text: string | number): number {
  if (typeof text === "number") {
    if (!Number.isSafeInteger(text) || text <= 0) throw new CairnError(ErrorKind.Usage, `invalid size ${text}`);
    return text;
  }
  const m = SIZE.exec(text.trim());
  if (!m) throw new CairnError(ErrorKind.Usage, `invalid size "${text}" (examples: 65536, 64K, 1M, 2G)`);
  const bytes = Number(m[1]) * (m[2] ? (multipliers[m[2].toUpperCase()] as number) : 1);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new CairnError(ErrorKind.Usage, `invalid size "${text}"`);
  return bytes;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/** Throws Usage when a pool of `sizeBytes` would exceed POOL_SIZE_MAX. */
export function checkPoolSizeMax(sizeBytes: number): void {
  if (sizeBytes > POOL_SIZE_MAX) {
    throw new CairnError(
      ErrorKind.Usage,
      `pool size ${formatBytes(sizeBytes)} exceeds the largest pool, ${formatBytes(POOL_SIZE_MAX)}`,
      { hint: "use a --size of at most 64G" },
    );
  }
}
