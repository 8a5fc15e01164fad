/**
 * The number rule (docs/decisions.md): a JSON number is stored only if it reads back as the
 * same decimal value. Every reader of a pool parses numbers as IEEE-754 doubles, so `1e400`
 * would come back as `null` and `12345678901234567890123` as `1.2345678901234568e+22`;
 * rather than change data silently, such a number is refused with a Usage error naming it.
 *
 * `checkJsonNumbers` checks JSON text (what a user typed or sent); `checkDataNumbers` a value
 * (what a library caller passed: only NaN and ±Infinity cannot be written as JSON).
 */
import { CairnError, ErrorKind } from "./errors.js";

// Only a number with 16+ digits (a run of digits and dots) or a 3-digit exponent can
// change: up to 15 significant digits within ±1e±99 always read back the same. Without
// such a run the text is accepted without scanning it token by token.
const MAYBE_INEXACT = /[\d.]{16}|[eE][+-]?\d{3}/;
const STRING_OR_NUMBER = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/** Sign, significant digits without leading/trailing zeros, and the exponent of the last digit. */
function decimalOf(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return text;
  const fraction = m[3] ?? "";
  let digits = `${m[2]}${fraction}`.replace(/^0+/, "");
  if (digits.length === 0) return "0";
  let exponent = BigInt(m[4] ?? "0") - BigInt(fraction.length);
  const trimmed = digits.replace(/0+$/, "");
  exponent += BigInt(digits.length - trimmed.length);
  digits = trimmed;
  return `${m[1]}${digits}e${exponent}`;
}

/** Whether the number token `text` reads back, as a double, with the same decimal value. */
export function numberIsExact(text: string): boolean {
  const value = Number(text);
  return Number.isFinite(value) && decimalOf(String(value)) === decimalOf(text);
}

function refuse(text: string): CairnError {
  const shown = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return new CairnError(
    ErrorKind.Usage,
    `the number ${shown} cannot be stored exactly (JSON pools keep numbers as 64-bit floats)`,
    { hint: "send it as a string, or with at most 15 significant digits" },
  );
}

/** Throws Usage naming the first number in the JSON text `text` that would not read back the same. */
export function checkJsonNumbers(text: string): void {
  if (!MAYBE_INEXACT.test(text)) return;
  STRING_OR_NUMBER.lastIndex = 0;
  for (let m = STRING_OR_NUMBER.exec(text); m !== null; m = STRING_OR_NUMBER.exec(text)) {
    const token = m[0];
    if (token.charCodeAt(0) !== 0x22 && !numberIsExact(token)) throw refuse(token);
  }
}

/** Throws Usage when `value` holds NaN or ±Infinity, which JSON would write as null. */
export function checkNumberValue(value: number): void {
  if (!Number.isFinite(value)) throw refuse(String(value));
}
