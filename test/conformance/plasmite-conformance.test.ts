/**
 * Runs the five Plasmite conformance manifests (../shared/interop/plasmite-conformance)
 * against the `cairn` CLI, one test per step, in order, each manifest in a fresh directory.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { sharedDir, tempDir } from "../helpers/tmp.js";
import { type Manifest, ManifestRunner } from "./manifest-runner.js";

const manifestDir = path.join(sharedDir, "interop", "plasmite-conformance");
const manifestFiles = fs.existsSync(manifestDir)
  ? fs
      .readdirSync(manifestDir)
      .filter((f) => f.endsWith(".json"))
      .sort()
  : [];

describe("Plasmite conformance manifests through the cairn CLI", {
  skip: manifestFiles.length === 0 ? "manifests not found" : false,
}, () => {
  it("finds the five manifests", () => {
    if (manifestFiles.length !== 5) throw new Error(`expected 5 manifests, found ${manifestFiles.join(", ")}`);
  });
  for (const file of manifestFiles) {
    const manifest = JSON.parse(fs.readFileSync(path.join(manifestDir, file), "utf8")) as Manifest;
    describe(`${file} (${manifest.name})`, () => {
      const workdir = path.join(tempDir("cairn-conformance-"), manifest.workdir ?? "work");
      fs.mkdirSync(workdir, { recursive: true });
      const runner = new ManifestRunner(manifest.name, workdir);
      manifest.steps.forEach((step, index) => {
        it(`step ${index} ${step.op}${step.id ? ` (${step.id})` : ""}`, { timeout: 60_000 }, async () => {
          await runner.run(step);
        });
      });
    });
  }
});
