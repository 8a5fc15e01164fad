/**
 * What remote clients see of the server's files: pool files named relative to the pool
 * directory (`p.cairn`), never the server's absolute paths, in PoolInfo, list entries,
 * validation reports and error envelopes (their `path` field and their message text).
 * A path outside the directory is shown by its last segment only.
 */
import * as nodePath from "node:path";
import type { CairnError } from "../core/errors.js";

type ErrorJson = ReturnType<CairnError["toJSON"]>;

export class ClientPaths {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = nodePath.resolve(dir);
  }

  /** A file path as a client may see it. */
  name(path: string): string {
    const relative = nodePath.relative(this.dir, nodePath.resolve(this.dir, path));
    if (relative === "" || relative.startsWith("..") || nodePath.isAbsolute(relative)) return nodePath.basename(path);
    return relative;
  }

  /** A shape with an optional `path` (PoolInfo, a list entry, a report), its path made relative. */
  of<T extends { path?: string | undefined }>(shape: T): T {
    return typeof shape.path === "string" ? { ...shape, path: this.name(shape.path) } : shape;
  }

  /** An error's JSON with its path relative and the directory taken out of its text. */
  error(error: ErrorJson): ErrorJson {
    const out = this.of(error);
    const prefix = `${this.dir}${nodePath.sep}`;
    const scrub = (text: string) => text.split(prefix).join("").split(this.dir).join(".");
    out.message = scrub(out.message);
    if (out.hint !== undefined) out.hint = scrub(out.hint);
    return out;
  }
}
