/**
 * Count phrases in English: `plural(1, "phase")` is "1 phase", `plural(2, "phase")` is
 * "2 phases". Every count the CLI prints goes through it, so no output says "1 checks" or
 * hedges with "message(s)". `grouped` writes the count with thousands separators.
 */
export function plural(count: number, one: string, many = `${one}s`, options: { grouped?: boolean } = {}): string {
  const shown = options.grouped ? count.toLocaleString("en-US") : String(count);
  return `${shown} ${count === 1 ? one : many}`;
}
