/**
 * A server-wide bound on the bytes held by request bodies in flight: each body reserves
 * its declared Content-Length before a byte is read (a chunked one reserves as it
 * arrives), and gives it back when parsed or refused. Without it, many slow clients each
 * holding a partial body could make the server hold connections × body limit. A body
 * that does not fit is Busy (423), answered at once.
 */
import { CairnError, ErrorKind } from "../core/errors.js";

/** 64 MiB: 64 bodies of the default 1 MiB limit at once. */
export const BODY_BYTES_IN_FLIGHT_MAX_DEFAULT = 64 * 1024 * 1024;

export class BodyBudget {
  private held = 0;

  constructor(readonly bytesMax: number) {}

  get bytesHeld(): number {
    return this.held;
  }

  /** Reserves `bytes` or throws Busy. */
  reserve(bytes: number): void {
    if (this.held + bytes > this.bytesMax) {
      throw new CairnError(ErrorKind.Busy, "the server is holding too many request bodies", {
        hint: "try again in a moment",
      });
    }
    this.held += bytes;
  }

  release(bytes: number): void {
    this.held = Math.max(0, this.held - bytes);
  }
}
