/**
 * Manifest files: written as YAML (Phaser's form, sorted keys) for `.yaml`/`.yml` paths and
 * as JSON otherwise; read from either. A malformed file is a Corrupt error naming it.
 */
import * as fs from "node:fs";
import { parseDocument, stringify } from "yaml";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { writeFileAtomic } from "../storage/atomic-file.js";
import type { Manifest } from "./manifest.js";

export function writeManifestFile(path: string, manifest: Manifest): void {
  const text = /\.ya?ml$/i.test(path)
    ? stringify(manifest, { sortMapEntries: true, lineWidth: 0 })
    : `${JSON.stringify(manifest, null, 2)}\n`;
  writeFileAtomic(path, text);
}

export function readManifestFile(path: string): Manifest {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    throw toCairnError(err, { path, what: "cannot read manifest" });
  }
  const doc = parseDocument(text);
  const first = doc.errors[0];
  if (first)
    throw new CairnError(ErrorKind.Corrupt, `${path} is not a valid manifest: ${first.message.split("\n")[0]}`, {
      path,
    });
  const value = doc.toJS() as Partial<Manifest> | null;
  if (!value || typeof value !== "object" || !Array.isArray(value.files))
    throw new CairnError(ErrorKind.Corrupt, `${path} is not a manifest (no "files" list)`, { path });
  for (const [i, f] of value.files.entries()) {
    if (!f || typeof f.path !== "string" || typeof f.sha256 !== "string")
      throw new CairnError(ErrorKind.Corrupt, `${path}: file entry #${i + 1} needs "path" and "sha256"`, { path });
  }
  return value as Manifest;
}
