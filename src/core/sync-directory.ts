/**
 * Makes a rename durable by fsyncing its directory. A filesystem that refuses fsync on a
 * directory is not an error: the rename itself is already atomic.
 */
import * as fs from "node:fs";

export function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // best effort: some filesystems refuse fsync on a directory
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
