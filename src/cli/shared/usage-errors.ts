/**
 * Commander's usage errors in Cairn's shape: one line (`unknown command 'folow'`) and the
 * suggestion as the hint (`did you mean follow?`). Commander's own text is two lines
 * (`error: unknown command 'folow'\n(Did you mean follow?)`), which a terminal showed as a
 * literal `\u000a` once made safe to print.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";

const SUGGESTION = /\n\(Did you mean (.+)\?\)\s*$/;

/** A Usage error from commander's message; `hint` applies when commander suggested nothing. */
export function usageErrorFromCommander(message: string | undefined, hint = "see --help"): CairnError {
  const text = (message ?? "usage error").replace(/^error: /, "");
  const suggestion = SUGGESTION.exec(text);
  const line = (suggestion ? text.slice(0, suggestion.index) : text).split("\n")[0]?.trim() || "usage error";
  return new CairnError(ErrorKind.Usage, line, { hint: suggestion ? `did you mean ${suggestion[1]}?` : hint });
}

/** Quotes an argument for a POSIX shell when it needs it, so a suggested command line can be pasted. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
