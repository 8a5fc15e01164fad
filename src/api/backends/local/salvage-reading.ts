/**
 * The local backend's salvage reading: core's salvage scan over one pool file, as an async
 * iteration that gives the event loop a turn between slices (a salvage of a large pool must
 * not hold a server's loop for the whole scan). The file is opened for it alone and only read.
 */
import type { PoolFile } from "../../../core/pool-file.js";
import { type SalvageStep, salvageScan } from "../../../core/salvage-scan.js";
import type { SalvageReading } from "../../types.js";

/** Scan steps between two turns of the event loop (about a millisecond of decoding). */
const STEPS_PER_SLICE = 1024;

export function salvageReadingOf(file: PoolFile): SalvageReading {
  return {
    fileSizeBytes: file.geometry.fileSize,
    indexCapacity: file.geometry.indexCapacity,
    steps: slices(salvageScan(file)),
  };
}

async function* slices(scan: Generator<SalvageStep>): AsyncGenerator<SalvageStep> {
  let inSlice = 0;
  for (const step of scan) {
    yield step;
    if (++inSlice >= STEPS_PER_SLICE) {
      inSlice = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
}
