/**
 * Deleting a pool file: only a regular file that starts with the pool magic is removed,
 * so a mistyped path never deletes something that is not a pool. A damaged pool (it
 * still starts with PLSM) may go; that is how a user gets rid of one.
 */
import * as fs from "node:fs";
import { CairnError, ErrorKind, toCairnError } from "./errors.js";
import { startsWithPoolMagic } from "./header.js";
import { H } from "./layout.js";

function readsAsPool(path: string): boolean {
  const fd = fs.openSync(path, "r");
  try {
    const buf = Buffer.alloc(H.magic + 4);
    const got = fs.readSync(fd, buf, 0, buf.length, 0);
    return startsWithPoolMagic(buf.subarray(0, got));
  } finally {
    fs.closeSync(fd);
  }
}

/** NotFound when there is no file; Usage for a non-file; Corrupt (and kept) without the magic. */
export function deletePoolFile(path: string): void {
  try {
    const stat = fs.statSync(path);
    if (!stat.isFile()) throw new CairnError(ErrorKind.Usage, "not a pool file", { path });
    if (!readsAsPool(path)) {
      throw new CairnError(ErrorKind.Corrupt, "not a pool file (bad magic); not deleting it", { path });
    }
    fs.unlinkSync(path);
  } catch (err) {
    const e = toCairnError(err, { path });
    if (e.kind === ErrorKind.NotFound) throw new CairnError(ErrorKind.NotFound, "pool not found", { path });
    throw e;
  }
}
