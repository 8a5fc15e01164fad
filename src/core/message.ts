/**
 * The in-memory message every surface shares. Its wire form (key order, envelope) is the
 * api's business: src/api/wire/message.ts.
 */
import { CairnError, ErrorKind } from "./errors.js";
import { checkNumberValue } from "./json-numbers.js";
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
  /**
   * The JSON text of `data` exactly as the pool stores it (JSON pools), in the writer's key
   * order. Output passes it through rather than serialising `data` again, which would move
   * integer-like keys first and is slower.
   */
  dataJson?: string;
}

export function makeMessage(seq: number, timeNs: bigint, tags: string[], data: unknown, dataJson?: string): Message {
  const message: Message = { seq, time: formatTimeNs(timeNs), timeNs, tags, data };
  if (dataJson !== undefined) message.dataJson = dataJson;
  return message;
}

/** The JSON text of a message's data: the stored text when there is one. */
export function dataJsonOf(message: Message): string {
  return message.dataJson ?? JSON.stringify(message.data) ?? "null";
}

/** Deepest nesting of arrays and objects a message may have (JSON.stringify and recursive readers overflow beyond a few thousand). */
export const NESTING_MAX = 512;

/**
 * Throws Usage when `value` nests arrays/objects deeper than NESTING_MAX, or holds a number
 * JSON cannot write (NaN, ±Infinity: the number rule, json-numbers.ts). Iterative: safe on any input.
 */
export function checkNesting(value: unknown): void {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (typeof v === "number") checkNumberValue(v);
    if (v === null || typeof v !== "object") continue;
    if (depth > NESTING_MAX) {
      throw new CairnError(ErrorKind.Usage, `message data nests deeper than ${NESTING_MAX} levels`);
    }
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === "number") checkNumberValue(child);
      else if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
}
