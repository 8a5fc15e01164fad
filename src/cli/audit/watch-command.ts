/**
 * `cairn audit watch [AUDIT]`: follows the events pool (local or served, wherever
 * `storage.events_pool` points) and prints each event as it is appended — from any other
 * process. With an audit, its history is shown first.
 */
import type { Follower, StartAt } from "../../api/types.js";
import { findAudit, openAuditContext } from "../../audit/run/audit-context.js";
import type { EventDict } from "../../audit/events/event.js";
import type { EventStore } from "../../audit/events/event-store.js";
import { timestampMs } from "../../audit/events/timestamps.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { notice, printJson, printLine as out } from "../shared/output.js";
import { failureOutputLines, formatEventLine } from "./cli-helpers.js";
import { wantsJson } from "../shared/output-mode.js";

export async function runWatch(
  auditRef: string | undefined,
  options: { json?: boolean; fromStart?: boolean; untilDone?: boolean; idleTimeout?: string },
): Promise<void> {
  const ctx = openAuditContext();
  const auditId = auditRef ? findAuditOrPrefix(ctx, auditRef) : undefined;
  const events = ctx.storage.events;
  let pool = await events.open();
  const json = wantsJson(options);
  const idle = options.idleTimeout === undefined ? undefined : Number(options.idleTimeout) * 1000;
  let from: StartAt = options.fromStart || auditId ? "oldest" : "live";
  // Where a resumed watch starts when it has shown nothing yet: events from now on (live).
  const startMs = from === "live" ? Date.now() : Number.NEGATIVE_INFINITY;
  let follower: Follower | null = null;
  let stopped = false;
  const stop = () => {
    stopped = true;
    follower?.close();
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  notice("watching", `audit events in ${events.poolRef}${auditId ? ` for ${auditId}` : ""}`, { pool: events.poolRef });
  let last: EventDict | null = null;
  try {
    for (;;) {
      const current = pool.follow({
        from,
        tags: ["audit"],
        ...(idle !== undefined && idle > 0 ? { idleTimeoutMs: idle } : {}),
      });
      follower = current;
      if (stopped) current.close();
      try {
        for await (const message of current) {
          const event = message.data as EventDict;
          last = event;
          if (auditId && !event.audit_id?.startsWith(auditId)) continue;
          if (json) printJson(event);
          else {
            out(formatEventLine(event));
            for (const line of failureOutputLines(event)) out(line);
          }
          if (options.untilDone && (event.type === "audit_completed" || event.type === "audit_abandoned")) return;
        }
        return;
      } catch (err) {
        // A resize or clear in another process renamed a rebuilt pool over the one followed:
        // follow the new file, from just after the last event shown.
        // (The pool, asked again, moves to the file now at its path; a deleted pool stays NotFound.)
        if (!(err instanceof CairnError && err.kind === ErrorKind.NotFound) || events.isRemote) throw err;
        pool = await events.open();
        from = { seq: await resumeSeq(events, last, startMs) };
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    await ctx.storage.close();
  }
}

/**
 * In a rebuilt pool: the seq after `last` (found by id), else the first event newer than it
 * (or, when nothing was shown yet, the first at or after the watch began).
 */
async function resumeSeq(events: EventStore, last: EventDict | null, startMs: number): Promise<number> {
  const lastMs = last ? (timestampMs(last.timestamp) ?? 0) : startMs;
  const newer = (ms: number) => (last ? ms > lastMs : ms >= lastMs);
  let firstNewer: number | null = null;
  let end = 1;
  for await (const { seq, dict } of events.scan()) {
    end = seq + 1;
    if (last && dict.id === last.id) return seq + 1;
    if (firstNewer === null && newer(timestampMs(dict.timestamp) ?? 0)) firstNewer = seq;
  }
  const { newest } = (await (await events.open()).info()).bounds;
  return firstNewer ?? Math.max(end, newest === null ? 1 : newest + 1);
}

function findAuditOrPrefix(ctx: ReturnType<typeof openAuditContext>, ref: string): string {
  try {
    return findAudit(ctx, ref).id;
  } catch {
    return ref; // not in audits.json (yet): match event audit ids by prefix
  }
}
