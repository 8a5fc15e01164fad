/**
 * The body of a validate child process: opens the pool file named by its first argument,
 * validates it under the writer lock (taken and released like any other process's), and
 * sends back `{report}` or `{error}` (a CairnError as JSON) over the IPC channel. A child
 * process rather than a worker thread because the lock's native addon (fs-ext) cannot be
 * loaded in worker threads (it crashes node when a second one loads it).
 */
import { toCairnError } from "../../../core/errors.js";
import { PoolHandle } from "../../../core/pool.js";

function reply(message: unknown): void {
  process.send?.(message, () => process.disconnect?.());
}

const path = process.argv[2] ?? "";
try {
  const handle = PoolHandle.open(path);
  try {
    reply({ report: handle.validate() });
  } finally {
    handle.close();
  }
} catch (err) {
  reply({ error: toCairnError(err).toJSON() });
}
