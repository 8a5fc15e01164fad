/**
 * config.yaml: Phaser's defaults deep-merged with the user's file. setConfig edits the
 * YAML document in place (yaml's Document API), so the user's comments and ordering
 * survive; a file that is not valid YAML is a Corrupt error naming file and line.
 */
import * as fs from "node:fs";
import * as nodePath from "node:path";
import { Document, isMap, parseDocument } from "yaml";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { EVENTS_POOL_KEY, eventsPoolRef } from "../events/events-pool-ref.js";
import { withStorageLock, writeFileAtomic } from "./atomic-file.js";
import { withPhaserLock } from "./phaser-lock.js";
import { isNumericSetting, requireNumericSetting } from "./numeric-settings.js";

export type ConfigValue = string | number | boolean | null | ConfigValue[] | { [key: string]: ConfigValue };
export type Config = { [key: string]: ConfigValue };

/** The spec's defaults, plus Cairn's audit-runner settings under `audit`. */
export function defaultConfig(): Config {
  return {
    version: 1,
    storage: { location: "global", max_events: 10000, retention_days: 90 },
    features: { diffs: true, contracts: true, simulation: true, branches: true },
    display: { verbose: false, color: "auto" },
    audit: { verify_timeout_seconds: 300, max_attempts: 3, test_command: null, stale_days: 7 },
    diff: { content_max_bytes: 100000, exclude: [".git", "node_modules", "__pycache__", ".venv", "venv", ".phaser"] },
  };
}

function isPlainObject(value: unknown): value is Record<string, ConfigValue> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function deepMerge(base: Config, over: Record<string, unknown>): Config {
  const out: Config = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : (value as ConfigValue);
  }
  return out;
}

const KEY_PART = /^[A-Za-z0-9_-]+$/;

function splitKey(key: string): string[] {
  const parts = key.split(".");
  if (key.length === 0 || !parts.every((p) => KEY_PART.test(p)))
    throw new CairnError(ErrorKind.Usage, `invalid config key "${key}"`, {
      hint: "use a dot path such as storage.max_events",
    });
  return parts;
}

export class ConfigStore {
  readonly path: string;

  constructor(private readonly root: string) {
    this.path = nodePath.join(root, "config.yaml");
  }

  private readDocument(): Document | null {
    let text: string;
    try {
      text = fs.readFileSync(this.path, "utf8");
    } catch (err) {
      if ((err as { code?: string }).code === "ENOENT") return null;
      throw toCairnError(err, { path: this.path, what: "cannot read config" });
    }
    const doc = parseDocument(text);
    const first = doc.errors[0];
    if (first) {
      const line = first.linePos?.[0]?.line;
      throw new CairnError(
        ErrorKind.Corrupt,
        `${this.path} is not valid YAML${line ? ` (line ${line})` : ""}: ${first.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}`,
        { path: this.path, hint: "fix the file, or run `cairn config reset` to restore the defaults" },
      );
    }
    let contents: unknown;
    try {
      contents = doc.toJS();
      JSON.stringify(contents);
    } catch {
      throw new CairnError(ErrorKind.Corrupt, `${this.path} cannot be read as settings (a recursive alias?)`, {
        path: this.path,
        hint: "fix the file, or run `cairn config reset` to restore the defaults",
      });
    }
    if (contents !== null && contents !== undefined && !isPlainObject(contents))
      throw new CairnError(ErrorKind.Corrupt, `${this.path} must hold a mapping at the top level`, { path: this.path });
    return doc;
  }

  /** The merged settings, as written (numbers are checked where they are used: `numberSetting`). */
  get(): Config {
    const doc = this.readDocument();
    const user = (doc?.toJS() ?? {}) as Record<string, unknown>;
    return deepMerge(defaultConfig(), user);
  }

  /** The value at a dot path (merged with defaults); undefined when absent. */
  getValue(key: string): ConfigValue | undefined {
    let node: ConfigValue | undefined = this.get();
    for (const part of splitKey(key)) {
      if (!isPlainObject(node)) return undefined;
      node = node[part];
    }
    return node;
  }

  set(key: string, value: ConfigValue): void {
    const parts = splitKey(key);
    if (isNumericSetting(key)) requireNumericSetting(key, value);
    withStorageLock(this.root, () => withPhaserLock(this.path, () => this.setLocked(parts, key, value)));
  }

  /** Call holding both locks. */
  private setLocked(parts: string[], key: string, value: ConfigValue): void {
    const doc = this.readDocument() ?? new Document(defaultConfig());
    if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as typeof doc.contents;
    for (let n = 1; n < parts.length; n++) {
      const section = doc.getIn(parts.slice(0, n), true);
      if (section !== undefined && !isMap(section))
        throw new CairnError(
          ErrorKind.Usage,
          `cannot set ${key}: ${parts.slice(0, n).join(".")} holds a value, not a section`,
          {
            path: this.path,
            hint: `set ${parts.slice(0, n).join(".")} itself, or fix config.yaml (\`cairn config reset\` restores the defaults)`,
          },
        );
    }
    doc.setIn(parts, value);
    writeFileAtomic(this.path, doc.toString());
  }

  reset(): void {
    withStorageLock(this.root, () =>
      withPhaserLock(this.path, () => writeFileAtomic(this.path, new Document(defaultConfig()).toString())),
    );
  }
}

/** Keys that hold a command line: taken as typed, never read as YAML (`[ -f x ] && make`). */
const COMMAND_KEYS = new Set(["audit.test_command"]);

/**
 * Parses a CLI value: YAML scalars (`5000`, `true`, `null`, `[a, b]`) or plain text. With a
 * key, a value must fit its default: numbers stay positive numbers, switches booleans.
 */
export function parseConfigValue(text: string, key?: string): ConfigValue {
  if (key !== undefined && COMMAND_KEYS.has(key)) return text.trim() === "" || text === "null" ? null : text;
  if (key === EVENTS_POOL_KEY) {
    // A pool ref as typed (a URL is not YAML's business); null or empty: the default pool.
    if (text.trim() === "" || text.trim() === "null") return null;
    eventsPoolRef(text, nodePath.sep); // Usage when it is no pool the api could open
    return text.trim();
  }
  const doc = parseDocument(text);
  const value = doc.errors.length > 0 ? text : (doc.toJS() as ConfigValue);
  if (key !== undefined) requireDefaultType(key, value);
  return value;
}

function requireDefaultType(key: string, value: ConfigValue): void {
  if (isNumericSetting(key)) {
    requireNumericSetting(key, value);
    return;
  }
  let expected: ConfigValue | undefined = defaultConfig();
  for (const part of splitKey(key)) expected = isPlainObject(expected) ? expected[part] : undefined;
  const fits =
    typeof expected === "number"
      ? typeof value === "number" && Number.isFinite(value) && value > 0
      : typeof expected !== "boolean" || typeof value === "boolean";
  if (!fits)
    throw new CairnError(
      ErrorKind.Usage,
      `${key} takes ${typeof expected === "number" ? "a positive number" : "true or false"}, not ${JSON.stringify(value)}`,
    );
}

/** A numeric setting: absent is `fallback`; present, it must be within its bounds (Usage otherwise). */
export function numberSetting(config: Config, section: string, key: string, fallback: number): number {
  const group = config[section];
  const value = isPlainObject(group) ? group[key] : undefined;
  if (value === undefined || value === null) return fallback;
  const dotted = `${section}.${key}`;
  if (isNumericSetting(dotted)) return requireNumericSetting(dotted, value, "config.yaml");
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
