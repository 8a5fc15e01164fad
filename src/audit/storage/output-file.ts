/**
 * Writing a file the user named (`events export -o PATH`): a regular file (or a new path) is
 * replaced atomically; anything else is written through, never replaced — a symlink's target
 * gets the text (atomically, when it is a regular file) and the link stays; a FIFO or a device
 * (/dev/stdout, /dev/full) is opened and written in place, so its failure is its own (ENOSPC
 * from /dev/full is an Io error) and the node itself is never swapped for a regular file.
 */
import * as fs from "node:fs";
import { toCairnError } from "../../core/errors.js";
import { writeFileAtomic } from "./atomic-file.js";

export function writeOutputFile(path: string, text: string): void {
  let target = path;
  let stat: fs.Stats | null;
  try {
    target = fs.realpathSync(path); // through symlinks, so the link itself stays
    stat = fs.statSync(target);
  } catch (err) {
    if ((err as { code?: string }).code !== "ENOENT") throw toCairnError(err, { path, what: "cannot write file" });
    stat = null; // a new file (or a dangling link: realpath cannot follow it, so it is replaced)
  }
  if (stat === null || stat.isFile()) {
    writeFileAtomic(target, text);
    return;
  }
  writeInPlace(target, text);
}

function writeInPlace(path: string, text: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(path, "w");
    const bytes = Buffer.from(text, "utf8");
    let off = 0;
    while (off < bytes.length) off += fs.writeSync(fd, bytes, off, bytes.length - off);
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot write file" });
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
