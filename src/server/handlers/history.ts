/**
 * GET /v0/pools/{p}/history and /v0/pools/{p}/histogram (Cairn extensions, for the web
 * UI): a bounded page of messages before or after a seq, with the tail's tag filter and
 * the CLI's `--where` jq filter evaluated here under its time and memory budgets; and
 * message counts per time bucket. At most WHERE_RUNS_MAX jq filters run at once (each is a
 * worker thread); one more is Busy, answered rather than queued.
 */
import type * as http from "node:http";
import { WhereFilter } from "../../api/filter/where-filter.js";
import { messageToWire } from "../../api/wire/message.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { histogram } from "../histogram.js";
import { bucketCountFromSearch, historyQueryFromSearch, timeRangeFromSearch } from "../history-query.js";
import { scanPage } from "../history-scan.js";
import { seqBounds, seqRange } from "../history-seek.js";
import { sendJson } from "../respond.js";
import type { ServerContext } from "../server-context.js";

const WHERE_RUNS_MAX = 2;
let whereRuns = 0;

async function withWhere<T>(expressions: string[], run: (where: WhereFilter | null) => Promise<T>): Promise<T> {
  if (expressions.length === 0) return run(null);
  if (whereRuns >= WHERE_RUNS_MAX) {
    throw new CairnError(ErrorKind.Busy, `${WHERE_RUNS_MAX} where searches are already running`, {
      hint: "retry in a moment",
    });
  }
  whereRuns += 1;
  let where: WhereFilter | null = null;
  try {
    where = await WhereFilter.compile(expressions);
    return await run(where);
  } finally {
    where?.close();
    whereRuns -= 1;
  }
}

export async function historyPage(
  ctx: ServerContext,
  res: http.ServerResponse,
  name: string,
  params: URLSearchParams,
): Promise<void> {
  const query = historyQueryFromSearch(params);
  const pool = await ctx.pools.open(name);
  const bounds = await seqBounds(pool);
  const { lo, hi } = await seqRange(pool, bounds, query);
  const page = await withWhere(query.where, (where) =>
    scanPage({ pool, lo, hi, direction: query.direction, tags: query.tags, where, limit: query.limit }),
  );
  sendJson(res, 200, {
    messages: page.messages.map(messageToWire),
    next: page.next,
    scanned: page.scanned,
    bounds: { oldest: bounds.oldestSeq < bounds.endSeq ? bounds.oldestSeq : null, newest: bounds.endSeq - 1 || null },
    range: { lo, hi },
  });
}

export async function historyHistogram(
  ctx: ServerContext,
  res: http.ServerResponse,
  name: string,
  params: URLSearchParams,
): Promise<void> {
  const range = timeRangeFromSearch(params);
  const buckets = bucketCountFromSearch(params);
  const pool = await ctx.pools.open(name);
  sendJson(res, 200, { histogram: await histogram(pool, range, buckets) });
}
