/**
 * Numbers both ends of the HTTP protocol must agree on. The server enforces them, the
 * remote client stays within them, and `cairn serve check` reports them.
 */

/** Longest `timeout_ms` a tail accepts (more is Usage); a longer wait is several requests. */
export const TAIL_TIMEOUT_MS_MAX = 30_000;

/** Largest request body a server accepts unless configured otherwise (`--body-limit`). */
export const BODY_BYTES_MAX_DEFAULT = 1024 * 1024;

/**
 * Most estimated bytes one append_batch request carries. Estimates count characters of
 * JSON text; 256 Ki of them stay under the default body limit even when every one takes
 * 3 bytes of UTF-8.
 */
export const REMOTE_BATCH_BYTES_MAX = 256 * 1024;
