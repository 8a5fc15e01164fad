/**
 * The in-memory message every surface shares. Its wire form (key order, envelope) is the
 * api's business: src/api/wire/message.ts.
 */
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
