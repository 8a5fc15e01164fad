/**
 * An exclusive advisory `flock` on a file of `.phaser/` (fs-ext), the primitive behind the
 * storage lock. The audit domain's own: pool files are locked only by src/core. The kernel
 * releases it when the holder dies.
 */
import { createRequire } from "node:module";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";

interface FsExt {
  flockSync(fd: number, flags: "exnb" | "un"): void;
}

const fsExt = createRequire(import.meta.url)("fs-ext") as FsExt;

/** Takes the lock only if it is free; false when another open file holds it. */
export function tryLockFile(fd: number, path: string): boolean {
  try {
    fsExt.flockSync(fd, "exnb");
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "EAGAIN" || code === "EWOULDBLOCK") return false;
    throw toCairnError(err, { path, what: "cannot lock" });
  }
}

export function unlockFile(fd: number, path: string): void {
  try {
    fsExt.flockSync(fd, "un");
  } catch (err) {
    throw new CairnError(ErrorKind.Io, "cannot unlock", { path, cause: err });
  }
}
