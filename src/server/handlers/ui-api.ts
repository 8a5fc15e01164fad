/**
 * Endpoints only the web UI uses: the session probe (does my token work, what may I
 * do) and the catalog (every pool's info plus how many live streams watch it).
 */
import type * as http from "node:http";
import { VERSION } from "../../version.js";
import { sendJson } from "../respond.js";
import { listEntries } from "./pools.js";
import type { ServerContext } from "../server-context.js";

export async function uiSession(ctx: ServerContext, res: http.ServerResponse): Promise<void> {
  sendJson(res, 200, { ok: true, access: ctx.auth.access, token_required: ctx.auth.tokenRequired, version: VERSION });
}

export async function uiCatalog(ctx: ServerContext, res: http.ServerResponse): Promise<void> {
  const pools = (await listEntries(ctx)).map((entry) => ({ ...entry, streams: ctx.streams.openOn(entry.name) }));
  sendJson(res, 200, { pools, streams_in_use: ctx.streams.inUse, streams_max: ctx.streams.slotsMax });
}
