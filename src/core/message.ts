/** The message envelope every surface shares. */
import { CairnError, ErrorKind } from "./errors.js";
import { formatTimeNs } from "./time.js";

export interface Message {
  /** From 1, assigned by the pool, strictly increasing. */
  seq: number;
  /** RFC 3339 UTC with up to nine fractional digits, trailing zeros trimmed. */
  time: string;
  /** Nanoseconds since the Unix epoch; `time` in full precision. */
  timeNs: bigint;
  tags: string[];
  data: unknown;
}

export function makeMessage(seq: number, timeNs: bigint, tags: string[], data: unknown): Message {
  return { seq, time: formatTimeNs(timeNs), timeNs, tags, data };
}

/** Deepest nesting of arrays and objects a message may have (JSON.stringify and recursive readers overflow beyond a few thousand). */
export const NESTING_MAX = 512;

/** Throws Usage when `value` nests arrays/objects deeper than NESTING_MAX. Iterative: safe on any input. */
export function checkNesting(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (v === null || typeof v !== "object") continue;
    if (depth > NESTING_MAX) {
      throw new CairnError(ErrorKind.Usage, `message data nests deeper than ${NESTING_MAX} levels`);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
}

/** Recursively sorts object keys in the byte order of their UTF-8 encoding. */
function sortKeys(value: unknown, depth = 0): unknown {
  // Deeper than any message Cairn accepts: leave as is rather than overflow the stack.
  if (depth > NESTING_MAX) return value;
  if (Array.isArray(value)) return value.map((v) => sortKeys(v, depth + 1));
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    // UTF-16 order equals UTF-8 byte order unless a key holds a code unit >= 0xD800
    // (surrogates sort below U+E000–U+FFFF in UTF-16 but above them in UTF-8). The plain
    // sort is the fast path; encoding every key was ~30% of a tail's CPU (measured).
    keys.sort(keys.some(hasHighCodeUnit) ? compareBytes : undefined);
    const out: Record<string, unknown> = {};
    for (const key of keys) out[key] = sortKeys((value as Record<string, unknown>)[key], depth + 1);
    return out;
  }
  return value;
}

function hasHighCodeUnit(key: string): boolean {
  for (let i = 0; i < key.length; i++) if (key.charCodeAt(i) >= 0xd800) return true;
  return false;
}

function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** The wire shape `{"data":…,"meta":{"tags":[…]},"seq":N,"time":"…"}`, keys byte-sorted throughout. */
export function messageToWire(message: Message): {
  data: unknown;
  meta: { tags: string[] };
  seq: number;
  time: string;
} {
  return { data: sortKeys(message.data), meta: { tags: message.tags }, seq: message.seq, time: message.time };
}

export function messageToJsonLine(message: Message): string {
  return JSON.stringify(messageToWire(message));
}

export function sortJsonKeys(value: unknown): unknown {
  return sortKeys(value);
}
