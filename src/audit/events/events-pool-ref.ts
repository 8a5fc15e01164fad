/**
 * Where the events go: `storage.events_pool` in config.yaml names any pool the api can
 * open. Unset (or null), it is `.phaser/events.cairn`. A URL (`http://HOST:PORT/POOL`) and
 * an absolute path are used as they are; a relative path or a bare name resolves inside the
 * storage directory (`events` → `.phaser/events.cairn`, `pools/a.cairn` →
 * `.phaser/pools/a.cairn`), so every command of a project agrees whatever its cwd.
 */
import * as nodePath from "node:path";
import { isRemoteRef, resolvePoolRef } from "../../api/pool-ref.js";
import { CairnError, ErrorKind } from "../../core/errors.js";

export const EVENTS_POOL_FILE = "events.cairn";
export const EVENTS_POOL_KEY = "storage.events_pool";

/** The configured value as a ref the api's Client opens (an absolute path or a URL). */
export function eventsPoolRef(setting: unknown, root: string): string {
  if (setting === undefined || setting === null) return nodePath.join(root, EVENTS_POOL_FILE);
  if (typeof setting !== "string" || setting.trim() === "")
    throw invalid(setting, "a pool URL, an absolute path, or a name or path inside .phaser/");
  const ref = setting.trim();
  try {
    // URLs (and unsupported schemes, refused there) go to the api as they are.
    const asGiven = isRemoteRef(ref) || /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(ref) || !ref.includes("/");
    const r = resolvePoolRef(asGiven ? ref : nodePath.resolve(root, ref), root);
    return r.kind === "remote" ? ref : r.path;
  } catch (err) {
    throw invalid(ref, err instanceof CairnError ? err.message : String(err));
  }
}

/** True when the events go to the default local file (where events.json is imported). */
export function isDefaultEventsPool(setting: unknown): boolean {
  return setting === undefined || setting === null;
}

function invalid(value: unknown, why: string): CairnError {
  return new CairnError(ErrorKind.Usage, `${EVENTS_POOL_KEY} ${JSON.stringify(value)} is not a usable pool: ${why}`, {
    hint: "e.g. http://127.0.0.1:9700/audit-events, /var/pools/events.cairn, or events (in .phaser/); null for the default",
  });
}
