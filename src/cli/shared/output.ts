/**
 * Presentation of results and errors for the CLI: one line `error: …` (plus a hint) on a
 * TTY, the JSON envelope `{"error":{…}}` otherwise; colour only on a TTY and never with
 * NO_COLOR. Stack traces only with CAIRN_DEBUG=1.
 */
import { inspect } from "node:util";
import { type CairnError, exitCodeFor, toCairnError } from "../../core/errors.js";
import { usageErrorFromCommander } from "./usage-errors.js";
import { writeOutBuffered } from "./stdout-writer.js";

export type ColorMode = "auto" | "always" | "never";

let colorMode: ColorMode = "auto";

export function setColorMode(mode: ColorMode): void {
  colorMode = mode;
}

export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  if (colorMode === "always") return true;
  if (colorMode === "never") return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

export type Style =
  | "bgBlue"
  | "blue"
  | "bold"
  | "cyan"
  | "dim"
  | "green"
  | "inverse"
  | "magenta"
  | "red"
  | "white"
  | "yellow";

/**
 * Styles text when colour is on for `stream`. The SGR codes come from util.inspect rather
 * than util.styleText, which second-guesses the decision above from TERM (a pseudo-terminal
 * without TERM, as in CI, would lose its colours).
 */
export function paint(style: Style | Style[], text: string, stream: NodeJS.WriteStream = process.stdout): string {
  if (!useColor(stream)) return text;
  let styled = text;
  for (const name of typeof style === "string" ? [style] : style) {
    const [open, close] = inspect.colors[name] ?? [0, 0];
    styled = `\u001b[${open}m${styled}\u001b[${close}m`;
  }
  return styled;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly what is escaped
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Text from data (tags, strings, error messages) made safe for a terminal: control
 * characters (C0, DEL, C1) are shown as `\uXXXX` instead of being interpreted, so a message
 * cannot clear the screen, retitle the window or write to the clipboard.
 */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Exit code of the error, after printing it the way the stderr consumer expects. */
export function reportError(err: unknown): number {
  const error = toCliError(err);
  if (process.stderr.isTTY) {
    process.stderr.write(`${paint("red", "error:", process.stderr)} ${terminalSafe(error.message)}\n`);
    if (error.path) process.stderr.write(`  ${paint("dim", `path: ${terminalSafe(error.path)}`, process.stderr)}\n`);
    if (error.hint) process.stderr.write(`  ${paint("dim", `hint: ${terminalSafe(error.hint)}`, process.stderr)}\n`);
  } else {
    process.stderr.write(`${JSON.stringify({ error: error.toJSON() })}\n`);
  }
  if (process.env.CAIRN_DEBUG === "1" && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
  return exitCodeFor(error.kind);
}

function toCliError(err: unknown): CairnError {
  const code = (err as { code?: string } | null)?.code;
  // CairnCommand turns commander's errors into CairnErrors; this catches any that get past it.
  if (typeof code === "string" && code.startsWith("commander.")) return usageErrorFromCommander((err as Error).message);
  return toCairnError(err);
}

/** Prints a notice (`{"notice":{…}}` when piped, a dim line on a TTY) to stderr. */
export function notice(kind: string, message: string, fields: Record<string, unknown> = {}): void {
  if (process.stderr.isTTY)
    process.stderr.write(`${paint("yellow", `${kind}:`, process.stderr)} ${terminalSafe(message)}\n`);
  else process.stderr.write(`${JSON.stringify({ notice: { kind, message, ...fields } })}\n`);
}

/** One JSON line on stdout, through the EPIPE-safe writer. */
export function printJson(value: unknown): void {
  writeOutBuffered(`${JSON.stringify(value)}\n`);
}

/** One line of text on stdout, through the EPIPE-safe writer. */
export function printLine(line = ""): void {
  writeOutBuffered(`${line}\n`);
}

/** Text as it is (already newline-terminated, e.g. YAML or a script), through the EPIPE-safe writer. */
export function printText(text: string): void {
  writeOutBuffered(text);
}
