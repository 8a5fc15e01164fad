/**
 * The message envelope on the wire: `{"data":…,"meta":{"tags":[…]},"seq":N,"time":"…"}`.
 * The envelope's keys come in that order; `data` is the text the pool stores, passed
 * through in the writer's key order (docs/decisions.md), so the same message has the same
 * text on every surface (HTTP replies, tail lines, SSE events, the CLI's JSON output).
 * `messageToJsonLine` builds that text from core's Message; `messageFromWire` parses it
 * back (the HTTP backend), checking what a Message needs.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { type Message, dataJsonOf } from "../../core/message.js";

export interface WireMessage {
  data: unknown;
  meta: { tags: string[] };
  seq: number;
  time: string;
}

/** The wire object of a message; its `data` is a parsed value (key order of a JS object). */
export function messageToWire(message: Message): WireMessage {
  return { data: message.data, meta: { tags: message.tags }, seq: message.seq, time: message.time };
}

/** The message's JSON text after `{"data":DATA` (the part every surface shares). */
function wireSuffix(tags: readonly string[], seq: number, time: string): string {
  return `,"meta":{"tags":${JSON.stringify(tags)}},"seq":${seq},"time":${JSON.stringify(time)}}`;
}

/** The wire envelope as one line of JSON text, the data passed through as stored. */
export function messageToJsonLine(message: Message): string {
  return `{"data":${dataJsonOf(message)}${wireSuffix(message.tags, message.seq, message.time)}`;
}

const secondsCache = new Map<string, bigint>();

/** RFC 3339 UTC → ns; the whole-second part is cached since a stream repeats it often. */
function timeNsOf(time: unknown): bigint {
  const m = typeof time === "string" ? /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(time) : null;
  if (!m) throw new CairnError(ErrorKind.Io, `server sent an invalid time ${JSON.stringify(time)}`);
  const prefix = m[1] as string;
  let seconds = secondsCache.get(prefix);
  if (seconds === undefined) {
    if (secondsCache.size > 1024) secondsCache.clear();
    seconds = BigInt(Date.parse(`${prefix}Z`)) * 1_000_000n;
    secondsCache.set(prefix, seconds);
  }
  return seconds + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/**
 * A message received from a server; a shape that cannot be a message is Io (the peer is
 * broken). Given the `line` it was parsed from, the data's text is kept as sent (key order).
 */
export function messageFromWire(value: unknown, line?: string): Message {
  const wire = value as Partial<WireMessage> | null;
  if (typeof wire !== "object" || wire === null || !Number.isSafeInteger(wire.seq)) {
    throw new CairnError(ErrorKind.Io, "server sent a message without a valid seq");
  }
  const time = wire.time as string;
  const tags = wire.meta?.tags ?? [];
  const message: Message = { seq: wire.seq as number, time, timeNs: timeNsOf(time), tags, data: wire.data };
  if (line !== undefined) {
    const suffix = wireSuffix(tags, message.seq, time);
    if (line.startsWith('{"data":') && line.endsWith(suffix))
      message.dataJson = line.slice(8, line.length - suffix.length);
  }
  return message;
}
