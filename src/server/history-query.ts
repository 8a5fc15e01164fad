/**
 * The query of the history and histogram endpoints (Cairn extensions for the web UI),
 * checked once: a page direction (`before_seq` or `after_seq`, default: the newest page),
 * a time range (`since_time` inclusive, `until_time` exclusive, RFC 3339), tags (AND),
 * jq `where` expressions (AND) and a page size. Anything malformed is Usage.
 */
import { parseTimeNs } from "../core/time.js";
import { usage } from "./respond.js";

/** Most messages one page carries. */
export const HISTORY_LIMIT_MAX = 500;
export const HISTORY_LIMIT_DEFAULT = 100;
/** Most jq expressions and their longest text: a filter is a short expression, not a program. */
export const WHERE_EXPRESSIONS_MAX = 4;
export const WHERE_CHARS_MAX = 2_000;
export const HISTOGRAM_BUCKETS_MAX = 240;
export const HISTOGRAM_BUCKETS_DEFAULT = 60;

export type PageDirection = { before: number } | { after: number };

export interface HistoryQuery {
  direction: PageDirection;
  sinceNs: bigint | null;
  untilNs: bigint | null;
  tags: string[];
  where: string[];
  limit: number;
}

function integer(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const value = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw usage(`${name} must be an integer between ${min} and ${max}, got "${text}"`);
  }
  return value;
}

function time(params: URLSearchParams, name: string): bigint | null {
  const text = params.get(name);
  return text === null || text === "" ? null : parseTimeNs(text);
}

/** The time range shared by history and histogram; an empty or inverted range is Usage. */
export function timeRangeFromSearch(params: URLSearchParams): { sinceNs: bigint | null; untilNs: bigint | null } {
  const sinceNs = time(params, "since_time");
  const untilNs = time(params, "until_time");
  if (sinceNs !== null && untilNs !== null && untilNs <= sinceNs) throw usage("until_time must be after since_time");
  return { sinceNs, untilNs };
}

export function historyQueryFromSearch(params: URLSearchParams): HistoryQuery {
  const before = integer(params, "before_seq", 1, Number.MAX_SAFE_INTEGER);
  const after = integer(params, "after_seq", 0, Number.MAX_SAFE_INTEGER);
  if (before !== undefined && after !== undefined) throw usage("give at most one of before_seq, after_seq");
  const where = params.getAll("where").filter((w) => w.trim() !== "");
  if (where.length > WHERE_EXPRESSIONS_MAX) throw usage(`at most ${WHERE_EXPRESSIONS_MAX} where expressions`);
  for (const expression of where) {
    if (expression.length > WHERE_CHARS_MAX) throw usage(`a where expression is at most ${WHERE_CHARS_MAX} characters`);
  }
  return {
    direction: after !== undefined ? { after } : { before: before ?? Number.MAX_SAFE_INTEGER },
    ...timeRangeFromSearch(params),
    tags: params.getAll("tag").filter((t) => t !== ""),
    where,
    limit: integer(params, "limit", 1, HISTORY_LIMIT_MAX) ?? HISTORY_LIMIT_DEFAULT,
  };
}

export function bucketCountFromSearch(params: URLSearchParams): number {
  return integer(params, "buckets", 1, HISTOGRAM_BUCKETS_MAX) ?? HISTOGRAM_BUCKETS_DEFAULT;
}
