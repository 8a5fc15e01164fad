/**
 * Pool lifecycle endpoints: list, create, open, info, delete (and the Cairn extensions
 * validate, truncate and limits). Each calls the api Client through the shared pool handles.
 */
import type * as http from "node:http";
import type { PoolInfo } from "../../api/types.js";
import { type WireListingError, poolListingToWire } from "../../api/wire/pool-info.js";
import { poolLimitsToWire } from "../../api/wire/pool-limits.js";
import { validationReportToWire } from "../../api/wire/validation-report.js";
import { formatBytes, parseSize } from "../../core/size.js";
import { readJsonObject } from "../json-body.js";
import { PoolHandles } from "../pool-handles.js";
import { sendJson, usage } from "../respond.js";
import type { ServerContext } from "../server-context.js";

/** Every pool's info; a pool that cannot be read is `{name, path, error:{kind, message}}`. */
export async function listEntries(ctx: ServerContext): Promise<Array<PoolInfo | WireListingError>> {
  return (await ctx.pools.client.list()).map((listing) => ctx.paths.of(poolListingToWire(listing)));
}

export async function listPools(ctx: ServerContext, res: http.ServerResponse): Promise<void> {
  sendJson(res, 200, { pools: await listEntries(ctx) });
}

/** The requested size in bytes (parsed by core's one size rule), within the server's maximum. */
function sizeFrom(body: Record<string, unknown>, poolBytesMax: number): number | undefined {
  const size = body.size_bytes;
  if (size === undefined || size === null) return undefined;
  if (typeof size !== "number" && typeof size !== "string") throw usage("size_bytes must be a number of bytes");
  const sizeBytes = parseSize(size);
  if (sizeBytes > poolBytesMax) {
    throw usage(
      `size_bytes ${sizeBytes} is over this server's maximum pool size, ${formatBytes(poolBytesMax)} (${poolBytesMax} bytes)`,
      "ask for a smaller pool, or have the operator raise cairn serve --pool-size-max",
    );
  }
  return sizeBytes;
}

export async function createPool(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): Promise<void> {
  const body = await readJsonObject(req, ctx.bodyBytesMax, ctx.bodies);
  const name = PoolHandles.checkName(body.pool);
  // The api checks the size and index capacity (one rule for every surface).
  const indexCapacity = body.index_capacity ?? undefined;
  const size = sizeFrom(body, ctx.poolBytesMax);
  const pool = await ctx.pools.create(name, {
    ...(size === undefined ? {} : { size }),
    ...(indexCapacity === undefined ? {} : { indexCapacity: indexCapacity as number }),
  });
  sendJson(res, 200, { pool: ctx.paths.of(await pool.info()) });
}

export async function openPool(ctx: ServerContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const body = await readJsonObject(req, ctx.bodyBytesMax, ctx.bodies);
  const name = PoolHandles.checkName(body.pool);
  const pool = await ctx.pools.open(name);
  // A write-only client may not read pools: it gets what appending needs, not the pool's info.
  if (ctx.auth.access === "write-only") {
    sendJson(res, 200, { pool: { name: pool.name }, limits: poolLimitsToWire(await pool.limits()) });
    return;
  }
  sendJson(res, 200, { pool: ctx.paths.of(await pool.info()) });
}

export async function poolInfo(ctx: ServerContext, res: http.ServerResponse, name: string): Promise<void> {
  const pool = await ctx.pools.open(name);
  sendJson(res, 200, { pool: ctx.paths.of(await pool.info()) });
}

export async function deletePool(ctx: ServerContext, res: http.ServerResponse, name: string): Promise<void> {
  await ctx.pools.delete(name);
  sendJson(res, 200, { ok: true });
}

export async function validatePool(ctx: ServerContext, res: http.ServerResponse, name: string): Promise<void> {
  const pool = await ctx.pools.open(name);
  const report = await ctx.validations.run(() => pool.validate());
  sendJson(res, 200, { report: ctx.paths.of(validationReportToWire(report)) });
}

/** What one append and one batch may carry (Cairn extension): remote writers batch by it. */
export async function poolLimits(ctx: ServerContext, res: http.ServerResponse, name: string): Promise<void> {
  const pool = await ctx.pools.open(name);
  sendJson(res, 200, { limits: poolLimitsToWire(await pool.limits()) });
}

export async function truncatePool(
  ctx: ServerContext,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  name: string,
): Promise<void> {
  const body = await readJsonObject(req, ctx.bodyBytesMax, ctx.bodies);
  if (!("before_seq" in body)) throw usage('the body needs "before_seq", the first seq to keep');
  const pool = await ctx.pools.open(name);
  sendJson(res, 200, { dropped: await pool.truncate(body.before_seq as number) });
}
