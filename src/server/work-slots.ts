/**
 * A bound on concurrent heavy requests (validations): each runs off the event loop but
 * costs a process and a full scan of a pool, so at most `slotsMax` run at once (2 by
 * default, one per core of a small machine); one more is refused with Busy (423) instead
 * of queueing.
 */
import { CairnError, ErrorKind } from "../core/errors.js";

export const VALIDATIONS_MAX_DEFAULT = 2;

export class WorkSlots {
  private used = 0;

  constructor(
    readonly slotsMax: number,
    private readonly what: string,
  ) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot or throws Busy; the returned release is idempotent. */
  acquire(): () => void {
    if (this.used >= this.slotsMax) {
      throw new CairnError(ErrorKind.Busy, `too many concurrent ${this.what} (limit ${this.slotsMax})`, {
        hint: "try again when one has finished",
      });
    }
    this.used += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= 1;
    };
  }

  /** Runs `work` in a slot (Busy when none is free). */
  async run<T>(work: () => Promise<T>): Promise<T> {
    const release = this.acquire();
    try {
      return await work();
    } finally {
      release();
    }
  }
}
