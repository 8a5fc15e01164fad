/**
 * Cairn's default payload codec: the UTF-8 JSON text `{"data":…,"meta":{"tags":[…]}}`.
 * Frames written with it carry a CRC-32 (zlib.crc32) of the payload that readers verify.
 *
 * The data's JSON text is stored as the writer gave it (`dataJson`, else JSON.stringify),
 * and decode hands that text back beside the parsed value, so the writer's key order
 * survives every read (docs/decisions.md, "JSON pools keep the writer's key order"). Text
 * spread over lines is compacted first: a stored message is always one line of JSON.
 */
import { CairnError, ErrorKind } from "./errors.js";
import { type DecodedPayload, type PayloadCodec, registerCodec } from "./codec.js";

export const JSON_FORMAT_VERSION = 1003;

const DATA_PREFIX = '{"data":';
const STRING_OR_SPACE = /"(?:[^"\\]|\\.)*"|[\t\n\r ]+/g;

/** JSON text without the whitespace between tokens (strings are kept as they are). */
function compactJson(text: string): string {
  return text.replace(STRING_OR_SPACE, (m) => (m.charCodeAt(0) === 0x22 ? m : ""));
}

function suffixFor(tagsJson: string): string {
  return `,"meta":{"tags":${tagsJson}}}`;
}

function encode(tags: readonly string[], data: unknown, dataJson?: string): string {
  let dataText = dataJson ?? JSON.stringify(data);
  if (dataText === undefined) throw new CairnError(ErrorKind.Usage, "message data is not JSON-serialisable");
  if (dataText.includes("\n") || dataText.includes("\r")) dataText = compactJson(dataText);
  return `${DATA_PREFIX}${dataText}${suffixFor(JSON.stringify(tags))}`;
}

/** The data's text inside a payload this codec wrote; undefined for any other shape. */
function dataTextIn(text: string, tags: readonly string[]): string | undefined {
  const suffix = suffixFor(JSON.stringify(tags));
  if (!text.startsWith(DATA_PREFIX) || !text.endsWith(suffix)) return undefined;
  return text.slice(DATA_PREFIX.length, text.length - suffix.length);
}

function decode(payload: Buffer): DecodedPayload {
  const text = payload.toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
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
  const decoded: DecodedPayload = { tags, data: (value as { data: unknown }).data };
  const dataJson = dataTextIn(text, tags);
  if (dataJson !== undefined) decoded.dataJson = dataJson;
  return decoded;
}

function dataJsonOf(payload: Buffer | string): string | undefined {
  const text = typeof payload === "string" ? payload : payload.toString("utf8");
  const end = text.lastIndexOf(',"meta":{"tags":');
  return text.startsWith(DATA_PREFIX) && end > 0 ? text.slice(DATA_PREFIX.length, end) : undefined;
}

export const jsonCodec: PayloadCodec = {
  name: "json",
  formatVersion: JSON_FORMAT_VERSION,
  checksummed: true,
  payloadOverheadBytes: '{"data":,"meta":{"tags":}}'.length,
  encode,
  decode,
  dataJsonOf,
};

registerCodec(jsonCodec);
