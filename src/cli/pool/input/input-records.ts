/**
 * Turns `cairn feed` input text into records, chunk by chunk, holding at most one
 * incomplete record in memory. Formats:
 * - `jsonl`: one JSON value per line (blank lines ignored);
 * - `json`: concatenated JSON values, pretty-printed or not;
 * - `seq`: RFC 7464 JSON text sequences (each record starts with 0x1E);
 * - `auto`: JSON lines, plus SSE (`data:` lines, other SSE fields ignored), RS-prefixed
 *   records, and pretty-printed values that span lines.
 *
 * Linear in the input: each chunk is scanned once and an incomplete line is kept as pieces
 * joined when it ends. A record is refused as soon as it passes RECORD_CHARS_MAX, without
 * buffering the rest: the rest of an oversized line (up to its newline), of an oversized
 * value (`json`, or a value spanning lines in `auto`) or of an oversized `seq` record (up
 * to the next 0x1E) or SSE event (up to its blank line) is skipped, never read as records.
 */
import { type FramedValue, JsonValueFramer } from "./json-value-framer.js";

export type InputFormat = "auto" | "jsonl" | "json" | "seq";
export const INPUT_FORMATS: readonly InputFormat[] = ["auto", "jsonl", "json", "seq"];

/** A record larger than this is refused rather than buffered without bound. */
export const RECORD_CHARS_MAX = 64 * 1024 * 1024;

export type InputRecord =
  | { ok: true; value: unknown; text: string; chars: number; line: number }
  | { ok: false; message: string; line: number };

const RS = "\u001e";
const SSE_FIELD = /^(event|id|retry)(:|$)/;

function tooLong(line: number): InputRecord {
  return { ok: false, message: `record longer than ${RECORD_CHARS_MAX} characters`, line };
}

function parseRecord(text: string, line: number): InputRecord {
  try {
    return { ok: true, value: JSON.parse(text), text, chars: text.length, line };
  } catch (err) {
    const reason = (err as Error).message.replace(/^JSON\.parse: /, "");
    const preview = text.length > 60 ? `${text.slice(0, 57)}…` : text;
    return { ok: false, message: `invalid JSON (${reason}): ${JSON.stringify(preview)}`, line };
  }
}

/** A line that starts a value and clearly continues on the next line (`{`, `"a": [`, `1,`). */
function opensMultiLineValue(text: string): boolean {
  return (text.startsWith("{") || text.startsWith("[")) && /[[{,:]$/.test(text);
}

export class RecordSplitter {
  /** The incomplete last line, in pieces. */
  private partial: string[] = [];
  private partialChars = 0;
  /** The line in progress passed the bound: skip to its newline. */
  private skippingLine = false;
  private line = 0;
  private readonly framer = new JsonValueFramer(RECORD_CHARS_MAX);
  /** auto: a value spanning lines is being collected in the framer. */
  private multiLineStart = 0;
  /** auto: SSE data lines of the current event. */
  private sseData: string[] = [];
  private sseChars = 0;
  private sseLine = 0;
  /** auto: the SSE event in progress passed the bound: skip to its blank line. */
  private sseSkipping = false;

  constructor(readonly format: InputFormat) {}

  push(chunk: string): InputRecord[] {
    const out: InputRecord[] = [];
    if (this.format === "json") {
      this.takeFramed(this.framer.push(chunk), 0, out);
      return out;
    }
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf("\n", from);
      if (nl < 0) break;
      if (this.skippingLine) {
        this.skippingLine = false;
        this.line += 1;
      } else {
        const piece = chunk.slice(from, nl);
        const line = this.partial.length === 0 ? piece : this.partial.join("") + piece;
        this.partial = [];
        this.partialChars = 0;
        if (line.length > RECORD_CHARS_MAX) {
          this.line += 1;
          out.push(tooLong(this.line));
        } else this.onLine(line, out);
      }
      from = nl + 1;
    }
    if (!this.skippingLine && from < chunk.length) {
      const rest = chunk.slice(from);
      this.partialChars += rest.length;
      if (this.partialChars > RECORD_CHARS_MAX) {
        out.push(tooLong(this.line + 1));
        this.partial = [];
        this.partialChars = 0;
        this.skippingLine = true;
      } else this.partial.push(rest);
    }
    return out;
  }

  end(): InputRecord[] {
    const out: InputRecord[] = [];
    if (this.format === "json") {
      this.takeFramed(this.framer.end(), 0, out);
      return out;
    }
    if (this.partial.length > 0) this.onLine(this.partial.join(""), out);
    this.partial = [];
    this.partialChars = 0;
    if (this.framer.pending) this.takeFramed(this.framer.end(), this.multiLineStart, out);
    if (this.format === "seq" && this.seqText !== null) this.flushSeq(out);
    this.flushSse(out);
    return out;
  }

  private takeFramed(values: FramedValue[], line: number, out: InputRecord[]): void {
    for (const value of values) out.push("text" in value ? parseRecord(value.text, line) : tooLong(line));
  }

  private onLine(raw: string, out: InputRecord[]): void {
    this.line += 1;
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (this.format === "jsonl") {
      if (line.trim().length > 0) out.push(parseRecord(line, this.line));
      return;
    }
    if (this.format === "seq") {
      this.onSeqLine(line, out);
      return;
    }
    this.onAutoLine(line, out);
  }

  // seq: a record starts at RS and runs until the next RS (it may span lines).
  private seqText: string | null = null;
  private seqLine = 0;
  /** The seq record in progress passed the bound: skip to the next RS. */
  private seqSkipping = false;

  private onSeqLine(line: string, out: InputRecord[]): void {
    const parts = line.split(RS);
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k] as string;
      if (k > 0) {
        this.flushSeq(out);
        this.seqSkipping = false;
        this.seqText = part;
        this.seqLine = this.line;
      } else if (this.seqSkipping) continue;
      else if (this.seqText !== null) this.seqText += `\n${part}`;
      else if (part.trim().length > 0)
        out.push({
          ok: false,
          message: "text outside a JSON text sequence record (expected 0x1E first)",
          line: this.line,
        });
      if (this.seqText !== null && this.seqText.length > RECORD_CHARS_MAX) {
        out.push(tooLong(this.seqLine));
        this.seqText = null;
        this.seqSkipping = true;
      }
    }
  }

  private flushSeq(out: InputRecord[]): void {
    if (this.seqText !== null && this.seqText.trim().length > 0) out.push(parseRecord(this.seqText, this.seqLine));
    this.seqText = null;
  }

  private onAutoLine(line: string, out: InputRecord[]): void {
    if (this.framer.pending) {
      this.takeFramed(this.framer.push(`${line}\n`), this.multiLineStart, out);
      return;
    }
    const trimmed = line.trim();
    if (trimmed.length === 0) {
      this.flushSse(out);
      this.sseSkipping = false;
      return;
    }
    if (trimmed.startsWith("data:")) {
      if (this.sseSkipping) return;
      const data = trimmed.slice(5).replace(/^ /, "");
      if (this.sseData.length === 0) {
        const record = parseRecord(data, this.line);
        if (record.ok) return void out.push(record);
        this.sseLine = this.line;
      }
      this.sseData.push(data);
      this.sseChars += data.length + 1;
      if (this.sseChars > RECORD_CHARS_MAX) {
        out.push(tooLong(this.sseLine));
        this.sseData = [];
        this.sseChars = 0;
        this.sseSkipping = true;
      }
      return;
    }
    if (trimmed.startsWith(":") || SSE_FIELD.test(trimmed)) return;
    const text = trimmed.startsWith(RS) ? trimmed.slice(1) : trimmed;
    if (text.length === 0) return;
    const record = parseRecord(text, this.line);
    if (record.ok || !opensMultiLineValue(text)) return void out.push(record);
    // A pretty-printed object or array: collect following lines until the value closes.
    this.multiLineStart = this.line;
    this.takeFramed(this.framer.push(`${text}\n`), this.multiLineStart, out);
  }

  private flushSse(out: InputRecord[]): void {
    if (this.sseData.length === 0) return;
    out.push(parseRecord(this.sseData.join("\n"), this.sseLine));
    this.sseData = [];
    this.sseChars = 0;
  }
}
