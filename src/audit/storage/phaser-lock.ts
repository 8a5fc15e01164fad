/**
 * Phaser's writer lock, taken by Cairn too, so a Cairn writer and a Phaser writer of one
 * `.phaser/` file are serialised. Python Phaser writes `F` by opening `F.tmp` (truncating it),
 * holding an exclusive flock on it while writing, then renaming it over `F`. Cairn holds the
 * same flock on `F.tmp` across its own read-modify-write of `F` (under Cairn's storage lock
 * as well), so no Phaser write lands in the middle of it.
 *
 * Cairn opens `F.tmp` without truncating. When Cairn created it, Cairn removes it again while
 * still holding the lock, so no empty `F.tmp` is left behind; a Phaser writer that opened it in
 * that instant fails its rename loudly (Phaser's error, nothing half-written). A `F.tmp` that
 * was there before (Phaser's) is left as it is.
 */
import * as fs from "node:fs";
import { toCairnError } from "../../core/errors.js";
import { unlockFile } from "../../api/file-lock.js";
import { acquireWithBackoff } from "./atomic-file.js";

/** Phaser's lock file for `target`: `target` + `.tmp` (`audits.json.tmp`, `config.yaml.tmp`). */
export function phaserLockPath(target: string): string {
  return `${target}.tmp`;
}

/** Runs `fn` holding Phaser's writer lock of `target`; Busy when a Phaser writer keeps it. */
export function withPhaserLock<T>(target: string, fn: () => T): T {
  const lockPath = phaserLockPath(target);
  let fd: number;
  let created = true;
  try {
    try {
      fd = fs.openSync(lockPath, "wx", 0o644);
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
      created = false;
      fd = fs.openSync(lockPath, "a", 0o644);
    }
  } catch (err) {
    throw toCairnError(err, { path: lockPath, what: "cannot open Phaser's lock file" });
  }
  try {
    try {
      acquireWithBackoff(fd, lockPath, `Phaser's lock on ${lockPath} (a Phaser writer)`);
    } catch (err) {
      if (created) fs.rmSync(lockPath, { force: true });
      throw err;
    }
    // An empty F.tmp nobody holds is a dead writer's leftover: removed like one of Cairn's temps.
    if (!created && fs.fstatSync(fd).size === 0) created = true;
    try {
      return fn();
    } finally {
      if (created) fs.rmSync(lockPath, { force: true });
      unlockFile(fd, lockPath);
    }
  } finally {
    fs.closeSync(fd);
  }
}
