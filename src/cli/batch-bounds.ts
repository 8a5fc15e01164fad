/**
 * How much one appendBatch may carry. Besides fixed caps, a batch stays under a quarter
 * of the pool's ring: the engine (as of b4aa2c4) fails with "live frame … is damaged;
 * cannot make room" on a batch whose frames span more than about the whole ring, after
 * committing part of it. Smaller batches keep feed and tap atomic per batch and correct.
 */
import type { Pool } from "../api/types.js";

export const BATCH_ITEMS_MAX = 4096;
export const BATCH_CHARS_MAX = 4 * 1024 * 1024;
/** Frame header, commit marker, padding and the `{"data":…,"meta":{"tags":[…]}}` wrapper. */
export const FRAME_OVERHEAD_CHARS = 112;

/** The most payload characters one batch should carry into `pool`. */
export async function batchCharsBudget(pool: Pool): Promise<number> {
  try {
    const info = await pool.info();
    return Math.max(1, Math.min(BATCH_CHARS_MAX, Math.floor(info.ring_size / 4)));
  } catch {
    return BATCH_CHARS_MAX; // info is only a sizing aid
  }
}
