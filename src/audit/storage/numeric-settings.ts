/**
 * The numeric settings of config.yaml and their bounds: each is a whole number from `min` to
 * `max`. Checked where a value is set (`config set`, `setConfig`) and where it is read
 * (`numberSetting`), so a bad file value is a clear Usage error naming the key — never a
 * pool sized for zero events, and never a deletion.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";

interface Bounds {
  min: number;
  max: number;
  /** Fractions allowed (a timeout of 2.5 s); every other setting is a whole number. */
  fractional?: boolean;
}

/** max_events at 1,000,000 is a pool of about 1.5 GB (1.5 KiB per event): the largest sane one. */
const NUMERIC_SETTINGS: Readonly<Record<string, Bounds>> = {
  "storage.max_events": { min: 1, max: 1_000_000 },
  "storage.retention_days": { min: 1, max: 36_500 },
  "audit.verify_timeout_seconds": { min: 0.001, max: 86_400, fractional: true },
  "audit.max_attempts": { min: 1, max: 100 },
  "audit.stale_days": { min: 1, max: 3_650 },
  "diff.content_max_bytes": { min: 1, max: 100 * 1024 * 1024 },
};

export function isNumericSetting(key: string): boolean {
  return Object.hasOwn(NUMERIC_SETTINGS, key);
}

/** Throws Usage unless `value` is a whole number within the key's bounds; `where` names the source. */
export function requireNumericSetting(key: string, value: unknown, where?: string): number {
  const bounds = NUMERIC_SETTINGS[key];
  if (!bounds) throw new CairnError(ErrorKind.Internal, `${key} is not a numeric setting`);
  const whole = bounds.fractional || Number.isInteger(value);
  if (typeof value === "number" && whole && value >= bounds.min && value <= bounds.max) return value;
  throw new CairnError(
    ErrorKind.Usage,
    `${key} takes ${bounds.fractional ? "a number" : "a whole number"} from ${bounds.min} to ${bounds.max.toLocaleString("en-US")}, not ${JSON.stringify(value)}${where ? ` (in ${where})` : ""}`,
    {
      ...(where ? { path: where } : {}),
      hint: `set it with \`cairn config set ${key} N\`, or remove it from config.yaml for the default`,
    },
  );
}
