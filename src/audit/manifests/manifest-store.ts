/**
 * Manifests an audit keeps in `.phaser/manifests/<audit id>/`: pre, per-phase pre and post,
 * `recorded` (the last one whose changes became file events), post.
 */
import * as fs from "node:fs";
import { toCairnError } from "../../core/errors.js";
import type { AuditContext } from "../run/audit-context.js";
import { type Manifest, captureManifest } from "./manifest.js";
import { readManifestFile, writeManifestFile } from "./manifest-file.js";

function manifestPath(ctx: AuditContext, auditId: string, name: string): string {
  return ctx.storage.getPath(`manifests/${auditId}/${name}.json`);
}

export async function captureAndStore(ctx: AuditContext, auditId: string, name: string): Promise<Manifest> {
  const manifest = await captureManifest(ctx.projectDir, ctx.captureOptions);
  storeManifest(ctx, auditId, name, manifest);
  return manifest;
}

export function storeManifest(ctx: AuditContext, auditId: string, name: string, manifest: Manifest): void {
  const path = manifestPath(ctx, auditId, name);
  try {
    fs.mkdirSync(ctx.storage.getPath(`manifests/${auditId}`), { recursive: true });
  } catch (err) {
    throw toCairnError(err, { what: "cannot create manifest directory" });
  }
  writeManifestFile(path, manifest);
}

export function loadStored(ctx: AuditContext, auditId: string, name: string): Manifest | null {
  const path = manifestPath(ctx, auditId, name);
  return fs.existsSync(path) ? readManifestFile(path) : null;
}
