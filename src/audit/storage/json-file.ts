/** Reading JSON storage files: a parse failure is a Corrupt error naming the file, line and column. */
import * as fs from "node:fs";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";

/** Parsed contents, or `undefined` when the file does not exist. */
export function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") return undefined;
    throw toCairnError(err, { path, what: "cannot read file" });
  }
  return parseJsonText(text, path);
}

export function parseJsonText(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const reason = (err as Error).message;
    const pos = /position (\d+)/.exec(reason);
    let where = "";
    let offset: number | undefined;
    if (pos) {
      offset = Number(pos[1]);
      const before = text.slice(0, offset);
      const line = before.split("\n").length;
      const column = offset - before.lastIndexOf("\n");
      where = ` at line ${line}, column ${column}`;
    }
    throw new CairnError(ErrorKind.Corrupt, `${path} is not valid JSON${where}: ${reason}`, {
      path,
      ...(offset === undefined ? {} : { offset }),
      hint: "fix or move the file aside; Cairn never overwrites a file it cannot parse",
    });
  }
}

export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
