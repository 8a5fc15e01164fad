/**
 * Payload codecs: how a message's tags and data become frame payload bytes.
 *
 * The engine never looks inside a payload; it asks the codec of the pool's format version.
 * Each codec owns one format version number, so a pool says in its header how to read it.
 * Cairn's JSON codec (version 1003) fills the frame checksum; Plasmite's Lite3 codec
 * (version 3) will register itself here without engine changes.
 */
import { CairnError, ErrorKind } from "./errors.js";

export interface DecodedPayload {
  tags: string[];
  data: unknown;
  /** The stored JSON text of `data`, when the codec stores JSON text (key order kept). */
  dataJson?: string;
}

export interface PayloadCodec {
  readonly name: string;
  /** Written to header offset 4; Plasmite itself only accepts 3. */
  readonly formatVersion: number;
  /** Whether frames carry a CRC-32 of the payload that readers must verify. */
  readonly checksummed: boolean;
  /**
   * Bytes a payload adds around the JSON text of its data and tags (for sizing batches:
   * each codec knows its own wrapper; a binary codec states an upper bound).
   */
  readonly payloadOverheadBytes: number;
  /**
   * `dataJson`, when given, is the JSON text of `data` already serialised by the caller
   * (e.g. a line read from stdin); a codec may use it instead of serialising again.
   * A string result is written to the frame as UTF-8.
   */
  encode(tags: readonly string[], data: unknown, dataJson?: string): Buffer | string;
  /** Throws Corrupt when the bytes are not a payload of this codec. */
  decode(payload: Buffer): DecodedPayload;
  /** The JSON text of the data inside an encoded payload, for codecs that store JSON text. */
  dataJsonOf?(payload: Buffer | string): string | undefined;
}

const codecs = new Map<number, PayloadCodec>();

export function registerCodec(codec: PayloadCodec): void {
  codecs.set(codec.formatVersion, codec);
}

export function codecForVersion(version: number): PayloadCodec {
  const codec = codecs.get(version);
  if (!codec) {
    const supported = [...codecs.keys()].sort((a, b) => a - b).join(", ");
    throw new CairnError(ErrorKind.Usage, `unsupported pool format version ${version} (supported: ${supported})`);
  }
  return codec;
}
