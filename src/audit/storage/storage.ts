/**
 * PhaserStorage: the `.phaser/` directory — audits.json, the events pool, config.yaml,
 * manifests — behind the spec's interface (camelCased; see docs/audits.md for the map).
 */
import * as fs from "node:fs";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { type AuditRecord, AuditStore } from "./audit-store.js";
import { type Config, type ConfigValue, ConfigStore, numberSetting } from "./config.js";
import type { EventDict } from "../events/event.js";
import { EventStore } from "../events/event-store.js";
import { eventsPoolRef } from "../events/events-pool-ref.js";
import { Client } from "../../api/client.js";
import { findStorageRoot, resolveInside } from "./storage-root.js";
import { requireTimestampMs as requireMs } from "../events/timestamps.js";

export interface GetEventsFilter {
  auditId?: string;
  /** Spec name: event_type. */
  eventType?: string;
  /** Epoch ms, a Date, or any Phaser timestamp string. */
  since?: number | Date | string;
}

/** A storage root that exists but is not a directory ($PHASER_STORAGE_DIR=a file) is a Usage error. */
function requireNotAFile(root: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(root).isDirectory();
  } catch (err) {
    // Absent is fine (created on first write); a file on the way (ENOTDIR) is not.
    isDirectory = (err as { code?: string }).code !== "ENOTDIR";
  }
  if (!isDirectory)
    throw new CairnError(ErrorKind.Usage, `the storage directory ${root} is not a directory`, {
      path: root,
      hint: "point PHASER_STORAGE_DIR at a directory (or unset it)",
    });
}

export class PhaserStorage {
  readonly root: string;
  readonly audits: AuditStore;
  readonly config: ConfigStore;
  private eventStore: EventStore | null = null;
  private readonly client: Client;

  /**
   * Storage at `root`, or found the usual way ($PHASER_STORAGE_DIR, walk up, ~/.phaser).
   * `client` reaches the events pool; the default one resolves bare names inside `.phaser/`
   * and sends $CAIRN_TOKEN, when set, to a remote events pool.
   */
  constructor(root?: string, options: { client?: Client } = {}) {
    this.root = root ?? findStorageRoot();
    const token = process.env.CAIRN_TOKEN;
    this.client = options.client ?? new Client({ dir: this.root, remote: token ? { token } : {} });
    // A misconfigured $PHASER_STORAGE_DIR is the user's to fix; an explicit root given by a
    // library caller keeps degrading gracefully (emits stay in memory, with a warning).
    if (root === undefined) requireNotAFile(this.root);
    this.audits = new AuditStore(this.root);
    this.config = new ConfigStore(this.root);
  }

  ensureDirectories(): void {
    try {
      fs.mkdirSync(this.root, { recursive: true });
      fs.mkdirSync(this.getPath("manifests"), { recursive: true });
      fs.mkdirSync(this.getPath("reports"), { recursive: true });
    } catch (err) {
      throw toCairnError(err, { path: this.root, what: "cannot create storage directory" });
    }
  }

  /** An absolute path inside `.phaser/`; traversal is a Usage error. */
  getPath(filename: string): string {
    return resolveInside(this.root, filename);
  }

  saveAudit(audit: Record<string, unknown>, check?: (audits: readonly AuditRecord[]) => void): string {
    this.ensureDirectories();
    return this.audits.save(audit, check);
  }

  getAudit(auditId: string): AuditRecord | null {
    return this.audits.get(auditId);
  }

  listAudits(project?: string): AuditRecord[] {
    return this.audits.list(project);
  }

  updateAudit(
    auditId: string,
    updates: Partial<AuditRecord> | ((current: AuditRecord) => Partial<AuditRecord>),
  ): boolean {
    return this.audits.update(auditId, updates);
  }

  get events(): EventStore {
    if (!this.eventStore) {
      const config = this.getConfig();
      const storage = (config.storage ?? {}) as Record<string, unknown>;
      const retention = {
        maxEvents: numberSetting(config, "storage", "max_events", 10000),
        retentionDays: numberSetting(config, "storage", "retention_days", 90),
      };
      this.eventStore = new EventStore(
        this.root,
        retention,
        eventsPoolRef(storage.events_pool, this.root),
        this.client,
      );
    }
    return this.eventStore;
  }

  async appendEvent(event: EventDict): Promise<void> {
    await this.events.append(event);
  }

  /** appendEvent for dicts made by Event.toDict, which are valid by construction (the emitter's path). */
  async appendEventTrusted(event: EventDict): Promise<void> {
    await this.events.append(event, { trusted: true });
  }

  async getEvents(filter: GetEventsFilter = {}): Promise<EventDict[]> {
    const q: { auditId?: string; type?: string; sinceMs?: number } = {};
    if (filter.auditId !== undefined) q.auditId = filter.auditId;
    if (filter.eventType !== undefined) q.type = filter.eventType;
    if (filter.since !== undefined) q.sinceMs = sinceToMs(filter.since);
    return this.events.query(q);
  }

  clearEvents(before?: number | Date | string): Promise<number> {
    return this.events.clear(before === undefined ? undefined : sinceToMs(before));
  }

  getConfig(): Config {
    return this.config.get();
  }

  setConfig(key: string, value: ConfigValue): void {
    this.ensureDirectories();
    this.config.set(key, value);
  }

  resetConfig(): void {
    this.ensureDirectories();
    this.config.reset();
  }

  /** Closes the events pool (local pools close at once, so not awaiting is safe for them). */
  async close(): Promise<void> {
    const store = this.eventStore;
    this.eventStore = null;
    await store?.close();
  }
}

function sinceToMs(value: number | Date | string): number {
  if (typeof value === "number") return value;
  if (value instanceof Date) return value.getTime();
  return requireMs(value);
}
