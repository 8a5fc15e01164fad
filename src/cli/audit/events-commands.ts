/** `cairn events list|export|import|clear` over the events pool in `.phaser/`. */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { writeOutputFile } from "../../audit/storage/output-file.js";
import { isEventType } from "../../audit/events/event.js";
import { formatEventsJson, readEventsJsonFile } from "../../audit/events/events-json.js";
import { PhaserStorage } from "../../audit/storage/storage.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { notice, paint, printJson, printLine as out, printText } from "../shared/output.js";
import { formatEventLine } from "./cli-helpers.js";
import { wantsJson } from "../shared/output-mode.js";
import { plural } from "../shared/plural.js";
import { sinceFlagMs } from "../shared/since-flag.js";

interface FilterFlags {
  json?: boolean;
  audit?: string;
  type?: string;
  since?: string;
  limit?: string;
}

async function filtered(storage: PhaserStorage, options: FilterFlags) {
  if (options.type !== undefined && !isEventType(options.type))
    notice("warning", `"${options.type}" is not one of the 12 event types; matching it literally`);
  const auditId = options.audit ? resolveAuditId(storage, options.audit) : undefined;
  let events = await storage.getEvents({
    ...(auditId ? { auditId } : {}),
    ...(options.type ? { eventType: options.type } : {}),
    ...(options.since ? { since: sinceFlagMs(options.since) } : {}),
  });
  if (options.limit !== undefined) {
    const limit = Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1)
      throw new CairnError(ErrorKind.Usage, `--limit expects a positive integer, got "${options.limit}"`);
    events = events.slice(-limit);
  }
  return events;
}

/** A full id, or a unique prefix of a stored audit's id (events of unknown audits match exactly). */
function resolveAuditId(storage: PhaserStorage, idOrPrefix: string): string {
  const matches = storage.listAudits().filter((a) => a.id.startsWith(idOrPrefix));
  return matches.length === 1 ? (matches[0]?.id as string) : idOrPrefix;
}

export async function runEventsList(options: FilterFlags): Promise<void> {
  const storage = new PhaserStorage();
  const events = await filtered(storage, options);
  if (wantsJson(options)) for (const e of events) printJson(e);
  else if (events.length === 0) out(paint("dim", "no events"));
  else for (const e of events) out(formatEventLine(e));
  await storage.close();
}

export async function runEventsExport(options: FilterFlags & { output?: string }): Promise<void> {
  const storage = new PhaserStorage();
  const events = await filtered(storage, options);
  const text = formatEventsJson(events);
  if (options.output) {
    writeOutputFile(nodePath.resolve(options.output), text);
    notice("exported", `${plural(events.length, "event")} to ${options.output}`, {
      count: events.length,
      path: options.output,
    });
  } else printText(text);
  await storage.close();
}

export async function runEventsImport(file: string, options: { json?: boolean }): Promise<void> {
  const storage = new PhaserStorage();
  const incoming = readEventsJsonFile(file);
  const result = { ...(await storage.events.importEvents(incoming)), path: file };
  if (wantsJson(options)) printJson(result);
  else out(`imported ${plural(result.imported, "event")} (${result.skipped} already present) from ${file}`);
  await storage.close();
}

export async function runEventsClear(options: { json?: boolean; before?: string; all?: boolean }): Promise<void> {
  if (!options.before && !options.all)
    throw new CairnError(ErrorKind.Usage, "say what to clear: --before TIME, or --all", {
      hint: "e.g. cairn events clear --before 30d",
    });
  const storage = new PhaserStorage();
  const count = await storage.clearEvents(options.before ? sinceFlagMs(options.before, "--before") : undefined);
  if (wantsJson(options)) printJson({ cleared: count });
  else out(`cleared ${plural(count, "event")}`);
  await storage.close();
}

export function existsOrThrow(path: string): void {
  if (!fs.existsSync(path)) throw new CairnError(ErrorKind.NotFound, `no such file: ${path}`, { path });
}
