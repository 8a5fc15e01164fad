/**
 * Phaser's events.json format `{"version":1,"events":[…]}`: reading it (for import) and
 * writing it (for export). Written timestamps use the one Cairn form.
 */
import * as fs from "node:fs";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { Event, type EventDict } from "./event.js";
import { formatJson, parseJsonText } from "../storage/json-file.js";
import { normaliseTimestamp } from "./timestamps.js";

export function readEventsJsonFile(path: string): EventDict[] {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot read events file" });
  }
  return eventsFromJsonText(text, path);
}

/** The events of an events.json text (`path` names it in errors): Corrupt when it is not one. */
export function eventsFromJsonText(text: string, path: string): EventDict[] {
  const parsed = parseJsonText(text, path) as { events?: unknown } | null;
  const list = Array.isArray(parsed) ? parsed : parsed?.events;
  if (!Array.isArray(list))
    throw new CairnError(ErrorKind.Corrupt, `${path} has no "events" array`, {
      path,
      hint: 'expected Phaser\'s {"version":1,"events":[…]}',
    });
  return list.map((entry, index) => {
    try {
      return Event.fromDict(entry).toDict();
    } catch (err) {
      throw new CairnError(ErrorKind.Corrupt, `${path}: event #${index + 1}: ${(err as Error).message}`, { path });
    }
  });
}

export function formatEventsJson(events: readonly EventDict[]): string {
  return formatJson({
    version: 1,
    events: events.map((e) => ({ ...e, timestamp: normaliseTimestamp(e.timestamp) })),
  });
}
