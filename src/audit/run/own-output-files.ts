/**
 * The files the running cairn writes to through its stdout and stderr (`cairn audit run …
 * > audit-events.ndjson` inside the project): left out of manifests by device and inode,
 * since an audit's own output is not a change the audit made (issue 9, finding 12). Only
 * regular files count; a terminal, a pipe or /dev/null is nothing to leave out.
 */
import * as fs from "node:fs";
import type { FileIdentity } from "../manifests/manifest.js";

export function ownOutputFiles(fds: readonly number[] = [1, 2]): FileIdentity[] {
  const files: FileIdentity[] = [];
  for (const fd of fds) {
    try {
      const stat = fs.fstatSync(fd);
      if (stat.isFile()) files.push({ dev: stat.dev, ino: stat.ino });
    } catch {
      // A closed descriptor writes to no file.
    }
  }
  return files;
}
