/**
 * `feed --tags-from PATH`: a jq path (`.tags`, `.meta.labels`, `.["my-tags"]`, `.list[0]`)
 * read from each input record, whose string or array of strings are that message's tags.
 * Only paths, not full jq: it runs once per record on feed's hot path, where starting jq
 * (WebAssembly, ~2.7 ms a run) would cost more than the append. A missing value or null
 * adds no tag; any other value makes the record a bad record, which --errors handles.
 */
import { CairnError, ErrorKind } from "../../../core/errors.js";

type Step = string | number;
export type TagsResult = { ok: true; tags: string[] } | { ok: false; message: string };
export type TagsPath = (value: unknown) => TagsResult;

const STEP = /^(?:\.([A-Za-z_][A-Za-z0-9_]*)|\.?\[\s*("(?:[^"\\]|\\.)*")\s*\]|\.?\[\s*(\d+)\s*\])/;

function parseSteps(path: string): Step[] {
  const text = path.trim();
  const notAPath = () =>
    new CairnError(ErrorKind.Usage, `--tags-from ${JSON.stringify(path)} is not a jq path`, {
      hint: 'give a path such as .tags, .meta.labels, .["my-tags"] or .list[0]',
    });
  if (text === ".") return [];
  if (!text.startsWith(".")) throw notAPath();
  const steps: Step[] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = STEP.exec(rest);
    if (!m) throw notAPath();
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(JSON.parse(m[2]) as string);
    else steps.push(Number(m[3]));
    rest = rest.slice(m[0].length);
  }
  return steps;
}

/** Compiles PATH once (Usage when it is not a path); the result reads one record's tags. */
export function compileTagsPath(path: string): TagsPath {
  const steps = parseSteps(path);
  const shown = path.trim();
  return (value) => {
    let at: unknown = value;
    for (const step of steps) {
      if (at === null || typeof at !== "object") return { ok: true, tags: [] };
      at = (at as Record<string | number, unknown>)[step];
    }
    if (at === undefined || at === null) return { ok: true, tags: [] };
    if (typeof at === "string") return { ok: true, tags: [at] };
    if (Array.isArray(at) && at.every((t) => typeof t === "string")) return { ok: true, tags: at as string[] };
    const what = Array.isArray(at) ? "an array with a value that is not a string" : `a ${typeof at}`;
    return { ok: false, message: `--tags-from ${shown} is ${what}, not a string or an array of strings` };
  };
}

/** The --tag tags, then the record's own, each once. */
export function mergeTags(fixed: readonly string[], fromRecord: readonly string[]): string[] {
  if (fromRecord.length === 0) return [...fixed];
  return [...new Set([...fixed, ...fromRecord])];
}
