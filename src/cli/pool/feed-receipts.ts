/**
 * How `cairn feed` acknowledges what it appended. Piped (or with --json), one receipt
 * `{"meta":{"tags":[…]},"seq":N,"time":"…"}` per message, the contract scripts rely on. On a
 * terminal, a readable line for each of the first messages, then a progress line on stderr
 * instead of thousands of receipts, and a summary at the end.
 */
import type { Message } from "../../core/message.js";
import { tagPills } from "../shared/message-format.js";
import { paint, terminalSafe } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";
import { writeOut } from "../shared/stdout-writer.js";
import { plural } from "../shared/plural.js";

/** Receipts shown one by one on a terminal before feed switches to a progress line. */
const TTY_RECEIPTS_MAX = 10;
const PROGRESS_INTERVAL_MS = 100;

/** `{"meta":{"tags":[…]},"seq":N,"time":"…"}`: keys already in byte order. */
export function receiptLine(message: Message, tagsJson = JSON.stringify(message.tags)): string {
  return `{"meta":{"tags":${tagsJson}},"seq":${message.seq},"time":"${message.time}"}\n`;
}

export class FeedReceipts {
  private count = 0;
  private firstSeq = 0;
  private lastSeq = 0;
  private lastProgressMs = 0;
  private progressShown = false;

  constructor(
    private readonly pool: string,
    private readonly pretty: boolean,
  ) {}

  static forStdout(pool: string, json: boolean): FeedReceipts {
    return new FeedReceipts(pool, !wantsJson({ json }));
  }

  async add(messages: readonly Message[], tagsJson?: string): Promise<void> {
    if (messages.length === 0) return;
    if (this.count === 0) this.firstSeq = (messages[0] as Message).seq;
    this.lastSeq = (messages[messages.length - 1] as Message).seq;
    if (!this.pretty) {
      let out = "";
      for (const message of messages) out += receiptLine(message, tagsJson);
      this.count += messages.length;
      return writeOut(out);
    }
    let out = "";
    for (const message of messages) {
      if (this.count++ < TTY_RECEIPTS_MAX) out += this.prettyLine(message);
    }
    if (out) await writeOut(out);
    if (this.count > TTY_RECEIPTS_MAX) this.progress();
  }

  /** The summary after many messages on a terminal; nothing when piped. */
  async end(): Promise<void> {
    if (!this.pretty) return;
    this.clearProgress();
    if (this.count > TTY_RECEIPTS_MAX) {
      const more = this.count - TTY_RECEIPTS_MAX;
      await writeOut(
        `${paint("dim", `… and ${more.toLocaleString("en-US")} more`)}\n` +
          `appended ${plural(this.count, "message", undefined, { grouped: true })} to ${terminalSafe(this.pool)} ` +
          `${paint("dim", `(seq ${this.firstSeq}..${this.lastSeq})`)}\n`,
      );
    }
  }

  private prettyLine(message: Message): string {
    const tags = tagPills(message.tags);
    const parts = [paint(["bold", "cyan"], `#${message.seq}`), paint("dim", message.time)];
    if (tags) parts.push(tags);
    return `${parts.join("  ")}\n`;
  }

  private progress(): void {
    if (!process.stderr.isTTY) return;
    const now = Date.now();
    if (now - this.lastProgressMs < PROGRESS_INTERVAL_MS) return;
    this.lastProgressMs = now;
    this.progressShown = true;
    process.stderr.write(
      `\r\u001b[2Kappended ${plural(this.count, "message", undefined, { grouped: true })} (seq ${this.lastSeq})…`,
    );
  }

  private clearProgress(): void {
    if (this.progressShown) process.stderr.write("\r\u001b[2K");
  }
}
