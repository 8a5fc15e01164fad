/**
 * Reading Phaser's events.json without ever writing it, and the bookkeeping of what Cairn has
 * imported from it (`.phaser/events-import.json`, Cairn's own file):
 * `{"version":1,"signature":{dev,ino,size,mtime_ms},"through_id":ID,"count":N}`.
 *
 * Phaser appends by rewriting the whole file and renaming it into place, so the signature
 * (inode, size, mtime) changes with every Phaser write; while it matches, there is nothing
 * new to import and a writer pays one `stat`. Phaser only appends at the end, so events
 * after `through_id` (the last event seen) are the new ones; ids already in the pool are
 * skipped, so an import interrupted before the ledger was written never duplicates.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { toCairnError } from "../../core/errors.js";
import { writeFileAtomic } from "../storage/atomic-file.js";
import type { EventDict } from "./event.js";
import { eventsFromJsonText } from "./events-json.js";

export const PHASER_EVENTS_FILE = "events.json";
const LEDGER_FILE = "events-import.json";

export interface FileSignature {
  dev: number;
  ino: number;
  size: number;
  mtime_ms: number;
}

export interface ImportLedger {
  signature: FileSignature;
  /** The id of the last events.json event seen by an import; null for an empty file. */
  through_id: string | null;
  /** How many events events.json held then (the pool keeps room for them). */
  count: number;
}

export function phaserEventsPath(root: string): string {
  return nodePath.join(root, PHASER_EVENTS_FILE);
}

function signatureOf(stat: fs.Stats): FileSignature {
  return { dev: stat.dev, ino: stat.ino, size: stat.size, mtime_ms: stat.mtimeMs };
}

export function sameSignature(a: FileSignature | null, b: FileSignature | null): boolean {
  if (a === null || b === null) return a === b;
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtime_ms === b.mtime_ms;
}

/** The signature of events.json now; null when there is none. */
export function currentSignature(root: string): FileSignature | null {
  try {
    // Called once per append, so a missing file (the usual case) is answered without the
    // cost of a thrown ENOENT, which measured about a sixth of an emit.
    const stat = fs.statSync(phaserEventsPath(root), { throwIfNoEntry: false });
    return stat ? signatureOf(stat) : null;
  } catch (err) {
    throw toCairnError(err, { path: phaserEventsPath(root), what: "cannot read events file" });
  }
}

/** events.json's events and the signature of exactly the file read; null when there is none. */
export function readPhaserEvents(root: string): { events: EventDict[]; signature: FileSignature } | null {
  const path = phaserEventsPath(root);
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return null;
    throw toCairnError(err, { path, what: "cannot read events file" });
  }
  try {
    const signature = signatureOf(fs.fstatSync(fd));
    return { events: eventsFromJsonText(fs.readFileSync(fd, "utf8"), path), signature };
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot read events file" });
  } finally {
    fs.closeSync(fd);
  }
}

/** The events after the ledger's watermark: all of them when it is absent or no longer found. */
export function eventsAfterWatermark(events: readonly EventDict[], ledger: ImportLedger | null): EventDict[] {
  if (!ledger || ledger.through_id === null) return [...events];
  const at = events.findIndex((e) => e.id === ledger.through_id);
  return at < 0 ? [...events] : events.slice(at + 1);
}

export function readLedger(root: string): ImportLedger | null {
  try {
    const parsed = JSON.parse(fs.readFileSync(nodePath.join(root, LEDGER_FILE), "utf8")) as ImportLedger;
    return parsed && typeof parsed === "object" && parsed.signature ? parsed : null;
  } catch {
    return null; // absent or unreadable: the next import re-checks every event by id
  }
}

/** Call holding the storage lock. */
export function writeLedgerLocked(root: string, ledger: ImportLedger): void {
  writeFileAtomic(nodePath.join(root, LEDGER_FILE), `${JSON.stringify({ version: 1, ...ledger }, null, 2)}\n`);
}
