/**
 * The tail (and SSE) query on the wire, both ways: the HTTP backend writes it with
 * `tailQueryToSearch`, the server reads it with `tailQueryFromSearch`.
 *
 *   since_seq=N     start at seq N (inclusive); older seqs that left the pool are a gap
 *   last=N          start at the newest N retained messages (Cairn extension)
 *   since_time=T    start at the first message at or after RFC 3339 time T (Cairn extension)
 *   from=oldest|live  start at the oldest retained message or the live edge (Cairn extension;
 *                   default: live edge)
 *   max=N           end the stream after N messages
 *   timeout_ms=N    end the stream when no message arrives for N ms (0: at the current end);
 *                   at most TAIL_TIMEOUT_MS_MAX
 *   tag=T           only messages carrying T; repeat for AND
 *   gap_policy=continue|error
 *   notices=1       emit `{"notice":{"kind":"drop",…}}` lines for gaps (Cairn extension)
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { GapPolicy } from "../../core/read.js";
import { formatTimeNs, parseTimeNs } from "../../core/time.js";
import type { StartAt } from "../types.js";
import { TAIL_TIMEOUT_MS_MAX } from "./limits.js";

export interface TailQuery {
  from: StartAt;
  max: number | undefined;
  timeoutMs: number | undefined;
  tags: string[];
  gap: GapPolicy;
  notices: boolean;
}

function usage(message: string): CairnError {
  return new CairnError(ErrorKind.Usage, message);
}

export function tailQueryToSearch(query: TailQuery): string {
  const q = new URLSearchParams();
  const from = query.from;
  if (from === "live" || from === "oldest") q.set("from", from);
  else if ("seq" in from) q.set("since_seq", String(from.seq));
  else if ("last" in from) q.set("last", String(from.last));
  else q.set("since_time", formatTimeNs(from.timeNs));
  for (const tag of query.tags) q.append("tag", tag);
  if (query.gap === "error") q.set("gap_policy", "error");
  if (query.max !== undefined) q.set("max", String(query.max));
  if (query.timeoutMs !== undefined) q.set("timeout_ms", String(Math.min(TAIL_TIMEOUT_MS_MAX, query.timeoutMs)));
  if (query.notices) q.set("notices", "1");
  return q.toString();
}

function integer(
  params: URLSearchParams,
  name: string,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  if (!/^\d+$/.test(text)) throw usage(`${name} must be a non-negative integer, got "${text}"`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw usage(`${name} must be between ${min} and ${max}, got ${text}`);
  }
  return value;
}

/** Checks a query (Usage when it is not one); `lastEventId` (SSE reconnects) wins over its start. */
export function tailQueryFromSearch(params: URLSearchParams, lastEventId?: string): TailQuery {
  const sinceSeq = integer(params, "since_seq", 0);
  const last = integer(params, "last", 0);
  const sinceTime = params.get("since_time");
  const fromText = params.get("from");
  const starts = [sinceSeq !== undefined, last !== undefined, sinceTime !== null, fromText !== null].filter(Boolean);
  if (starts.length > 1) throw usage("give at most one of since_seq, last, since_time, from");
  let from: StartAt = "live";
  if (sinceSeq !== undefined) from = { seq: Math.max(1, sinceSeq) };
  else if (last !== undefined) from = { last };
  else if (sinceTime !== null) from = { timeNs: parseTimeNs(sinceTime) };
  else if (fromText !== null) {
    if (fromText !== "oldest" && fromText !== "live") throw usage(`from must be oldest or live, got "${fromText}"`);
    from = fromText;
  }
  if (lastEventId !== undefined && lastEventId.trim() !== "") {
    // The UI's ids are seqs; anything else cannot have come from this server.
    const seq = Number(lastEventId);
    if (!/^\d+$/.test(lastEventId) || !Number.isSafeInteger(seq + 1)) {
      throw usage(`Last-Event-ID must be a seq, got "${lastEventId.slice(0, 40)}"`);
    }
    from = { seq: seq + 1 };
  }
  const gapText = params.get("gap_policy") ?? "continue";
  if (gapText !== "continue" && gapText !== "error") {
    throw usage(`gap_policy must be continue or error, got "${gapText}"`);
  }
  const tags = params.getAll("tag");
  if (tags.some((t) => t.length === 0)) throw usage("tag must not be empty");
  const timeoutMs = integer(params, "timeout_ms", 0, TAIL_TIMEOUT_MS_MAX);
  const max = integer(params, "max", 1);
  const noticesText = params.get("notices");
  return { from, max, timeoutMs, tags, gap: gapText, notices: noticesText === "1" || noticesText === "true" };
}
