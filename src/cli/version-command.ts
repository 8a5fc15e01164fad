/** `cairn version`: `cairn 0.1.0` on a terminal, `{"version":"0.1.0"}` as JSON (`-V` prints the bare number). */
import { VERSION } from "../version.js";
import { printJson, printLine } from "./shared/output.js";
import { wantsJson } from "./shared/output-mode.js";

export function runVersion(options: { json?: boolean }): void {
  if (wantsJson(options)) printJson({ version: VERSION });
  else printLine(`cairn ${VERSION}`);
}
