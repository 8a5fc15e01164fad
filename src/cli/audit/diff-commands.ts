/** `cairn manifest [DIR]`, `cairn diff capture DIR -o FILE`, `cairn diff compare BEFORE AFTER`. */
import { numberSetting } from "../../audit/storage/config.js";
import { type CaptureOptions, DEFAULT_EXCLUDES, captureManifest } from "../../audit/manifests/manifest.js";
import { compareManifests, diffToJson, formatDetailed, formatSummary } from "../../audit/manifests/manifest-compare.js";
import { readManifestFile, writeManifestFile } from "../../audit/manifests/manifest-file.js";
import { PhaserStorage } from "../../audit/storage/storage.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { notice, printJson, printLine as out } from "../shared/output.js";
import { ttyProgress } from "./cli-helpers.js";
import { wantsJson } from "../shared/output-mode.js";
import { plural } from "../shared/plural.js";

interface CaptureFlags {
  json?: boolean;
  exclude?: string[];
  gitignore?: boolean;
  contentMaxBytes?: string;
}

function captureOptions(options: CaptureFlags, onProgress: (n: number) => void): CaptureOptions {
  let contentMaxBytes: number;
  if (options.contentMaxBytes !== undefined) {
    contentMaxBytes = Number(options.contentMaxBytes);
    if (!Number.isInteger(contentMaxBytes) || contentMaxBytes < 0)
      throw new CairnError(ErrorKind.Usage, `--content-max-bytes expects a non-negative integer`);
  } else {
    let config: ReturnType<PhaserStorage["getConfig"]> | null = null;
    try {
      config = new PhaserStorage().getConfig();
    } catch {
      config = null; // a manifest needs no storage; a broken config only loses the custom cap
    }
    contentMaxBytes = config ? numberSetting(config, "diff", "content_max_bytes", 100_000) : 100_000;
  }
  return {
    exclude: [...DEFAULT_EXCLUDES, ...(options.exclude ?? [])],
    gitignore: options.gitignore !== false,
    contentMaxBytes,
    onProgress,
  };
}

async function capture(dir: string, options: CaptureFlags) {
  const progress = ttyProgress("scanning");
  try {
    return await captureManifest(dir, captureOptions(options, progress.update));
  } finally {
    progress.done();
  }
}

export async function runManifest(dir: string | undefined, options: CaptureFlags): Promise<void> {
  const manifest = await capture(dir ?? ".", options);
  if (wantsJson(options)) printJson(manifest);
  else {
    for (const f of manifest.files)
      out(
        `${f.sha256.slice(0, 12)}  ${String(f.size).padStart(9)}  ${f.type === "binary" ? "bin " : "text"}  ${f.path}`,
      );
    out(`${plural(manifest.file_count, "file")}, ${plural(manifest.total_size_bytes, "byte")} in ${manifest.root}`);
  }
}

export async function runDiffCapture(dir: string, options: CaptureFlags & { output: string }): Promise<void> {
  const manifest = await capture(dir, options);
  writeManifestFile(options.output, manifest);
  notice("captured", `${plural(manifest.file_count, "file")} to ${options.output}`, {
    file_count: manifest.file_count,
    path: options.output,
  });
}

export async function runDiffCompare(
  before: string,
  after: string,
  options: { format?: string; json?: boolean },
): Promise<void> {
  // Pretty on a terminal, JSON when piped, unless --format (or --json) says otherwise.
  const format = options.format ?? (wantsJson(options) ? "json" : "summary");
  const diff = compareManifests(readManifestFile(before), readManifestFile(after));
  if (format === "json") printJson(diffToJson(diff));
  else if (format === "detailed") out(formatDetailed(diff));
  else out(formatSummary(diff));
}
