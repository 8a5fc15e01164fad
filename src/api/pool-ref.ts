/**
 * Pool references: a bare name lives in the pool directory (`DIR/NAME.cairn`, or an
 * existing `DIR/NAME.plasmite`), anything with a `/` is a path, and `http(s)://` or
 * `nats://` is a remote pool. Names are checked so that no ref escapes its directory.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as nodePath from "node:path";
import { CairnError, ErrorKind } from "../core/errors.js";
import { poolNameFromPath } from "../core/stats.js";

export const POOL_EXTENSION = ".cairn";
export const PLASMITE_EXTENSION = ".plasmite";
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

export function isRemoteRef(ref: string): boolean {
  return /^(https?|nats):\/\//i.test(ref);
}

export function resolvePoolRef(ref: string, dir: string): PoolRef {
  if (typeof ref !== "string" || ref.length === 0) throw new CairnError(ErrorKind.Usage, "a pool name is required");
  if (ref.includes("\0")) throw new CairnError(ErrorKind.Usage, "pool reference contains a NUL byte");
  if (isRemoteRef(ref)) {
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
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref);
  if (scheme) {
    throw new CairnError(ErrorKind.Usage, `unsupported pool URL scheme "${scheme[1]}://"`, {
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
