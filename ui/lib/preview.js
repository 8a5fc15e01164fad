// One-line previews of a message's data for the list. Known shapes read better than their
// JSON: audit events (type, phase, the payload's key fields — not the same 36-character
// audit_id on every line), logs (level and message) and tap lines (stream and text).
// Anything else is compact JSON. Returns { kind, level?, parts: [text…] }.
import { jsonPreview } from "./json-view.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

/** `key=value` for the first few scalar fields, skipping the ones already shown. */
function fields(obj, skip, max = 4) {
  const out = [];
  for (const [key, value] of Object.entries(obj ?? {})) {
    if (skip.includes(key) || out.length >= max) continue;
    const text = isObject(value) || Array.isArray(value) ? jsonPreview(value) : String(value);
    out.push(`${key}=${text.length > 60 ? `${text.slice(0, 59)}…` : text}`);
  }
  return out;
}

const LOG_LEVELS = new Set(["trace", "debug", "info", "notice", "warn", "warning", "error", "fatal", "critical"]);

export function smartPreview(data) {
  if (!isObject(data)) return { kind: "json", parts: [jsonPreview(data)] };
  if (typeof data.type === "string" && "audit_id" in data && "phase" in data) {
    const payload = isObject(data.data) ? data.data : {};
    const phase = data.phase === null || data.phase === undefined ? [] : [`phase ${data.phase}`];
    return { kind: "audit", parts: [data.type, ...phase, ...fields(payload, [])] };
  }
  const message = data.message ?? data.msg;
  if (typeof data.level === "string" && typeof message === "string") {
    const level = data.level.toLowerCase();
    return {
      kind: "log",
      level: LOG_LEVELS.has(level) ? level : "info",
      parts: [data.level.toUpperCase(), message, ...fields(data, ["level", "message", "msg", "time", "ts"], 3)],
    };
  }
  const text = data.text ?? data.line;
  if (typeof data.stream === "string" && typeof text === "string") {
    return { kind: "tap", level: data.stream === "stderr" ? "warn" : undefined, parts: [data.stream, text] };
  }
  return { kind: "json", parts: [jsonPreview(data)] };
}
