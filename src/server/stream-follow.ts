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
