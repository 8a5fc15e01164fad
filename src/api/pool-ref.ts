/**
 * Pool references: a bare name lives in the pool directory (`DIR/NAME.cairn`, or an
 * existing `DIR/NAME.plasmite`), anything with a `/` is a path, and `http(s)://` or
 * `nats://` is a remote pool. Names are checked so that no ref escapes its directory.
 * Parsing only: which backend serves a ref is the registry's business (backends/registry.ts).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../core/errors.js";
import { PLASMITE_EXTENSION } from "../core/layout.js";
import { poolNameFromPath } from "../core/stats.js";

export const POOL_EXTENSION = ".cairn";
export { PLASMITE_EXTENSION };
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export type PoolRef =
  | { kind: "local"; ref: string; name: string; path: string }
  | { kind: "remote"; ref: string; name: string; url: URL };

export function defaultPoolDir(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.CAIRN_DIR;
  if (fromEnv && fromEnv.length > 0) return nodePath.resolve(fromEnv);
  return nodePath.join(os.homedir(), ".cairn", "pools");
}

export function validatePoolName(name: string): void {
  if (!NAME.test(name) || name.includes("..")) {
    throw new CairnError(ErrorKind.Usage, `invalid pool name "${name}"`, {
      hint: "use letters, digits, '.', '_' and '-' (up to 128, starting with a letter or digit), or give a path",
    });
  }
}

/** The ref's URL scheme in lower case (`http`, `nats`…), or null for a name or a path. */
export function schemeOf(ref: string): string | null {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref);
  return m ? (m[1] as string).toLowerCase() : null;
}

/** Whether a ref names a pool elsewhere (a URL of a remote backend) rather than a local file. */
export function isRemoteRef(ref: string): boolean {
  return /^(https?|nats):\/\//i.test(ref);
}

/** Checks a ref's common form: a non-empty string without NUL. */
function checkRefText(ref: string): void {
  if (typeof ref !== "string" || ref.length === 0) throw new CairnError(ErrorKind.Usage, "a pool name is required");
  if (ref.includes("\0")) throw new CairnError(ErrorKind.Usage, "pool reference contains a NUL byte");
}

/** A remote ref `scheme://host:port/NAME`: the pool name is the URL's path. */
export function resolveUrlRef(ref: string): PoolRef {
  checkRefText(ref);
  let url: URL;
  try {
    url = new URL(ref);
  } catch {
    throw new CairnError(ErrorKind.Usage, `invalid pool URL "${ref}"`);
  }
  const name = decodeURIComponent(url.pathname.replace(/^\/+|\/+$/g, ""));
  validatePoolName(name);
  return { kind: "remote", ref, name, url };
}

/** A local ref: a path (it has a `/`) or a name in `dir`. */
export function resolveLocalRef(ref: string, dir: string): PoolRef {
  checkRefText(ref);
  const scheme = schemeOf(ref);
  if (scheme !== null) {
    throw new CairnError(ErrorKind.Usage, `unsupported pool URL scheme "${scheme}://"`, {
      hint: "use a name, a path, or an http(s):// URL",
    });
  }
  if (ref.includes("/")) {
    const path = nodePath.resolve(ref);
    return { kind: "local", ref, name: poolNameFromPath(path), path };
  }
  validatePoolName(ref);
  const cairnPath = nodePath.join(
    dir,
    ref.endsWith(POOL_EXTENSION) || ref.endsWith(PLASMITE_EXTENSION) ? ref : `${ref}${POOL_EXTENSION}`,
  );
  const name = poolNameFromPath(ref);
  if (!fs.existsSync(cairnPath) && !ref.endsWith(POOL_EXTENSION)) {
    const plasmitePath = nodePath.join(dir, `${name}${PLASMITE_EXTENSION}`);
    if (fs.existsSync(plasmitePath)) return { kind: "local", ref, name, path: plasmitePath };
  }
  return { kind: "local", ref, name, path: cairnPath };
}

/** Parses any ref (no backend is consulted: a `nats://` ref parses even though it cannot be opened yet). */
export function resolvePoolRef(ref: string, dir: string): PoolRef {
  checkRefText(ref);
  return isRemoteRef(ref) ? resolveUrlRef(ref) : resolveLocalRef(ref, dir);
}
