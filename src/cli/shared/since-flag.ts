/**
 * `--since WHEN` (and `events clear --before WHEN`) for every command: core's one grammar
 * (`parseSinceNs`), with an error that names the flag and shows the grammar.
 */
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { parseSinceNs } from "../../core/time.js";

const SINCE_HINT =
  "give a duration ago (30s, 5m, 2h, 7d, 4w, 3mo; m = minutes, mo = months of 30 days) or an RFC 3339 time (2025-12-05T10:15:30Z) or date (2025-12-05)";

/** ns since the epoch. */
export function sinceFlagNs(text: string, flag = "--since"): bigint {
  try {
    return parseSinceNs(text);
  } catch (err) {
    const error = toCairnError(err);
    if (error.kind !== ErrorKind.Usage) throw err;
    throw new CairnError(ErrorKind.Usage, `${flag}: ${error.message}`, {
      hint: SINCE_HINT,
      cause: err,
    });
  }
}

/** Epoch ms, for the audit domain's filters. */
export function sinceFlagMs(text: string, flag = "--since"): number {
  return Number(sinceFlagNs(text, flag) / 1_000_000n);
}
