/**
 * The writer lock: an exclusive advisory `flock` on the pool file (fs-ext), the same lock
 * Plasmite writers take, so Cairn and Plasmite serialise against each other. The kernel
 * releases it when a holder dies, so a killed writer never wedges a pool. The api offers the
 * same primitive to the domains for their own files (api/file-lock.ts); errors name the path.
 */
import { createRequire } from "node:module";
import { CairnError, ErrorKind, toCairnError } from "./errors.js";

interface FsExt {
  flockSync(fd: number, flags: "ex" | "exnb" | "sh" | "shnb" | "un"): void;
}

const fsExt = createRequire(import.meta.url)("fs-ext") as FsExt;

export function lockExclusive(fd: number, path: string): void {
  try {
    fsExt.flockSync(fd, "ex");
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot lock" });
  }
}

/** Takes the lock only if it is free; returns false when another process holds it. */
export function tryLockExclusive(fd: number, path: string): boolean {
  try {
    fsExt.flockSync(fd, "exnb");
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EAGAIN" || code === "EWOULDBLOCK") return false;
    throw toCairnError(err, { path, what: "cannot lock" });
  }
}

export function unlock(fd: number, path: string): void {
  try {
    fsExt.flockSync(fd, "un");
  } catch (err) {
    throw new CairnError(ErrorKind.Io, "cannot unlock", { path, cause: err });
  }
}
