/**
 * A bound on concurrent long-lived streams (tails and SSE): at most `slotsMax` at once
 * (64 by default); one more is refused with Busy (423) instead of queueing. Ordinary
 * requests never take a slot, so they are served however many streams are open.
 */
import { CairnError, ErrorKind } from "../core/errors.js";

export const STREAM_SLOTS_MAX_DEFAULT = 64;

export class StreamSlots {
  private used = 0;
  private readonly byPool = new Map<string, number>();

  constructor(readonly slotsMax: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Streams open on one pool (shown in the UI catalog). */
  openOn(pool: string): number {
    return this.byPool.get(pool) ?? 0;
  }

  /** Takes a slot or throws Busy; the returned release is idempotent. */
  acquire(pool: string): () => void {
    if (this.used >= this.slotsMax) {
      throw new CairnError(ErrorKind.Busy, `too many concurrent streams (limit ${this.slotsMax})`, {
        hint: "close a tail or try again later",
      });
    }
    this.used += 1;
    this.byPool.set(pool, this.openOn(pool) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= 1;
      const left = this.openOn(pool) - 1;
      if (left <= 0) this.byPool.delete(pool);
      else this.byPool.set(pool, left);
    };
  }
}
