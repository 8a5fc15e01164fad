/**
 * Wakes followers when a pool file changes. One `fs.watch` per file per process, shared
 * by every follower of that file. It is only a latency aid: followers also poll at a
 * bounded interval, so a lost or unsupported notification costs latency, never messages.
 */
import * as fs from "node:fs";

interface Watch {
  watcher: fs.FSWatcher | null;
  waiters: Set<() => void>;
  users: number;
}

const watches = new Map<string, Watch>();

function acquire(path: string): Watch {
  let watch = watches.get(path);
  if (!watch) {
    const created: Watch = { watcher: null, waiters: new Set(), users: 0 };
    try {
      created.watcher = fs.watch(path, { persistent: false }, () => {
        const waiters = [...created.waiters];
        created.waiters.clear();
        for (const wake of waiters) wake();
      });
      created.watcher.on("error", () => {
        created.watcher?.close();
        created.watcher = null;
      });
    } catch {
      created.watcher = null; // e.g. inotify limits: polling alone still delivers everything
    }
    watch = created;
    watches.set(path, watch);
  }
  watch.users += 1;
  return watch;
}

function release(path: string, watch: Watch): void {
  watch.users -= 1;
  if (watch.users === 0) {
    watch.watcher?.close();
    watches.delete(path);
  }
}

export class ChangeSignal {
  private readonly watch: Watch;
  private released = false;

  constructor(private readonly path: string) {
    this.watch = acquire(path);
  }

  /** Resolves on the next change of the file, after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        this.watch.waiters.delete(done);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      timer = setTimeout(done, timeoutMs);
      this.watch.waiters.add(done);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  close(): void {
    if (this.released) return;
    this.released = true;
    release(this.path, this.watch);
  }
}
