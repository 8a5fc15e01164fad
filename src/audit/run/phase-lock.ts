/**
 * One `phase start` or `phase verify` at a time per phase: an exclusive `flock` on
 * `.phaser/manifests/<audit id>/.phase-NN.lock`, held while the phase runs. A second one
 * answers Busy instead of emitting a second phase_started and phase_completed; the kernel
 * drops the lock when a holder dies (a SIGKILLed `audit run`).
 */
import * as fs from "node:fs";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { tryLockFile, unlockFile } from "../../api/file-lock.js";
import type { AuditContext } from "./audit-context.js";

export async function withPhaseLock<T>(
  ctx: AuditContext,
  auditId: string,
  number: number,
  fn: () => Promise<T>,
): Promise<T> {
  const dir = ctx.storage.getPath(`manifests/${auditId}`);
  const lockPath = ctx.storage.getPath(`manifests/${auditId}/.phase-${String(number).padStart(2, "0")}.lock`);
  let fd: number;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fd = fs.openSync(lockPath, "a", 0o644);
  } catch (err) {
    throw toCairnError(err, { path: lockPath, what: "cannot open the phase lock" });
  }
  try {
    if (!tryLockFile(fd, lockPath))
      throw new CairnError(ErrorKind.Busy, `phase ${number} is being started or verified by another command`, {
        path: lockPath,
        hint: "wait for it to finish, then run the command again",
      });
    try {
      return await fn();
    } finally {
      unlockFile(fd, lockPath);
    }
  } finally {
    fs.closeSync(fd);
  }
}
