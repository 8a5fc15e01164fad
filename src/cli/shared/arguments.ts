/**
 * Parsers for command-line values. Each one throws a Usage error naming the flag, so a
 * bad value is a one-line error with exit code 2 before any pool is touched.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";

/** Commander accumulator for repeatable flags (`--tag a --tag b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function parseCount(text: string, flag: string, { allowZero = false } = {}): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || (!allowZero && value === 0))
    throw new CairnError(
      ErrorKind.Usage,
      `${flag} expects a ${allowZero ? "non-negative" : "positive"} integer, got "${text}"`,
    );
  return value;
}

export function parseSeq(text: string, flag = "SEQ"): number {
  return parseCount(text, flag);
}

/** Seconds as a non-negative decimal, returned in milliseconds. */
export function parseSecondsToMs(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isFinite(value))
    throw new CairnError(ErrorKind.Usage, `${flag} expects seconds (e.g. 5 or 0.5), got "${text}"`);
  return Math.round(value * 1000);
}

export function parsePositiveNumber(text: string, flag: string): number {
  const value = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!(value > 0)) throw new CairnError(ErrorKind.Usage, `${flag} expects a positive number, got "${text}"`);
  return value;
}

export function parseChoice<T extends string>(text: string, flag: string, choices: readonly T[]): T {
  if ((choices as readonly string[]).includes(text)) return text as T;
  throw new CairnError(ErrorKind.Usage, `${flag} must be one of ${choices.join(", ")}, got "${text}"`);
}
