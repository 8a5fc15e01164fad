/**
 * How much one appendBatch may carry. Besides fixed caps, a batch stays under a quarter
 * of the pool's ring, so a batch never laps the ring on its own (its first messages
 * would leave before any follower could read them). This bound also kept feed and tap
 * correct while the engine failed on batches spanning several groups (fixed in 7b90dce).
 */
import type { Pool } from "../../../api/types.js";

export const BATCH_ITEMS_MAX = 4096;
export const BATCH_CHARS_MAX = 4 * 1024 * 1024;
/** Frame header, commit marker, padding and the `{"data":…,"meta":{"tags":[…]}}` wrapper. */
export const FRAME_OVERHEAD_CHARS = 112;
/**
 * A batch for a pool on a server travels as one request body, which the server caps
 * (1 MiB by default): 256 Ki characters stay under it even when every one takes 3 bytes.
 */
export const REMOTE_BATCH_CHARS_MAX = 256 * 1024;

/** The most payload characters one batch should carry into `pool`. */
export async function batchCharsBudget(pool: Pool): Promise<number> {
  try {
    const info = await pool.info();
    const cap = /^https?:\/\//i.test(pool.ref) ? REMOTE_BATCH_CHARS_MAX : BATCH_CHARS_MAX;
    return Math.max(1, Math.min(cap, Math.floor(info.ring_size / 4)));
  } catch {
    return REMOTE_BATCH_CHARS_MAX; // info is only a sizing aid; this bound suits every pool
  }
}
