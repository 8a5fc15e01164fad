/**
 * Presentation shared by the audit commands: TTY progress and the one-line rendering of an
 * event. (Output mode, help examples and lazy actions are the whole CLI's: ../shared.)
 */
import type { EventDict } from "../../audit/events/event.js";
import { paint } from "../shared/output.js";
import { plural } from "../shared/plural.js";

/** A progress callback that redraws one stderr line on a TTY and does nothing otherwise. */
export function ttyProgress(label: string): { update: (n: number, finished?: boolean) => void; done: () => void } {
  if (process.stderr.isTTY !== true) return { update: () => {}, done: () => {} };
  let shown = false;
  const done = () => {
    if (shown) process.stderr.write("\r\x1b[2K");
    shown = false;
  };
  return {
    update: (n, finished) => {
      if (finished) return done();
      shown = true;
      process.stderr.write(`\r${paint("dim", `${label}: ${plural(n, "file")}`, process.stderr)}`);
    },
    done,
  };
}

const typeStyles: Record<string, Parameters<typeof paint>[0]> = {
  audit_started: "cyan",
  audit_completed: "green",
  audit_abandoned: "red",
  phase_started: "cyan",
  phase_completed: "green",
  phase_failed: "red",
  phase_skipped: "yellow",
  verification_passed: "green",
  verification_failed: "red",
  file_created: "dim",
  file_modified: "dim",
  file_deleted: "dim",
};

function describeData(event: EventDict): string {
  const d = event.data;
  switch (event.type) {
    case "audit_started":
      return `${d.project}/${d.slug}, ${plural(Number(d.phases_total), "phase")}${d.git_branch ? ` on ${d.git_branch}` : ""}`;
    case "verification_passed":
    case "verification_failed":
      return `${d.command} → exit ${d.exit_code} (${d.duration_ms} ms)`;
    case "phase_started":
      return String(d.description ?? "");
    case "phase_completed":
      return `${d.duration_seconds}s, ${plural(Number(d.verification_count ?? 0), "check")}, +${d.files_created ?? 0} ~${d.files_modified ?? 0}`;
    case "phase_failed":
      return `${d.error} (attempt ${d.attempts})`;
    case "phase_skipped":
    case "audit_abandoned":
      return String(d.reason ?? "");
    case "file_created":
      return `${d.path} (${d.size_bytes} bytes)`;
    case "file_modified":
      return `${d.path} (+${d.lines_added} -${d.lines_removed})`;
    case "file_deleted":
      return String(d.path ?? "");
    case "audit_completed":
      return `${d.phases_completed} completed, ${d.phases_skipped} skipped in ${d.duration_seconds}s`;
    default:
      return JSON.stringify(d);
  }
}

/** `10:15:30.123  a1b2c3d4  phase 2  verification_passed  grep -q x f → exit 0 (12 ms)` */
export function formatEventLine(event: EventDict): string {
  const time = event.timestamp.length >= 23 ? event.timestamp.slice(11, 23) : event.timestamp;
  const phase =
    event.phase === null || event.phase === undefined ? "       " : `phase ${String(event.phase).padEnd(2)}`;
  const style = typeStyles[event.type] ?? "white";
  return `${paint("dim", time)}  ${event.audit_id.slice(0, 8)}  ${phase}  ${paint(style, event.type.padEnd(19))}  ${describeData(event)}`;
}

/**
 * A failed verification's output, indented under its event line as `phase verify` shows it
 * (the last 20 lines), so `audit run` and `audit watch` say why a command failed.
 */
export function failureOutputLines(event: EventDict): string[] {
  if (event.type !== "verification_failed" || typeof event.data.output !== "string" || event.data.output === "")
    return [];
  return event.data.output
    .split("\n")
    .slice(-20)
    .map((line) => paint("dim", `        ${line}`));
}
