/**
 * One error vocabulary for all of Cairn.
 *
 * Every public failure is a CairnError with one ErrorKind. Core code owns the facts
 * (kind, message, path, seq, offset); interfaces own the presentation (text on a TTY,
 * JSON envelope, HTTP status). The exit code and HTTP status of each kind are fixed here
 * and pinned by a test.
 */

export const ErrorKind = {
  Internal: "Internal",
  Usage: "Usage",
  NotFound: "NotFound",
  AlreadyExists: "AlreadyExists",
  Busy: "Busy",
  Permission: "Permission",
  Corrupt: "Corrupt",
  Io: "Io",
  RetentionGap: "RetentionGap",
} as const;

export type ErrorKind = (typeof ErrorKind)[keyof typeof ErrorKind];

const exitCodes: Record<ErrorKind, number> = {
  Internal: 1,
  Usage: 2,
  NotFound: 3,
  AlreadyExists: 4,
  Busy: 5,
  Permission: 6,
  Corrupt: 7,
  Io: 8,
  RetentionGap: 9,
};

const httpStatuses: Record<ErrorKind, number> = {
  Internal: 500,
  Usage: 400,
  NotFound: 404,
  AlreadyExists: 409,
  Busy: 423,
  Permission: 403,
  Corrupt: 500,
  Io: 500,
  RetentionGap: 410,
};

export function exitCodeFor(kind: ErrorKind): number {
  return exitCodes[kind];
}

/** Permission maps to 403; the server answers 401 itself when no credentials were sent. */
export function httpStatusFor(kind: ErrorKind): number {
  return httpStatuses[kind];
}

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === "string" && Object.hasOwn(exitCodes, value);
}

export interface CairnErrorDetails {
  hint?: string;
  path?: string;
  seq?: number;
  offset?: number;
  cause?: unknown;
}

export class CairnError extends Error {
  readonly kind: ErrorKind;
  readonly hint: string | undefined;
  readonly path: string | undefined;
  readonly seq: number | undefined;
  readonly offset: number | undefined;

  constructor(kind: ErrorKind, message: string, details: CairnErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "CairnError";
    this.kind = kind;
    this.hint = details.hint;
    this.path = details.path;
    this.seq = details.seq;
    this.offset = details.offset;
  }

  /** The `{"error":{…}}` envelope body shared by the CLI and the HTTP server. */
  toJSON(): { kind: ErrorKind; message: string; hint?: string; path?: string; seq?: number; offset?: number } {
    const out: { kind: ErrorKind; message: string; hint?: string; path?: string; seq?: number; offset?: number } = {
      kind: this.kind,
      message: this.message,
    };
    if (this.hint !== undefined) out.hint = this.hint;
    if (this.path !== undefined) out.path = this.path;
    if (this.seq !== undefined) out.seq = this.seq;
    if (this.offset !== undefined) out.offset = this.offset;
    return out;
  }
}

/** Broken invariants are bugs: they surface as Internal errors, never as wrong data. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new CairnError(ErrorKind.Internal, `assertion failed: ${message}`);
}

const errnoKinds: Record<string, ErrorKind> = {
  ENOENT: ErrorKind.NotFound,
  ENOTDIR: ErrorKind.NotFound,
  EEXIST: ErrorKind.AlreadyExists,
  EACCES: ErrorKind.Permission,
  EPERM: ErrorKind.Permission,
  EROFS: ErrorKind.Permission,
  EAGAIN: ErrorKind.Busy,
  EWOULDBLOCK: ErrorKind.Busy,
  EBUSY: ErrorKind.Busy,
  EISDIR: ErrorKind.Usage,
  ENAMETOOLONG: ErrorKind.Usage,
  EINVAL: ErrorKind.Usage,
};

/**
 * Wraps anything thrown into a CairnError. Node fs errors keep their errno meaning
 * (ENOENT → NotFound, EACCES → Permission, ENOSPC → Io …); unknown throwables are Internal.
 */
export function toCairnError(err: unknown, context: { path?: string; what?: string } = {}): CairnError {
  if (err instanceof CairnError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code.startsWith("E")) {
    const kind = errnoKinds[code] ?? ErrorKind.Io;
    const path = context.path ?? (err as { path?: string }).path;
    const what = context.what ? `${context.what}: ` : "";
    const reason = (err as Error).message?.split(",")[0] ?? code;
    return new CairnError(kind, `${what}${reason}`, { cause: err, ...(path ? { path } : {}) });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new CairnError(ErrorKind.Internal, message, { cause: err });
}
