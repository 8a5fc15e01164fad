/**
 * The backends, keyed by how a ref looks: refs without a URL scheme (names, paths) go to
 * the local file backend; `http(s)://` to the HTTP backend, loaded on first use so that
 * local commands never load the network stack. A scheme with no backend is Usage, with
 * `nats://` named as not supported yet (JetStream is planned). `registerBackend` lets a
 * library user plug in a backend for another scheme.
 */
import { CairnError, ErrorKind } from "../../core/errors.js";
import { schemeOf } from "../pool-ref.js";
import type { Backend } from "./backend.js";
import { localBackend } from "./local/local-backend.js";

const loaded = new Map<string, Backend>();

const loaders: Record<string, () => Promise<Backend>> = {
  http: async () => (await import("./http/http-backend.js")).httpBackend,
  https: async () => (await import("./http/http-backend.js")).httpBackend,
};

/** Schemes that will have a backend but do not yet. */
const PLANNED = new Set(["nats"]);

export function registerBackend(scheme: string, backend: Backend): void {
  loaded.set(scheme.toLowerCase(), backend);
}

async function backendForScheme(scheme: string): Promise<Backend> {
  let backend = loaded.get(scheme);
  const load = loaders[scheme];
  if (!backend && load) {
    backend = await load();
    loaded.set(scheme, backend);
  }
  if (backend) return backend;
  if (PLANNED.has(scheme)) {
    throw new CairnError(ErrorKind.Usage, `${scheme}:// pools are not supported yet`, {
      hint: "use a name, a path, or an http(s):// URL",
    });
  }
  throw new CairnError(ErrorKind.Usage, `unsupported pool URL scheme "${scheme}://"`, {
    hint: "use a name, a path, or an http(s):// URL",
  });
}

/** The backend for a ref as given (a name, a path, a URL), or for a list location. */
export async function backendForText(ref: string): Promise<Backend> {
  const scheme = schemeOf(ref);
  return scheme === null ? localBackend : backendForScheme(scheme);
}
