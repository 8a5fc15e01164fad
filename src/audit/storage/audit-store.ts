/**
 * audits.json: `{"version":1,"audits":[…]}` with Phaser's record fields.
 *
 * Every change is a read-modify-write under the storage lock followed by an atomic
 * replace, so concurrent writers never lose each other's updates and a crash leaves either
 * the old or the new file. Unknown top-level and per-audit fields are kept as they are.
 */
import { randomUUID } from "node:crypto";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { removeStaleTemps, withStorageLock, writeFileAtomic } from "./atomic-file.js";
import { withPhaserLock } from "./phaser-lock.js";
import { formatJson, readJsonFile } from "./json-file.js";
import { formatTimestamp, timestampMs } from "../events/timestamps.js";

export type AuditStatus = "pending" | "in_progress" | "completed" | "abandoned" | "failed";
export const AUDIT_STATUSES: readonly string[] = ["pending", "in_progress", "completed", "abandoned", "failed"];

/** One audit record. Known fields are typed; anything else is preserved untouched. */
export interface AuditRecord {
  id: string;
  project: string;
  slug: string;
  date: string;
  status: AuditStatus;
  phases_total?: number;
  phases_completed?: number;
  phases_skipped?: number;
  started_at?: string;
  completed_at?: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  [field: string]: unknown;
}

interface AuditsFile {
  version: number;
  audits: AuditRecord[];
  [field: string]: unknown;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const REQUIRED = ["project", "slug", "date", "status"] as const;

export function isUuidV4(value: unknown): value is string {
  return typeof value === "string" && UUID_V4.test(value);
}

export class AuditStore {
  readonly path: string;

  constructor(private readonly root: string) {
    this.path = nodePath.join(root, "audits.json");
  }

  read(): AuditsFile {
    const parsed = readJsonFile(this.path);
    if (parsed === undefined) return { version: 1, audits: [] };
    if (parsed === null || typeof parsed !== "object" || !Array.isArray((parsed as AuditsFile).audits))
      throw new CairnError(ErrorKind.Corrupt, `${this.path} has no "audits" array`, { path: this.path });
    const damaged = (parsed as AuditsFile).audits.findIndex(
      (a) => a === null || typeof a !== "object" || typeof a.id !== "string",
    );
    if (damaged >= 0)
      throw new CairnError(ErrorKind.Corrupt, `${this.path}: audit #${damaged + 1} is not a record with an id`, {
        path: this.path,
        hint: "fix or remove that record; Cairn never overwrites a file it cannot parse",
      });
    return parsed as AuditsFile;
  }

  /**
   * Validates and stores a new audit; returns its id (a UUID v4, generated when absent).
   * `check` sees the stored audits under the lock and may refuse by throwing.
   */
  save(audit: Record<string, unknown>, check?: (audits: readonly AuditRecord[]) => void): string {
    for (const field of REQUIRED) {
      const value = audit[field];
      if (typeof value !== "string" || value.length === 0)
        throw new CairnError(ErrorKind.Usage, `audit field "${field}" is required (a non-empty string)`);
    }
    if (!AUDIT_STATUSES.includes(audit.status as string))
      throw new CairnError(ErrorKind.Usage, `invalid audit status "${audit.status}"`, {
        hint: `one of ${AUDIT_STATUSES.join(", ")}`,
      });
    const id = audit.id ?? randomUUID();
    if (!isUuidV4(id)) throw new CairnError(ErrorKind.Usage, `audit id "${id}" is not a UUID v4`);
    // Key order: identity first, then Phaser's fields, then anything else the caller gave.
    const record = Object.assign(
      { id, project: "", slug: "", date: "", status: "pending" } as AuditRecord,
      {
        phases_total: 0,
        phases_completed: 0,
        phases_skipped: 0,
        started_at: formatTimestamp(),
        tags: [],
        metadata: {},
      },
      audit,
      { id },
    );
    this.modify((file) => {
      check?.(file.audits);
      if (file.audits.some((a) => a.id === id))
        throw new CairnError(ErrorKind.AlreadyExists, `an audit with id ${id} already exists`, { path: this.path });
      file.audits.push(record);
      return true;
    });
    return id;
  }

  get(id: string): AuditRecord | null {
    return this.read().audits.find((a) => a.id === id) ?? null;
  }

  /** Newest first by start time; only `project` when given. */
  list(project?: string): AuditRecord[] {
    const audits = this.read().audits.filter((a) => project === undefined || a.project === project);
    // By instant, not by text: `11:00+01:00` is before `10:30Z` (issue 9, finding 14).
    const instant = (a: AuditRecord) => timestampMs(a.started_at) ?? timestampMs(a.date) ?? 0;
    return audits.sort((a, b) => instant(b) - instant(a));
  }

  /** Shallow-merges `updates` into the audit (a function gets the current record); false when absent. */
  update(id: string, updates: Partial<AuditRecord> | ((current: AuditRecord) => Partial<AuditRecord>)): boolean {
    let found = false;
    this.modify((file) => {
      const index = file.audits.findIndex((a) => a.id === id);
      if (index < 0) return false;
      found = true;
      const current = file.audits[index] as AuditRecord;
      const patch = typeof updates === "function" ? updates(current) : updates;
      if ("id" in patch && patch.id !== id) throw new CairnError(ErrorKind.Usage, "an audit's id cannot change");
      file.audits[index] = { ...current, ...patch, id };
      return true;
    });
    return found;
  }

  /** Read-modify-write under Cairn's lock and Phaser's; `change` returning false skips the write. */
  private modify(change: (file: AuditsFile) => boolean | undefined): void {
    withStorageLock(this.root, () =>
      withPhaserLock(this.path, () => {
        removeStaleTemps(this.path);
        const file = this.read();
        if (change(file) === false) return;
        writeFileAtomic(this.path, formatJson({ ...file, version: file.version ?? 1, audits: file.audits }));
      }),
    );
  }
}
