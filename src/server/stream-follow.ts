/** Starts an api follow for a tail or SSE stream from its checked query parameters. */
import type * as http from "node:http";
import type { Follower, Gap, Pool } from "../api/types.js";
import { CairnError, ErrorKind } from "../core/errors.js";
import type { TailParams } from "./tail-params.js";

export function followFromParams(pool: Pool, params: TailParams, onGap: (gap: Gap) => void): Follower {
  return pool.follow({
    from: params.from,
    tags: params.tags,
    gap: params.gap,
    onGap,
    ...(params.max === undefined ? {} : { limit: params.max }),
    ...(params.timeoutMs === undefined ? {} : { idleTimeoutMs: params.timeoutMs }),
  });
}

/**
 * A follow that serves one response: it stops when the client goes away or the pool is
 * deleted under it; `gone()` tells which, so the stream can end with a NotFound error.
 */
export function followForResponse(
  lease: { pool: Pool; onGone(callback: () => void): void },
  params: TailParams,
  res: http.ServerResponse,
  onGap: (gap: Gap) => void,
): { follower: Follower; gone: () => boolean } {
  const follower = followFromParams(lease.pool, params, onGap);
  res.on("close", () => follower.close());
  let gone = false;
  lease.onGone(() => {
    gone = true;
    follower.close();
  });
  return { follower, gone: () => gone };
}

/** A HEAD request to a stream: the headers are the whole answer, so no follower runs and no slot stays taken. */
export function endHeadersOnly(res: http.ServerResponse, follower: Follower): void {
  follower.close();
  res.end();
}

/** The error that ends a stream whose pool was deleted or replaced under it. */
export function poolGone(poolName: string): CairnError {
  return new CairnError(ErrorKind.NotFound, `pool ${poolName} was deleted or replaced`, {
    hint: "re-create it and start a new stream",
  });
}
