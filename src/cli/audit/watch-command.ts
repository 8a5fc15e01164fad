/**
 * `cairn audit watch [AUDIT]`: follows the events pool and prints each event as it is
 * appended — from any other process. With an audit, its history is shown first.
 */
import { findAudit, openAuditContext } from "../../audit/audit-context.js";
import type { EventDict } from "../../audit/event.js";
import { notice, printJson } from "../output.js";
import { formatEventLine, out, wantsJson } from "./cli-helpers.js";

export async function runWatch(
  auditRef: string | undefined,
  options: { json?: boolean; fromStart?: boolean; untilDone?: boolean; idleTimeout?: string },
): Promise<void> {
  const ctx = openAuditContext();
  const auditId = auditRef ? findAuditOrPrefix(ctx, auditRef) : undefined;
  const pool = ctx.storage.events.open();
  const json = wantsJson(options);
  const idle = options.idleTimeout === undefined ? undefined : Number(options.idleTimeout) * 1000;
  const follower = pool.follow({
    from: options.fromStart || auditId ? "oldest" : "live",
    tags: ["audit"],
    ...(idle !== undefined && idle > 0 ? { idleTimeoutMs: idle } : {}),
  });
  const stop = () => follower.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  notice("watching", `audit events in ${pool.path}${auditId ? ` for ${auditId}` : ""}`, { pool: pool.path });
  try {
    for await (const message of follower) {
      const event = message.data as EventDict;
      if (auditId && !event.audit_id?.startsWith(auditId)) continue;
      if (json) printJson(event);
      else out(formatEventLine(event));
      if (options.untilDone && (event.type === "audit_completed" || event.type === "audit_abandoned")) break;
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    ctx.storage.close();
  }
}

function findAuditOrPrefix(ctx: ReturnType<typeof openAuditContext>, ref: string): string {
  try {
    return findAudit(ctx, ref).id;
  } catch {
    return ref; // not in audits.json (yet): match event audit ids by prefix
  }
}
