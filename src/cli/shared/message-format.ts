/**
 * How messages look on stdout: JSON lines when piped, the data passed through as the pool
 * stores it (the writer's key order, every key kept); on a TTY either one line per message
 * (compact, see compact-format.ts) or a readable block: seq, relative and absolute time,
 * tag pills, colourised JSON.
 */
import { messageToJsonLine } from "../../api/wire/message.js";
import { type Message, dataJsonOf } from "../../core/message.js";
import { CompactFormatter } from "./compact-format.js";
import { paint, terminalSafe, useColor } from "./output.js";
import { wantsJson } from "./output-mode.js";

export type MessageFormat = "compact" | "pretty" | "jsonl";

export interface FormatOptions {
  format: MessageFormat;
  dataOnly: boolean;
  nowMs?: number;
}

/**
 * The CLI's output convention applied to messages: JSON lines unless text fits (a terminal,
 * no --json), and then `onTerminal` (a stream is compact, one message fetched is a block).
 */
export function defaultFormat(
  options: { json?: boolean } = {},
  onTerminal: Exclude<MessageFormat, "jsonl"> = "pretty",
): MessageFormat {
  return wantsJson(options) ? "jsonl" : onTerminal;
}

/**
 * The terminal's width: `COLUMNS` when set (as `ls` and Python read it), else the TTY's own,
 * else 0 (no limit: a width that is not known must not cut data).
 */
export function terminalColumns(stdout: NodeJS.WriteStream = process.stdout): number {
  const fromEnv = Number.parseInt(process.env.COLUMNS ?? "", 10);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return stdout.isTTY === true && stdout.columns > 0 ? stdout.columns : 0;
}

/**
 * A formatter for a sequence of messages. Compact keeps state between lines (the day last
 * shown, the seq column's width), so a stream uses one formatter throughout.
 */
export function messageFormatter(format: MessageFormat, dataOnly: boolean): (message: Message) => string {
  if (format !== "compact") return (message) => formatMessage(message, { format, dataOnly });
  const compact = new CompactFormatter({ color: useColor(), columns: () => terminalColumns(), dataOnly });
  return (message) => compact.format(message);
}

/** One message, newline-terminated. */
export function formatMessage(message: Message, options: FormatOptions): string {
  if (options.format === "compact") return messageFormatter("compact", options.dataOnly)(message);
  if (options.format === "jsonl") {
    return `${options.dataOnly ? dataJsonOf(message) : messageToJsonLine(message)}\n`;
  }
  // A parsed object lists integer-like keys first; every other key keeps the writer's order.
  const body = colorJson(message.data, 1);
  if (options.dataOnly) return `${body}\n`;
  const nowMs = options.nowMs ?? Date.now();
  const ageMs = nowMs - Number(message.timeNs / 1_000_000n);
  const pills = tagPills(message.tags);
  const head = [
    paint(["bold", "cyan"], `#${message.seq}`),
    paint("dim", `${relativeTime(ageMs)} · ${message.time}`),
    pills,
  ]
    .filter((part) => part.length > 0)
    .join("  ");
  return `${head}\n  ${body}\n`;
}

/** Tags as coloured pills for a terminal, made safe to print. */
export function tagPills(tags: readonly string[]): string {
  return tags.map((t) => paint(["bgBlue", "white"], ` ${terminalSafe(t)} `)).join(" ");
}

export function relativeTime(ageMs: number): string {
  const s = Math.round(ageMs / 1000);
  if (s < 1) return "just now";
  if (s < 60) return `${s}s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ago`;
  return `${Math.floor(h / 24)}d ago`;
}

const INLINE_MAX = 72;

/** JSON with colour per token kind; short values stay on one line. */
export function colorJson(value: unknown, depth: number): string {
  const flat = JSON.stringify(value);
  if (flat === undefined) return paint("dim", "null");
  if (flat.length <= INLINE_MAX || value === null || typeof value !== "object") return colorInline(value);
  const pad = "  ".repeat(depth + 1);
  const end = "  ".repeat(depth);
  if (Array.isArray(value)) {
    const items = value.map((v) => `${pad}${colorJson(v, depth + 1)}`);
    return `[\n${items.join(",\n")}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).map(
    ([k, v]) => `${pad}${paint("blue", terminalSafe(JSON.stringify(k)))}: ${colorJson(v, depth + 1)}`,
  );
  return `{\n${entries.join(",\n")}\n${end}}`;
}

function colorInline(value: unknown): string {
  if (value === null) return paint("dim", "null");
  if (typeof value === "string") return paint("green", terminalSafe(JSON.stringify(value)));
  if (typeof value === "number") return paint("yellow", JSON.stringify(value));
  if (typeof value === "boolean") return paint("magenta", String(value));
  if (Array.isArray(value)) return `[${value.map(colorInline).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${paint("blue", terminalSafe(JSON.stringify(k)))}: ${colorInline(v)}`,
    );
    return `{${entries.join(", ")}}`;
  }
  return String(JSON.stringify(value));
}
