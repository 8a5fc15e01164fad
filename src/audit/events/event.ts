/**
 * EventType and Event: the 12 event types of the Phaser events spec and an immutable
 * record with toDict/fromDict; `AuditEvent` is the discriminated union (`type` → typed
 * `data`, see event-payloads.ts). fromDict checks a known type's payload fields and never
 * throws on what a newer writer may add: unknown types and unknown fields are preserved
 * and written back unchanged.
 */
import { randomUUID } from "node:crypto";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { type EventData, payloadProblem } from "./event-payloads.js";
import { formatTimestamp } from "./timestamps.js";

export const EventType = {
  AUDIT_STARTED: "audit_started",
  AUDIT_COMPLETED: "audit_completed",
  AUDIT_ABANDONED: "audit_abandoned",
  PHASE_STARTED: "phase_started",
  PHASE_COMPLETED: "phase_completed",
  PHASE_FAILED: "phase_failed",
  PHASE_SKIPPED: "phase_skipped",
  VERIFICATION_PASSED: "verification_passed",
  VERIFICATION_FAILED: "verification_failed",
  FILE_CREATED: "file_created",
  FILE_MODIFIED: "file_modified",
  FILE_DELETED: "file_deleted",
} as const;

export type EventType = (typeof EventType)[keyof typeof EventType];
export const EVENT_TYPES: readonly EventType[] = Object.values(EventType);

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}

/** The serialised shape (events.json entries and pool message data). */
export interface EventDict {
  id: string;
  type: string;
  timestamp: string;
  audit_id: string;
  phase: number | null;
  data: Record<string, unknown>;
  [field: string]: unknown;
}

export class Event {
  readonly id: string;
  /** An EventType, or an unknown type string preserved from a newer writer. */
  readonly type: string;
  readonly timestamp: string;
  readonly auditId: string;
  readonly phase: number | null;
  readonly data: Readonly<Record<string, unknown>>;
  /** Top-level fields this version does not know, kept for round trips. */
  readonly extra: Readonly<Record<string, unknown>>;

  constructor(fields: {
    id?: string;
    type: string;
    timestamp?: string;
    auditId: string;
    phase?: number | null;
    data?: Record<string, unknown>;
    extra?: Record<string, unknown>;
  }) {
    this.id = fields.id ?? randomUUID();
    this.type = fields.type;
    this.timestamp = fields.timestamp ?? formatTimestamp();
    this.auditId = fields.auditId;
    this.phase = fields.phase ?? null;
    this.data = deepFreeze(structuredClone(fields.data ?? {}));
    this.extra = Object.freeze({ ...(fields.extra ?? {}) });
    Object.freeze(this);
  }

  get isKnownType(): boolean {
    return isEventType(this.type);
  }

  toDict(): EventDict {
    return {
      ...structuredClone(this.extra as Record<string, unknown>),
      id: this.id,
      type: this.type,
      timestamp: this.timestamp,
      audit_id: this.auditId,
      phase: this.phase,
      data: structuredClone(this.data as Record<string, unknown>),
    };
  }

  /** Reads a dict; a missing required field is a Corrupt error, an unknown type is kept. */
  static fromDict(d: unknown): Event {
    if (d === null || typeof d !== "object" || Array.isArray(d))
      throw new CairnError(ErrorKind.Corrupt, "an event must be a JSON object");
    const { id, type, timestamp, audit_id, phase, data, ...extra } = d as Record<string, unknown>;
    for (const [name, value] of [
      ["id", id],
      ["type", type],
      ["timestamp", timestamp],
      ["audit_id", audit_id],
    ] as const) {
      if (typeof value !== "string" || value.length === 0)
        throw new CairnError(ErrorKind.Corrupt, `event field "${name}" is missing or not a string`);
    }
    if (phase !== undefined && phase !== null && !Number.isInteger(phase))
      throw new CairnError(ErrorKind.Corrupt, `event ${id}: "phase" must be an integer or null`);
    if (data !== undefined && (data === null || typeof data !== "object" || Array.isArray(data)))
      throw new CairnError(ErrorKind.Corrupt, `event ${id}: "data" must be an object`);
    const problem =
      isEventType(type) && data !== undefined ? payloadProblem(type, data as Record<string, unknown>) : null;
    if (problem) throw new CairnError(ErrorKind.Corrupt, `event ${id}: ${problem}`);
    return new Event({
      id: id as string,
      type: type as string,
      timestamp: timestamp as string,
      auditId: audit_id as string,
      phase: (phase as number | null | undefined) ?? null,
      data: (data as Record<string, unknown> | undefined) ?? {},
      extra,
    });
  }
}

/** An event of a known type T, its data typed. */
export type TypedEvent<T extends EventType> = Event & { readonly type: T; readonly data: Readonly<EventData<T>> };

/** The 12 known events as a discriminated union: narrowing on `type` types `data`. */
export type AuditEvent = { [T in EventType]: TypedEvent<T> }[EventType];

/** Narrows an event (which may carry an unknown type from a newer writer) to the union. */
export function isAuditEvent(event: Event): event is AuditEvent {
  return isEventType(event.type);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
