/**
 * Turns `cairn feed` input text into records, chunk by chunk, holding at most one
 * incomplete record in memory. Formats:
 * - `jsonl`: one JSON value per line (blank lines ignored);
 * - `json`: concatenated JSON values, pretty-printed or not;
 * - `seq`: RFC 7464 JSON text sequences (each record starts with 0x1E);
 * - `auto`: JSON lines, plus SSE (`data:` lines, other SSE fields ignored), RS-prefixed
 *   records, and pretty-printed values that span lines.
 */
import { JsonValueFramer } from "./json-value-framer.js";

export type InputFormat = "auto" | "jsonl" | "json" | "seq";
export const INPUT_FORMATS: readonly InputFormat[] = ["auto", "jsonl", "json", "seq"];

/** A record larger than this is refused rather than buffered without bound. */
export const RECORD_CHARS_MAX = 64 * 1024 * 1024;

export type InputRecord =
  | { ok: true; value: unknown; text: string; chars: number; line: number }
  | { ok: false; message: string; line: number };

const RS = "\u001e";
const SSE_FIELD = /^(event|id|retry)(:|$)/;

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
  private partial = "";
  private line = 0;
  private readonly framer = new JsonValueFramer();
  /** auto: a value spanning lines is being collected in the framer. */
  private multiLineStart = 0;
  /** auto: SSE data lines of the current event. */
  private sseData: string[] = [];
  private sseLine = 0;

  constructor(readonly format: InputFormat) {}

  push(chunk: string): InputRecord[] {
    const out: InputRecord[] = [];
    if (this.format === "json") {
      for (const text of this.framer.push(chunk)) out.push(parseRecord(text, 0));
      this.checkFramerBound(out);
      return out;
    }
    const text = this.partial + chunk;
    let from = 0;
    for (;;) {
      const nl = text.indexOf("\n", from);
      if (nl < 0) break;
      this.onLine(text.slice(from, nl), out);
      from = nl + 1;
    }
    this.partial = text.slice(from);
    if (this.partial.length > RECORD_CHARS_MAX) {
      out.push({ ok: false, message: `record longer than ${RECORD_CHARS_MAX} characters`, line: this.line + 1 });
      this.partial = "";
    }
    return out;
  }

  end(): InputRecord[] {
    const out: InputRecord[] = [];
    if (this.format === "json") {
      for (const text of this.framer.end()) out.push(parseRecord(text, 0));
      return out;
    }
    if (this.partial.length > 0) this.onLine(this.partial, out);
    this.partial = "";
    if (this.framer.pending) for (const text of this.framer.end()) out.push(parseRecord(text, this.multiLineStart));
    if (this.format === "seq" && this.seqText !== null) this.flushSeq(out);
    this.flushSse(out);
    return out;
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

  private onSeqLine(line: string, out: InputRecord[]): void {
    const parts = line.split(RS);
    for (let k = 0; k < parts.length; k++) {
      const part = parts[k] as string;
      if (k > 0) {
        this.flushSeq(out);
        this.seqText = part;
        this.seqLine = this.line;
      } else if (this.seqText !== null) this.seqText += `\n${part}`;
      else if (part.trim().length > 0)
        out.push({
          ok: false,
          message: "text outside a JSON text sequence record (expected 0x1E first)",
          line: this.line,
        });
    }
  }

  private flushSeq(out: InputRecord[]): void {
    if (this.seqText !== null && this.seqText.trim().length > 0) out.push(parseRecord(this.seqText, this.seqLine));
    this.seqText = null;
  }

  private onAutoLine(line: string, out: InputRecord[]): void {
    if (this.framer.pending) {
      for (const text of this.framer.push(`${line}\n`)) out.push(parseRecord(text, this.multiLineStart));
      this.checkFramerBound(out);
      return;
    }
    const trimmed = line.trim();
    if (trimmed.length === 0) {
      this.flushSse(out);
      return;
    }
    if (trimmed.startsWith("data:")) {
      const data = trimmed.slice(5).replace(/^ /, "");
      if (this.sseData.length === 0) {
        const record = parseRecord(data, this.line);
        if (record.ok) return void out.push(record);
        this.sseLine = this.line;
      }
      this.sseData.push(data);
      return;
    }
    if (trimmed.startsWith(":") || SSE_FIELD.test(trimmed)) return;
    const text = trimmed.startsWith(RS) ? trimmed.slice(1) : trimmed;
    if (text.length === 0) return;
    const record = parseRecord(text, this.line);
    if (record.ok || !opensMultiLineValue(text)) return void out.push(record);
    // A pretty-printed object or array: collect following lines until the value closes.
    this.multiLineStart = this.line;
    for (const value of this.framer.push(`${text}\n`)) out.push(parseRecord(value, this.multiLineStart));
  }

  private flushSse(out: InputRecord[]): void {
    if (this.sseData.length === 0) return;
    out.push(parseRecord(this.sseData.join("\n"), this.sseLine));
    this.sseData = [];
  }

  private checkFramerBound(out: InputRecord[]): void {
    if (this.framer.bufferedChars <= RECORD_CHARS_MAX) return;
    out.push({ ok: false, message: `record longer than ${RECORD_CHARS_MAX} characters`, line: this.multiLineStart });
    this.framer.reset();
  }
}
