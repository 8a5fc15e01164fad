/**
 * Manifests: a snapshot of a directory tree in Phaser's format
 * `{root, timestamp, file_count, total_size_bytes, files[{path, type, size, sha256, content, is_executable}]}`.
 *
 * Unlike Phaser: excludes match whole path components (or a glob against one component),
 * .gitignore files are honoured, contents are stored only for text files at or below a
 * size cap, and large files are hashed as a stream. Binary: a known extension, a NUL in
 * the first 8 KiB, or invalid UTF-8.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { type IgnoreRule, globToRegexSource, isIgnored, parseGitignore } from "./gitignore.js";
import { formatTimestamp } from "../events/timestamps.js";

export interface ManifestEntry {
  path: string;
  type: "text" | "binary";
  size: number;
  sha256: string;
  content: string | null;
  is_executable: boolean;
}

export interface Manifest {
  root: string;
  timestamp: string;
  file_count: number;
  total_size_bytes: number;
  files: ManifestEntry[];
}

export interface CaptureOptions {
  /** Path components (or one-component globs such as `*.pyc`) to leave out. */
  exclude?: readonly string[];
  gitignore?: boolean;
  /** Absolute paths (files or directories) to leave out, e.g. the storage directory. */
  excludePaths?: readonly string[];
  /** Files left out by identity (device and inode): the running command's own output files. */
  excludeFiles?: readonly FileIdentity[];
  /** Text contents above this size are not stored (hash and size still are). */
  contentMaxBytes?: number;
  /** Called every 200 files and once at the end with `done` set. */
  onProgress?: (filesScanned: number, done: boolean) => void;
}

export interface FileIdentity {
  dev: number;
  ino: number;
}

export const DEFAULT_EXCLUDES = [".git", "node_modules", "__pycache__", ".venv", "venv", ".phaser"];
export const CONTENT_MAX_BYTES_DEFAULT = 100_000;
const SNIFF_BYTES = 8192;
const BINARY_EXTENSIONS = new Set(
  (
    "png jpg jpeg gif bmp ico webp tiff psd pdf zip gz tgz bz2 xz 7z rar tar exe dll so dylib o a lib obj class jar " +
    "war pyc pyo pyd whl egg woff woff2 ttf otf eot mp3 mp4 m4a wav avi mov mkv webm flac ogg sqlite sqlite3 db bin dat " +
    "iso dmg img wasm node"
  ).split(" "),
);

function componentMatcher(patterns: readonly string[]): (name: string) => boolean {
  const exact = new Set(patterns.filter((p) => !/[*?[]/.test(p)));
  const globs = patterns.filter((p) => /[*?[]/.test(p)).map((p) => new RegExp(`^${globToRegexSource(p)}$`));
  return (name) => exact.has(name) || globs.some((g) => g.test(name));
}

export async function captureManifest(dir: string, options: CaptureOptions = {}): Promise<Manifest> {
  const root = nodePath.resolve(dir);
  const excluded = componentMatcher(options.exclude ?? DEFAULT_EXCLUDES);
  const useGitignore = options.gitignore ?? true;
  const contentMax = options.contentMaxBytes ?? CONTENT_MAX_BYTES_DEFAULT;
  const skipRel = new Set(
    (options.excludePaths ?? [])
      .map((p) => nodePath.relative(root, nodePath.resolve(p)).split(nodePath.sep).join("/"))
      .filter((rel) => rel !== "" && !rel.startsWith("..") && !nodePath.isAbsolute(rel)),
  );
  requireDirectory(root);
  const files: ManifestEntry[] = [];
  let scanned = 0;
  const walk = async (rel: string, rules: IgnoreRule[]): Promise<void> => {
    const abs = rel === "" ? root : nodePath.join(root, rel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch (err) {
      if (rel !== "" && vanished(err)) return;
      throw toCairnError(err, { path: abs, what: "cannot read directory" });
    }
    let dirRules = rules;
    if (useGitignore && entries.some((e) => e.name === ".gitignore" && e.isFile())) {
      dirRules = [...rules, ...parseGitignore(readGitignore(nodePath.join(abs, ".gitignore")), rel)];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (excluded(entry.name)) continue;
      const childRel = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (skipRel.has(childRel)) continue;
      if (entry.isDirectory()) {
        if (!isIgnored(dirRules, childRel, true)) await walk(childRel, dirRules);
      } else if (entry.isFile()) {
        if (isIgnored(dirRules, childRel, false)) continue;
        const file = await describeFile(root, childRel, contentMax, options.excludeFiles ?? []);
        if (file === null) continue;
        files.push(file);
        scanned++;
        if (options.onProgress && scanned % 200 === 0) options.onProgress(scanned, false);
      }
      // Symlinks and special files are not followed: a manifest describes regular files.
    }
  };
  await walk("", useGitignore ? ancestorRules(root) : []);
  options.onProgress?.(scanned, true);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    root,
    timestamp: formatTimestamp(),
    file_count: files.length,
    total_size_bytes: files.reduce((sum, f) => sum + f.size, 0),
    files,
  };
}

/** A scan root that is not a directory is a Usage error (not NotFound ENOTDIR). */
function requireDirectory(root: string): void {
  let isDirectory: boolean;
  try {
    isDirectory = fs.statSync(root).isDirectory();
  } catch (err) {
    throw toCairnError(err, { path: root, what: "cannot read directory" });
  }
  if (!isDirectory) throw new CairnError(ErrorKind.Usage, `${root} is not a directory`, { path: root });
}

/**
 * The rules of the .gitignore files above `root` in its git work tree (from the top level
 * down, then `.git/info/exclude`), as git applies them to a subdirectory. Outside a work tree
 * there are none: only the scan's own .gitignore files count.
 */
function ancestorRules(root: string): IgnoreRule[] {
  const above: string[] = [];
  let top: string | null = null;
  for (let dir = root; ; ) {
    if (fs.existsSync(nodePath.join(dir, ".git"))) {
      top = dir;
      break;
    }
    const parent = nodePath.dirname(dir);
    if (parent === dir) break;
    above.unshift(parent);
    dir = parent;
  }
  if (top === null) return [];
  const rel = (dir: string) => nodePath.relative(dir, root).split(nodePath.sep).join("/");
  const rules: IgnoreRule[] = [];
  const exclude = nodePath.join(top, ".git", "info", "exclude");
  if (fs.existsSync(exclude) && fs.statSync(exclude).isFile())
    rules.push(...parseGitignore(readGitignore(exclude), "", rel(top)));
  for (const dir of above.filter((d) => d === top || d.startsWith(`${top}${nodePath.sep}`))) {
    const file = nodePath.join(dir, ".gitignore");
    if (fs.existsSync(file) && fs.statSync(file).isFile())
      rules.push(...parseGitignore(readGitignore(file), "", rel(dir)));
  }
  return rules;
}

function readGitignore(path: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (err) {
    if (vanished(err)) return "";
    throw toCairnError(err, { path, what: "cannot read .gitignore" });
  }
}

/** A file or directory deleted between listing and reading (an editor's swap file, a build). */
function vanished(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

/** The entry for one file; null when it vanished during the scan or is left out by identity. */
async function describeFile(
  root: string,
  rel: string,
  contentMax: number,
  excludeFiles: readonly FileIdentity[],
): Promise<ManifestEntry | null> {
  const abs = nodePath.join(root, rel);
  try {
    const stat = fs.statSync(abs);
    if (excludeFiles.some((f) => f.dev === stat.dev && f.ino === stat.ino)) return null;
    const extension = nodePath.extname(rel).slice(1).toLowerCase();
    const knownBinary = BINARY_EXTENSIONS.has(extension);
    const is_executable = (stat.mode & 0o111) !== 0;
    if (stat.size <= contentMax) {
      const bytes = fs.readFileSync(abs);
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const text = knownBinary ? null : decodeText(bytes, true);
      return {
        path: rel,
        type: text === null ? "binary" : "text",
        size: bytes.length,
        sha256,
        content: text,
        is_executable,
      };
    }
    const { sha256, sniff, size, utf8Valid } = await hashStream(abs);
    const binary = knownBinary || sniff.subarray(0, SNIFF_BYTES).includes(0) || !utf8Valid;
    return { path: rel, type: binary ? "binary" : "text", size, sha256, content: null, is_executable };
  } catch (err) {
    if (vanished(err)) return null;
    throw toCairnError(err, { path: abs, what: "cannot read file" });
  }
}

/** The text of `bytes`, or null when binary (NUL in the first 8 KiB, or invalid UTF-8). */
export function decodeText(bytes: Buffer, _whole: boolean): string | null {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return null;
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hashStream(path: string): Promise<{ sha256: string; sniff: Buffer; size: number; utf8Valid: boolean }> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
    let utf8Valid = true;
    let sniff = Buffer.alloc(0);
    let size = 0;
    const stream = fs.createReadStream(path, { highWaterMark: 1 << 20 });
    stream.on("data", (chunk) => {
      const buf = chunk as Buffer;
      hash.update(buf);
      if (sniff.length < SNIFF_BYTES) sniff = Buffer.concat([sniff, buf.subarray(0, SNIFF_BYTES - sniff.length)]);
      if (utf8Valid) {
        try {
          decoder.decode(buf, { stream: true });
        } catch {
          utf8Valid = false;
        }
      }
      size += buf.length;
    });
    stream.on("error", reject);
    stream.on("end", () => {
      if (utf8Valid) {
        try {
          decoder.decode();
        } catch {
          utf8Valid = false;
        }
      }
      resolve({ sha256: hash.digest("hex"), sniff, size, utf8Valid });
    });
  });
}
