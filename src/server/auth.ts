/**
 * Bearer-token authentication and access modes. Tokens are compared in constant time
 * (SHA-256 digests of equal length through crypto.timingSafeEqual), so response timing
 * says nothing about how much of a guess was right. Missing or wrong credentials → 401;
 * an operation the access mode forbids → 403.
 */
import * as crypto from "node:crypto";
import type * as http from "node:http";
import { ErrorKind } from "../core/errors.js";
import { HttpError } from "./respond.js";

export type AccessMode = "read-only" | "write-only" | "read-write";
export const ACCESS_MODES: readonly AccessMode[] = ["read-only", "write-only", "read-write"];

/** What an endpoint does: `read` returns pool contents or metadata, `write` changes pools, `open` is both. */
export type Operation = "read" | "write" | "open";

function digest(text: string): Buffer {
  return crypto.createHash("sha256").update(text, "utf8").digest();
}

export class Auth {
  private readonly tokenDigest: Buffer | null;

  constructor(
    token: string | null,
    readonly access: AccessMode,
  ) {
    this.tokenDigest = token === null ? null : digest(token);
  }

  get tokenRequired(): boolean {
    return this.tokenDigest !== null;
  }

  /** Throws 401 unless the request carries the server's token (when one is set). */
  authenticate(req: http.IncomingMessage): void {
    if (this.tokenDigest === null) return;
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header.trim());
    const challenge = { "www-authenticate": 'Bearer realm="cairn"' };
    if (!match)
      throw new HttpError(
        ErrorKind.Permission,
        "this server needs a bearer token",
        401,
        challenge,
        "pass --token or --token-file",
      );
    if (!crypto.timingSafeEqual(digest(match[1] as string), this.tokenDigest)) {
      throw new HttpError(ErrorKind.Permission, "the bearer token is not valid", 401, challenge);
    }
  }

  /** Throws 403 when the access mode forbids the operation. */
  authorize(operation: Operation): void {
    if (operation === "read" && this.access === "write-only") {
      throw new HttpError(ErrorKind.Permission, "this server is write-only: reads are not allowed", 403);
    }
    if (operation === "write" && this.access === "read-only") {
      throw new HttpError(ErrorKind.Permission, "this server is read-only: writes are not allowed", 403);
    }
  }
}
