/**
 * `FileDamageCheck`: what a follower checks each time it wakes, before it reads on, so a
 * pool file changed under it in a way no writer makes is reported (Corrupt) instead of
 * waited on forever or read as if nothing happened:
 * - the file's size differs from the size its header was created with (truncated, grown);
 * - seqs went backwards (they never do in one pool), or the last message the follower saw
 *   now has another time at the same seq: another pool's bytes overwrote the file in place.
 * One fstat and one header read per wake; one message read when a message was seen.
 */
import * as fs from "node:fs";
import { CairnError, ErrorKind } from "../../../core/errors.js";
import type { Message } from "../../../core/message.js";
import type { PoolHandle } from "../../../core/pool.js";

const HINT = "the pool file was changed by something other than cairn: run `cairn doctor` on it";

export class FileDamageCheck {
  private anchor: { seq: number; timeNs: bigint } | null = null;
  private newestSeen: number;

  constructor(private readonly handle: PoolHandle) {
    this.newestSeen = handle.bounds().newestSeq ?? 0;
  }

  /** Remembers the newest message the follower stepped over. */
  saw(message: Message): void {
    this.anchor = { seq: message.seq, timeNs: message.timeNs };
  }

  /** Throws Corrupt when the file no longer is the pool the follower was reading. */
  check(): void {
    const file = this.handle.poolFile;
    const sizeBytes = fs.fstatSync(file.fd).size;
    if (sizeBytes !== file.geometry.fileSize) {
      const how = sizeBytes < file.geometry.fileSize ? "truncated" : "grown";
      throw this.damage(
        `the pool file was ${how} while it was being followed (${sizeBytes} bytes, not ${file.geometry.fileSize})`,
      );
    }
    const bounds = this.handle.bounds();
    const newest = bounds.newestSeq ?? 0;
    if (newest < this.newestSeen || (this.anchor !== null && bounds.nextSeq <= this.anchor.seq))
      throw this.damage("the pool's seqs went backwards while it was being followed: the file was replaced in place");
    this.newestSeen = newest;
    const anchor = this.anchor;
    if (anchor === null || bounds.oldestSeq === null || anchor.seq < bounds.oldestSeq) return;
    let now: Message;
    try {
      now = this.handle.get(anchor.seq);
    } catch (err) {
      if (err instanceof CairnError && err.kind === ErrorKind.NotFound) return; // it left the ring meanwhile
      throw err;
    }
    if (now.timeNs !== anchor.timeNs)
      throw this.damage(
        `message ${anchor.seq} changed while the pool was being followed: the file was replaced in place`,
      );
  }

  private damage(message: string): CairnError {
    return new CairnError(ErrorKind.Corrupt, message, { path: this.handle.path, hint: HINT });
  }
}
