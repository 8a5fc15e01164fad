/**
 * The compact terminal view of messages: one line each, like `tail -f | jq -c` or Loki's
 * log lines, so a stream can be scanned. Columns: seq right-aligned, UTC time to the
 * millisecond (the date too on the first line of a day that is not today, and whenever the
 * day changes), tags, then the data: a log record (a level and a message) as a coloured
 * level, the message and `k=v` for the rest; anything else as its stored JSON text. A line
 * never wraps: it is cut to the terminal's width, with an ellipsis.
 */
import { inspect } from "node:util";
import { type Message, dataJsonOf } from "../../core/message.js";
import { cutToWidth, displayWidth } from "./display-width.js";
import type { Style } from "./output.js";
import { terminalSafe } from "./output.js";

export interface CompactOptions {
  color: boolean;
  /** The terminal's width now (asked per line, so a resized window is followed); 0: no limit. */
  columns: () => number;
  /** Only the data column. */
  dataOnly?: boolean;
  /** For tests: what "today" is. */
  nowMs?: () => number;
}

interface Part {
  text: string;
  style?: Style | Style[];
}

/** Six digits cover most pools; a longer seq widens the column from then on, never back. */
const SEQ_WIDTH_MIN = 6;
const GAP = "  ";
const ELLIPSIS = "…";

/** pino's and bunyan's numeric levels. */
const NUMERIC_LEVELS: Record<number, string> = {
  10: "trace",
  20: "debug",
  30: "info",
  40: "warn",
  50: "error",
  60: "fatal",
};
const LEVEL_STYLES: Record<string, Style | Style[]> = {
  fatal: ["bold", "red"],
  panic: ["bold", "red"],
  critical: "red",
  crit: "red",
  error: "red",
  err: "red",
  warn: "yellow",
  warning: "yellow",
  debug: "dim",
  trace: "dim",
  verbose: "dim",
};

export interface LogRecord {
  level: string;
  message: string;
  /** The other fields, in the parsed object's order (integer-like keys first, as JavaScript lists them). */
  fields: [string, unknown][];
}

/**
 * `data` as a log record when it is an object with a level (`level` or `severity`: a word,
 * or pino's numbers) and a string message (`msg` or `message`); otherwise null.
 */
export function logRecordOf(data: unknown): LogRecord | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const record = data as Record<string, unknown>;
  const levelKey = "level" in record ? "level" : "severity" in record ? "severity" : null;
  const messageKey = typeof record.msg === "string" ? "msg" : typeof record.message === "string" ? "message" : null;
  if (levelKey === null || messageKey === null) return null;
  const raw = record[levelKey];
  const level =
    typeof raw === "string" && raw.length > 0 ? raw : typeof raw === "number" ? NUMERIC_LEVELS[raw] : undefined;
  if (level === undefined) return null;
  const fields = Object.entries(record).filter(([key]) => key !== levelKey && key !== messageKey);
  return { level, message: record[messageKey] as string, fields };
}

/** A value of `k=v`: a plain word as it is, anything else (spaces, quotes, empty, non-strings) as JSON. */
function fieldValue(value: unknown): string {
  if (typeof value === "string" && /^[^\s"=]+$/u.test(value)) return value;
  return JSON.stringify(value) ?? "null";
}

function dataParts(message: Message): Part[] {
  const log = logRecordOf(message.data);
  if (log === null) return [{ text: dataJsonOf(message) }];
  const parts: Part[] = [];
  const style = LEVEL_STYLES[log.level.toLowerCase()];
  parts.push({ text: log.level.toUpperCase().padEnd(5), ...(style ? { style } : {}) }, { text: ` ${log.message}` });
  for (const [key, value] of log.fields) {
    parts.push({ text: ` ${key}=`, style: "dim" }, { text: fieldValue(value) });
  }
  return parts;
}

function paintPart(part: Part, color: boolean): string {
  if (!color || part.style === undefined || part.text.length === 0) return part.text;
  let styled = part.text;
  for (const name of typeof part.style === "string" ? [part.style] : part.style) {
    const [open, close] = inspect.colors[name] ?? [0, 0];
    styled = `\u001b[${open}m${styled}\u001b[${close}m`;
  }
  return styled;
}

/** The parts cut to `columns` with an ellipsis when they do not fit; colour added after measuring. */
export function fitLine(parts: Part[], columns: number, color: boolean): string {
  const safe = parts.map((p) => ({ ...p, text: terminalSafe(p.text) }));
  const total = safe.reduce((sum, p) => sum + displayWidth(p.text), 0);
  if (columns <= 0 || total <= columns) return safe.map((p) => paintPart(p, color)).join("");
  let room = columns - displayWidth(ELLIPSIS);
  let line = "";
  for (const part of safe) {
    const width = displayWidth(part.text);
    if (width <= room) {
      line += paintPart(part, color);
      room -= width;
      continue;
    }
    line += paintPart({ ...part, text: cutToWidth(part.text, room) }, color);
    break;
  }
  return `${line}${paintPart({ text: ELLIPSIS, style: "dim" }, color)}`;
}

/** Formats messages one line each; it remembers the last day shown and the seq column's width. */
export class CompactFormatter {
  private previousDay: string | null = null;
  private seqWidth = SEQ_WIDTH_MIN;

  constructor(private readonly options: CompactOptions) {}

  /** One message, newline-terminated. */
  format(message: Message): string {
    const columns = this.options.columns();
    if (this.options.dataOnly) return `${fitLine(dataParts(message), columns, this.options.color)}\n`;
    const parts: Part[] = [];
    const seq = String(message.seq);
    this.seqWidth = Math.max(this.seqWidth, seq.length);
    parts.push({ text: seq.padStart(this.seqWidth), style: ["bold", "cyan"] }, { text: GAP });
    parts.push({ text: this.timeOf(message), style: "dim" }, { text: GAP });
    if (message.tags.length > 0) parts.push({ text: `[${message.tags.join(" ")}]`, style: "cyan" }, { text: GAP });
    parts.push(...dataParts(message));
    return `${fitLine(parts, columns, this.options.color)}\n`;
  }

  /** `HH:MM:SS.mmm` UTC, after the date when this line starts a day other than the one before it. */
  private timeOf(message: Message): string {
    const iso = new Date(Number(message.timeNs / 1_000_000n)).toISOString();
    const day = iso.slice(0, 10);
    const previous = this.previousDay ?? new Date(this.options.nowMs?.() ?? Date.now()).toISOString().slice(0, 10);
    this.previousDay = day;
    const time = iso.slice(11, 23);
    return day === previous ? time : `${day} ${time}`;
  }
}
