/**
 * `validateOffLoop(path)`: a full pool validation in a child process, so a scan of a large
 * pool (3.6 s for 64 MiB) never holds the caller's event loop. The report is the one
 * `PoolHandle.validate` gives; the child takes the writer lock like any other process.
 * Starting it costs tens of milliseconds, little next to a scan; callers that admit
 * requests (the server) bound how many run at once.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CairnError, ErrorKind, isErrorKind } from "../../../core/errors.js";
import type { ValidationReport } from "../../../core/validate.js";

type ChildReply =
  | { report: ValidationReport }
  | { error: { kind: string; message: string; hint?: string; path?: string; seq?: number; offset?: number } };

const CHILD = fileURLToPath(new URL("./validate-child.js", import.meta.url));

export function validateOffLoop(path: string): Promise<ValidationReport> {
  return new Promise((resolve, reject) => {
    // execArgv is cleared so a parent's flags (a test runner's, an inspector's) stay its own.
    const child = fork(CHILD, [path], { execArgv: [], stdio: ["ignore", "ignore", "ignore", "ipc"] });
    let reply: ChildReply | undefined;
    child.once("message", (message: ChildReply) => {
      reply = message;
    });
    // A child that cannot start may never close: reject at once (a later settle is a no-op).
    child.once("error", (err) =>
      reject(new CairnError(ErrorKind.Internal, `cannot validate: ${err.message}`, { path })),
    );
    child.once("close", (code, signal) => {
      if (reply === undefined) {
        reject(new CairnError(ErrorKind.Internal, `validation stopped (${signal ?? `exit ${code}`})`, { path }));
      } else if ("report" in reply) resolve(reply.report);
      else reject(errorFrom(reply.error));
    });
  });
}

function errorFrom(error: Extract<ChildReply, { error: unknown }>["error"]): CairnError {
  const { kind, message, ...details } = error;
  return new CairnError(isErrorKind(kind) ? kind : ErrorKind.Internal, message, details);
}
