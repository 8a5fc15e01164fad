/**
 * Cairn's default payload codec: the UTF-8 JSON text `{"data":…,"meta":{"tags":[…]}}`.
 * Frames written with it carry a CRC-32 (zlib.crc32) of the payload that readers verify.
 */
import { CairnError, ErrorKind } from "./errors.js";
import { type DecodedPayload, type PayloadCodec, registerCodec } from "./codec.js";

export const JSON_FORMAT_VERSION = 1003;

function encode(tags: readonly string[], data: unknown, dataJson?: string): string {
  const dataText = dataJson ?? JSON.stringify(data);
  if (dataText === undefined) throw new CairnError(ErrorKind.Usage, "message data is not JSON-serialisable");
  return `{"data":${dataText},"meta":{"tags":${JSON.stringify(tags)}}}`;
}

function decode(payload: Buffer): DecodedPayload {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString("utf8"));
  } catch {
    throw new CairnError(ErrorKind.Corrupt, "frame payload is not valid JSON");
  }
  if (typeof value !== "object" || value === null || !("data" in value)) {
    throw new CairnError(ErrorKind.Corrupt, "frame payload is not a Cairn message");
  }
  const meta = (value as { meta?: { tags?: unknown } }).meta;
  const tags = Array.isArray(meta?.tags)
    ? (meta.tags as unknown[]).filter((t): t is string => typeof t === "string")
    : [];
  return { tags, data: (value as { data: unknown }).data };
}

export const jsonCodec: PayloadCodec = {
  name: "json",
  formatVersion: JSON_FORMAT_VERSION,
  checksummed: true,
  payloadOverheadBytes: '{"data":,"meta":{"tags":}}'.length,
  encode,
  decode,
};

registerCodec(jsonCodec);
