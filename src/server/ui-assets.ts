/**
 * The web UI's static files (the package's `ui/` folder: plain HTML, CSS and ES modules,
 * no CDN), read once at start-up into memory. Only files found there are served, looked
 * up by exact path, so a request can never name anything outside the folder.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import type * as http from "node:http";
import * as nodePath from "node:path";
import { fileURLToPath } from "node:url";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".ico": "image/x-icon",
};

/** Locked down: the UI loads nothing but its own files and talks only to this server. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** The `ui/` folder of the package: three levels above dist/src/server. */
export function defaultUiDir(): string {
  const here = nodePath.dirname(fileURLToPath(import.meta.url));
  return nodePath.resolve(here, "..", "..", "..", "ui");
}

export class UiAssets {
  private readonly assets = new Map<string, Asset>();

  constructor(readonly dir: string) {
    if (fs.existsSync(dir)) this.load(dir, "");
  }

  get count(): number {
    return this.assets.size;
  }

  private load(dir: string, prefix: string): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const full = nodePath.join(dir, entry.name);
      const rel = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) this.load(full, rel);
      else if (entry.isFile()) {
        const type = CONTENT_TYPES[nodePath.extname(entry.name)];
        if (!type) continue;
        const body = fs.readFileSync(full);
        const etag = `"${crypto.createHash("sha1").update(body).digest("base64url")}"`;
        this.assets.set(rel, { body, type, etag });
      }
    }
  }

  /** Serves `/ui…`; returns false when there is no such asset. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    let rel = pathname.slice("/ui".length);
    if (rel === "" || rel === "/") rel = "/index.html";
    const asset = this.assets.get(rel);
    if (!asset) return false;
    const headers: Record<string, string | number> = {
      "content-type": asset.type,
      etag: asset.etag,
      "cache-control": "no-cache",
      "content-security-policy": CONTENT_SECURITY_POLICY,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    if (req.headers["if-none-match"] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    res.writeHead(200, { ...headers, "content-length": asset.body.length });
    res.end(req.method === "HEAD" ? undefined : asset.body);
    return true;
  }
}
