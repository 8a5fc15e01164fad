/** Event dicts as pool messages: the message shape, the checks on what comes in, and time order. */
import type { BatchItem } from "../../api/types.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { Event, type EventDict } from "./event.js";
import { timestampMs } from "./timestamps.js";

/** Each message's data is the event dict; its tags are `audit` and the event type. */
export function toBatchItem(dict: EventDict): BatchItem {
  return { data: dict, tags: tagsOf(dict) };
}

export function tagsOf(dict: EventDict): string[] {
  return ["audit", dict.type];
}

/** The event dict a message holds, or null for a message that is not an event. */
export function asEventDict(data: unknown): EventDict | null {
  if (data === null || typeof data !== "object" || Array.isArray(data)) return null;
  const d = data as EventDict;
  return typeof d.id === "string" && typeof d.type === "string" && typeof d.audit_id === "string" ? d : null;
}

/** Usage when a dict from a caller lacks a required field or has a bad shape. */
export function validateRequired(dict: EventDict): void {
  for (const field of ["id", "type", "timestamp", "audit_id"] as const) {
    if (typeof dict[field] !== "string" || dict[field].length === 0)
      throw new CairnError(ErrorKind.Usage, `event field "${field}" is required (a non-empty string)`);
  }
  try {
    Event.fromDict(dict); // shape check of phase and of the data of known types
  } catch (err) {
    throw new CairnError(ErrorKind.Usage, (err as Error).message);
  }
}

/** Sorts in place by instant (every Phaser timestamp form); the original order breaks ties. */
export function sortByTime(events: EventDict[]): EventDict[] {
  const keyed = events.map((e, i) => ({ e, i, ms: timestampMs(e.timestamp) ?? 0 }));
  keyed.sort((a, b) => a.ms - b.ms || a.i - b.i);
  keyed.forEach((k, i) => {
    events[i] = k.e;
  });
  return events;
}
