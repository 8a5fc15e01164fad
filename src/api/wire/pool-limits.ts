/**
 * PoolLimits on the wire (`GET /v0/pools/{p}/limits`, a Cairn extension):
 * `{"limits":{"payload_bytes_max","batch_items_max","batch_bytes_max","message_overhead_bytes"}}`.
 * The server reports its pool's own limits, so a remote client batches by the codec and
 * ring of the pool it writes to.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { PoolLimits } from "../types.js";

export interface WirePoolLimits {
  payload_bytes_max: number;
  batch_items_max: number;
  batch_bytes_max: number;
  message_overhead_bytes: number;
}

export function poolLimitsToWire(limits: PoolLimits): WirePoolLimits {
  return {
    payload_bytes_max: limits.payloadBytesMax,
    batch_items_max: limits.batchItemsMax,
    batch_bytes_max: limits.batchBytesMax,
    message_overhead_bytes: limits.messageOverheadBytes,
  };
}

export function poolLimitsFromWire(value: unknown): PoolLimits {
  const v = value as Partial<WirePoolLimits> | null;
  const numbers = [v?.payload_bytes_max, v?.batch_items_max, v?.batch_bytes_max, v?.message_overhead_bytes];
  if (!numbers.every((n) => typeof n === "number" && n >= 0)) {
    throw new CairnError(ErrorKind.Io, "server sent pool limits that are not four non-negative numbers");
  }
  const [payloadBytesMax, batchItemsMax, batchBytesMax, messageOverheadBytes] = numbers as number[];
  return {
    payloadBytesMax: payloadBytesMax as number,
    batchItemsMax: batchItemsMax as number,
    batchBytesMax: batchBytesMax as number,
    messageOverheadBytes: messageOverheadBytes as number,
  };
}
