/**
 * `cairn audit watch [AUDIT]`: follows the events pool and prints each event as it is
 * appended — from any other process. With an audit, its history is shown first.
 */
import * as fs from "node:fs";
import type { Follower, StartAt } from "../../api/types.js";
import { findAudit, openAuditContext } from "../../audit/run/audit-context.js";
import type { EventDict } from "../../audit/events/event.js";
import type { EventStore } from "../../audit/events/event-store.js";
import { timestampMs } from "../../audit/events/timestamps.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { notice, printJson, printLine as out } from "../shared/output.js";
import { formatEventLine } from "./cli-helpers.js";
import { wantsJson } from "../shared/output-mode.js";

export async function runWatch(
  auditRef: string | undefined,
  options: { json?: boolean; fromStart?: boolean; untilDone?: boolean; idleTimeout?: string },
): Promise<void> {
  const ctx = openAuditContext();
  const auditId = auditRef ? findAuditOrPrefix(ctx, auditRef) : undefined;
  const events = ctx.storage.events;
  let pool = events.open();
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
  notice("watching", `audit events in ${pool.path}${auditId ? ` for ${auditId}` : ""}`, { pool: pool.path });
  let last: EventDict | null = null;
  try {
    for (;;) {
      follower = pool.follow({
        from,
        tags: ["audit"],
        ...(idle !== undefined && idle > 0 ? { idleTimeoutMs: idle } : {}),
      });
      if (stopped) follower.close();
      try {
        for await (const message of follower) {
          const event = message.data as EventDict;
          last = event;
          if (auditId && !event.audit_id?.startsWith(auditId)) continue;
          if (json) printJson(event);
          else out(formatEventLine(event));
          if (options.untilDone && (event.type === "audit_completed" || event.type === "audit_abandoned")) return;
        }
        return;
      } catch (err) {
        // A resize or clear in another process renamed a rebuilt pool over the one followed:
        // follow the new file, from just after the last event shown.
        if (!(err instanceof CairnError && err.kind === ErrorKind.NotFound) || !fs.existsSync(pool.path)) throw err;
        pool = events.open();
        from = { seq: resumeSeq(events, last, startMs) };
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    ctx.storage.close();
  }
}

/**
 * In a rebuilt pool: the seq after `last` (found by id), else the first event newer than it
 * (or, when nothing was shown yet, the first at or after the watch began).
 */
function resumeSeq(events: EventStore, last: EventDict | null, startMs: number): number {
  const lastMs = last ? (timestampMs(last.timestamp) ?? 0) : startMs;
  const newer = (ms: number) => (last ? ms > lastMs : ms >= lastMs);
  let firstNewer: number | null = null;
  let end = 1;
  for (const { seq, dict } of events.scan()) {
    end = seq + 1;
    if (last && dict.id === last.id) return seq + 1;
    if (firstNewer === null && newer(timestampMs(dict.timestamp) ?? 0)) firstNewer = seq;
  }
  return firstNewer ?? Math.max(end, events.engine.bounds().nextSeq);
}

function findAuditOrPrefix(ctx: ReturnType<typeof openAuditContext>, ref: string): string {
  try {
    return findAudit(ctx, ref).id;
  } catch {
    return ref; // not in audits.json (yet): match event audit ids by prefix
  }
}
