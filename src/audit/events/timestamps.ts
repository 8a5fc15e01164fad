/**
 * Phaser timestamps. Python Phaser wrote several forms (`…Z`, `…+00:00`, microseconds,
 * naive local-less `2025-12-05T10:15:30.123`, plain dates); all are read here and turned
 * into epoch milliseconds so they compare as instants, not strings. One form is written:
 * `2025-12-05T10:15:30.123Z`.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { parseSinceNs } from "../../core/time.js";

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}:?\d{2}|[+-]\d{2})?$/;

/** Epoch milliseconds (fractional below a millisecond) of any Phaser timestamp form; null if unreadable. */
export function timestampMs(text: unknown): number | null {
  if (typeof text !== "string") return null;
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone] = m;
  let offsetMin = 0;
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || "0"));
  }
  const base = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(base)) return null;
  const fractionMs = frac ? Number(`0.${frac}`) * 1000 : 0;
  return base + fractionMs - offsetMin * 60_000;
}

export function requireTimestampMs(text: string, what = "timestamp"): number {
  const ms = timestampMs(text);
  if (ms === null)
    throw new CairnError(ErrorKind.Usage, `invalid ${what} "${text}"`, {
      hint: "use ISO 8601, e.g. 2025-12-05T10:15:30.123Z or 2025-12-05",
    });
  return ms;
}

/** The one written form: `2025-12-05T10:15:30.123Z`. */
export function formatTimestamp(ms: number = Date.now()): string {
  return new Date(Math.floor(ms)).toISOString();
}

/** Rewrites any readable form to the written form; unreadable text is returned unchanged. */
export function normaliseTimestamp(text: string): string {
  const ms = timestampMs(text);
  return ms === null ? text : formatTimestamp(ms);
}

/** `--since` and `--before` in epoch ms: core's one grammar (`parseSinceNs`), so `m` is minutes everywhere. */
export function parseSince(text: string, nowMs: number = Date.now()): number {
  return Number(parseSinceNs(text, BigInt(Math.floor(nowMs)) * 1_000_000n) / 1_000_000n);
}
