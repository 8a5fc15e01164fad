/** `cairn config get|set|reset` on `.phaser/config.yaml`. */
import { parseConfigValue } from "../../audit/storage/config.js";
import { PhaserStorage } from "../../audit/storage/storage.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { printJson, printLine as out, printText } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";
import { stringify } from "yaml";

export async function runConfigGet(key: string | undefined, options: { json?: boolean }): Promise<void> {
  const storage = new PhaserStorage();
  const value = key ? storage.config.getValue(key) : storage.getConfig();
  if (value === undefined) throw new CairnError(ErrorKind.NotFound, `no config key "${key}"`);
  if (wantsJson(options)) printJson(value);
  else if (value !== null && typeof value === "object") printText(stringify(value));
  else out(String(value));
}

export async function runConfigSet(key: string, value: string, options: { json?: boolean }): Promise<void> {
  const storage = new PhaserStorage();
  const parsed = parseConfigValue(value, key);
  storage.setConfig(key, parsed);
  if (wantsJson(options)) printJson({ key, value: parsed, path: storage.config.path });
  else out(`${key} = ${JSON.stringify(parsed)}`);
}

export async function runConfigReset(options: { json?: boolean }): Promise<void> {
  const storage = new PhaserStorage();
  storage.resetConfig();
  if (wantsJson(options)) printJson({ reset: true, path: storage.config.path });
  else out(`config reset to defaults (${storage.config.path})`);
}
