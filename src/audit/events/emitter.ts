/**
 * AuditEmitter (Phaser's EventEmitter; exported under that name too): validates the type,
 * persists through PhaserStorage (unless in dry-run mode) and awaits it, then calls
 * subscribers synchronously. A subscriber's error is logged and isolated.
 *
 * A storage failure fails the emit with its ErrorKind (`onStorageError: "throw"`, what the
 * CLI uses), or — the library default, as Phaser — leaves the emit successful in memory
 * with a warning (`unpersisted`).
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import type { PhaserStorage } from "../storage/storage.js";
import { sortByTime } from "./event-dicts.js";
import type { EventData } from "./event-payloads.js";
import { EVENT_TYPES, Event, type EventType, type TypedEvent, isEventType } from "./event.js";

export type Subscriber = (event: Event) => void;
export type WarningSink = (message: string, error: unknown) => void;

export interface AuditEmitterOptions {
  /** Skip persistence (the spec's simulation mode); subscribers are still called. */
  dryRun?: boolean;
  /** Where warnings go; default stderr. */
  warn?: WarningSink;
  /** `memory` (default): keep the event in `unpersisted` and warn. `throw`: fail the emit. */
  onStorageError?: "memory" | "throw";
}

/** Phaser's name for the options. */
export type EventEmitterOptions = AuditEmitterOptions;

const defaultWarn: WarningSink = (message, error) => {
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`warning: ${message}: ${detail}\n`);
};

export class AuditEmitter {
  readonly storage: PhaserStorage | null;
  readonly dryRun: boolean;
  private readonly subscribers: Subscriber[] = [];
  private readonly warn: WarningSink;
  private readonly failOnStorageError: boolean;
  /** Events that could not be persisted (storage unavailable); kept in memory. */
  readonly unpersisted: Event[] = [];

  constructor(storage: PhaserStorage | null = null, options: AuditEmitterOptions = {}) {
    this.storage = storage;
    this.dryRun = options.dryRun ?? false;
    this.warn = options.warn ?? defaultWarn;
    this.failOnStorageError = options.onStorageError === "throw";
  }

  /** Validates, persists (awaited), then notifies subscribers; `data` must fit `type`. */
  async emit<T extends EventType>(
    type: T,
    auditId: string,
    phase: number | null,
    data: EventData<T>,
  ): Promise<TypedEvent<T>> {
    const event = this.build(type, auditId, phase, data);
    if (this.storage && !this.dryRun) {
      try {
        await this.storage.appendEventTrusted(event.toDict());
      } catch (err) {
        if (this.failOnStorageError) throw err;
        this.unpersisted.push(event);
        this.warn(`event ${event.type} kept in memory only (storage unavailable)`, err);
      }
    }
    for (const subscriber of [...this.subscribers]) {
      try {
        subscriber(event);
      } catch (err) {
        this.warn(`a subscriber failed on ${event.type}`, err);
      }
    }
    return event;
  }

  private build<T extends EventType>(type: T, auditId: string, phase: number | null, data: object): TypedEvent<T> {
    if (!isEventType(type))
      throw new CairnError(ErrorKind.Usage, `unknown event type "${type}"`, {
        hint: `one of ${EVENT_TYPES.join(", ")}`,
      });
    if (typeof auditId !== "string" || auditId.length === 0)
      throw new CairnError(ErrorKind.Usage, "an event needs an audit id");
    if (phase !== null && (!Number.isInteger(phase) || phase < 1))
      throw new CairnError(ErrorKind.Usage, `phase must be a positive integer, not ${phase}`);
    return new Event({ type, auditId, phase, data: data as Record<string, unknown> }) as TypedEvent<T>;
  }

  subscribe(callback: Subscriber): void {
    if (!this.subscribers.includes(callback)) this.subscribers.push(callback);
  }

  unsubscribe(callback: Subscriber): void {
    const index = this.subscribers.indexOf(callback);
    if (index >= 0) this.subscribers.splice(index, 1);
  }

  /** Calls `callback` with every stored event of the audit in time order; resolves to the count. */
  async replay(auditId: string, callback: Subscriber): Promise<number> {
    if (!this.storage) return 0;
    const dicts = sortByTime(await this.storage.getEvents({ auditId }));
    for (const dict of dicts) callback(Event.fromDict(dict));
    return dicts.length;
  }
}

/** Phaser's name for the emitter (the spec's `EventEmitter`); the same class. */
export const EventEmitter = AuditEmitter;
export type EventEmitter = AuditEmitter;
