/**
 * Crash-safe file replacement and the storage lock.
 *
 * writeFileAtomic: unique temp file beside the target → write → fsync → rename over the
 * target → fsync the directory. A failure at any step (a full disk included) removes the
 * temp file and leaves the previous target untouched. A test hook can observe or fail each
 * step, so crash tests can stop a process exactly there.
 *
 * withStorageLock: an exclusive `flock` on `.phaser/.lock` held across a whole
 * read-modify-write; when another process holds it, retries with exponential backoff
 * (3 attempts) and then answers Busy. withStorageLockAsync holds it across awaited work
 * (the events pool through the api), one holder per root at a time within the process.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { tryLockFile, unlockFile, syncDirectory } from "../../api/file-lock.js";

export type WritePhase = "temp-opened" | "temp-written" | "temp-synced" | "renamed" | "dir-synced";
export type WriteHook = (phase: WritePhase, info: { target: string; temp: string }) => void;

let writeHook: WriteHook | null = null;

/** Test seam: observe (or fail, by throwing) each step of every atomic write in this process. */
export function setWriteHook(hook: WriteHook | null): void {
  writeHook = hook;
}

export function writeFileAtomic(target: string, text: string): void {
  const dir = nodePath.dirname(target);
  const temp = nodePath.join(dir, `.${nodePath.basename(target)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | null = null;
  try {
    fd = fs.openSync(temp, "wx", 0o644);
    writeHook?.("temp-opened", { target, temp });
    const bytes = Buffer.from(text, "utf8");
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    writeHook?.("temp-written", { target, temp });
    fs.fsyncSync(fd);
    writeHook?.("temp-synced", { target, temp });
    fs.closeSync(fd);
    fd = null;
    fs.renameSync(temp, target);
    writeHook?.("renamed", { target, temp });
  } catch (err) {
    if (fd !== null) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw toCairnError(err, { path: target, what: "cannot write file" });
  }
  syncDirectory(dir);
  writeHook?.("dir-synced", { target, temp });
}

/**
 * Removes temp files of `target` left by writers that died mid-write (their pid is gone).
 * Call while holding the storage lock.
 */
export function removeStaleTemps(target: string): void {
  const dir = nodePath.dirname(target);
  const prefix = `.${nodePath.basename(target)}.`;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith(".tmp")) continue;
    const pid = Number(name.slice(prefix.length).split(".")[0]);
    if (!Number.isInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    fs.rmSync(nodePath.join(dir, name), { force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM";
  }
}

const LOCK_ATTEMPTS = 3;
const LOCK_BACKOFF_MS_BASE = 100;
const LOCK_POLL_MS = 5;
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function sleepMs(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}

/** Runs `fn` holding the exclusive storage lock of `root`. */
export function withStorageLock<T>(root: string, fn: () => T): T {
  const lockPath = nodePath.join(root, ".lock");
  let fd: number;
  try {
    fd = fs.openSync(lockPath, "a", 0o644);
  } catch (err) {
    throw toCairnError(err, { path: lockPath, what: "cannot open the storage lock" });
  }
  try {
    acquireWithBackoff(fd, lockPath);
    try {
      return fn();
    } finally {
      unlockFile(fd, lockPath);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const asyncHolders = new Map<string, Promise<unknown>>();

/**
 * Runs async `fn` holding the storage lock of `root`. Callers in this process queue (a
 * second flock from the same process would wait on itself); other processes get the
 * same backoff and Busy as withStorageLock.
 */
export async function withStorageLockAsync<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const before = asyncHolders.get(root) ?? Promise.resolve();
  const run = before.then(
    () => holdAsync(root, fn),
    () => holdAsync(root, fn),
  );
  asyncHolders.set(root, run);
  try {
    return await run;
  } finally {
    if (asyncHolders.get(root) === run) asyncHolders.delete(root);
  }
}

async function holdAsync<T>(root: string, fn: () => Promise<T>): Promise<T> {
  const lockPath = nodePath.join(root, ".lock");
  let fd: number;
  try {
    fd = fs.openSync(lockPath, "a", 0o644);
  } catch (err) {
    throw toCairnError(err, { path: lockPath, what: "cannot open the storage lock" });
  }
  try {
    acquireWithBackoff(fd, lockPath);
    try {
      return await fn();
    } finally {
      unlockFile(fd, lockPath);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Takes the flock on `fd`, retrying with backoff; Busy (naming `holder`) when it stays taken. */
export function acquireWithBackoff(fd: number, lockPath: string, holder = "the .phaser/ storage lock"): void {
  if (tryLockFile(fd, lockPath)) return;
  for (let attempt = 0; attempt < LOCK_ATTEMPTS; attempt++) {
    // Exponential backoff; the lock is polled during each wait so a short holder costs little.
    const waitMs = LOCK_BACKOFF_MS_BASE * 2 ** attempt * (0.75 + Math.random() / 2);
    const deadline = Date.now() + waitMs;
    while (Date.now() < deadline) {
      sleepMs(LOCK_POLL_MS);
      if (tryLockFile(fd, lockPath)) return;
    }
  }
  throw new CairnError(ErrorKind.Busy, `another process holds ${holder}`, {
    path: lockPath,
    hint: "retry shortly; if it persists, check for a stuck cairn process",
  });
}
