/**
 * EventEmitter: validates the type, persists through PhaserStorage (unless in dry-run
 * mode), then calls subscribers synchronously. A subscriber's error is logged and
 * isolated; a storage failure leaves the emit successful in memory with a warning.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { EVENT_TYPES, Event, isEventType } from "./event.js";
import type { PhaserStorage } from "../storage/storage.js";
import { sortByTime } from "./event-store.js";

export type Subscriber = (event: Event) => void;
export type WarningSink = (message: string, error: unknown) => void;

export interface EventEmitterOptions {
  /** Skip persistence (the spec's simulation mode); subscribers are still called. */
  dryRun?: boolean;
  /** Where warnings go; default stderr. */
  warn?: WarningSink;
}

const defaultWarn: WarningSink = (message, error) => {
  const detail = error instanceof Error ? error.message : String(error);
  process.stderr.write(`warning: ${message}: ${detail}\n`);
};

export class EventEmitter {
  readonly storage: PhaserStorage | null;
  readonly dryRun: boolean;
  private readonly subscribers: Subscriber[] = [];
  private readonly warn: WarningSink;
  /** Events that could not be persisted (storage unavailable); kept in memory. */
  readonly unpersisted: Event[] = [];

  constructor(storage: PhaserStorage | null = null, options: EventEmitterOptions = {}) {
    this.storage = storage;
    this.dryRun = options.dryRun ?? false;
    this.warn = options.warn ?? defaultWarn;
  }

  emit(type: string, auditId: string, phase: number | null = null, data: Record<string, unknown> = {}): Event {
    if (!isEventType(type))
      throw new CairnError(ErrorKind.Usage, `unknown event type "${type}"`, {
        hint: `one of ${EVENT_TYPES.join(", ")}`,
      });
    if (typeof auditId !== "string" || auditId.length === 0)
      throw new CairnError(ErrorKind.Usage, "an event needs an audit id");
    if (phase !== null && (!Number.isInteger(phase) || phase < 1))
      throw new CairnError(ErrorKind.Usage, `phase must be a positive integer, not ${phase}`);
    const event = new Event({ type, auditId, phase, data });
    if (this.storage && !this.dryRun) {
      try {
        this.storage.appendEventTrusted(event.toDict());
      } catch (err) {
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

  subscribe(callback: Subscriber): void {
    if (!this.subscribers.includes(callback)) this.subscribers.push(callback);
  }

  unsubscribe(callback: Subscriber): void {
    const index = this.subscribers.indexOf(callback);
    if (index >= 0) this.subscribers.splice(index, 1);
  }

  /** Calls `callback` with every stored event of the audit in time order; returns the count. */
  replay(auditId: string, callback: Subscriber): number {
    if (!this.storage) return 0;
    const dicts = sortByTime(this.storage.getEvents({ auditId }));
    for (const dict of dicts) callback(Event.fromDict(dict));
    return dicts.length;
  }
}
