/** The storage lock answers Busy after its backoff; a short holder is waited for. Stale audits are flagged. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { after, describe, test } from "node:test";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { CairnError } from "../../src/core/errors.js";
import { cli, distAudit, gitRepo, removeDir, tempDir, waitForOutput } from "./helpers.js";

const scratch = tempDir("lock");
after(() => removeDir(scratch));

const holderScript = `
import { withStorageLock } from ${JSON.stringify(pathToFileURL(distAudit("storage/atomic-file.js")).href)};
const [root, holdMs] = process.argv.slice(2);
withStorageLock(root, () => {
  process.stdout.write("LOCKED\\n");
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdMs));
});
`;

/** Resolves once the child holds the lock; `exited` settles when it is gone. */
async function holdLock(root: string, holdMs: number): Promise<{ exited: Promise<unknown> }> {
  const script = path.join(scratch, "hold.mjs");
  fs.writeFileSync(script, holderScript);
  const child = spawn(process.execPath, [script, root, String(holdMs)], { stdio: ["ignore", "pipe", "inherit"] });
  const exited = new Promise((resolve) => child.on("close", resolve));
  await waitForOutput(child.stdout, /LOCKED/);
  return { exited };
}

describe("the storage lock", () => {
  test("a writer waits out a short holder, and answers Busy when the holder outlasts 3 backoff attempts", async () => {
    const root = path.join(scratch, "busy", ".phaser");
    const storage = new PhaserStorage(root);
    storage.ensureDirectories();
    const audit = { project: "p", slug: "s", date: "2025-12-05", status: "pending" };

    const short = await holdLock(root, 150);
    storage.saveAudit(audit);
    await short.exited;

    const long = await holdLock(root, 4000);
    try {
      storage.saveAudit(audit);
      assert.fail("expected Busy");
    } catch (err) {
      assert.ok(err instanceof CairnError, String(err));
      assert.equal(err.kind, "Busy");
    }
    await long.exited;
    assert.equal(storage.listAudits().length, 1, "nothing half-written");
  });
});

describe("stale audits", () => {
  test("audit status warns after 7 days without activity", () => {
    const repo = gitRepo("stale");
    const storage = path.join(scratch, "stale", ".phaser");
    try {
      fs.writeFileSync(
        path.join(repo, "a.md"),
        "# Old\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: One\n### Verify\n```bash\ntrue\n```\n",
      );
      const start = cli(["audit", "start", "a.md"], { cwd: repo, storage });
      const id = JSON.parse(start.stdout).id as string;
      assert.equal(JSON.parse(cli(["audit", "status"], { cwd: repo, storage }).stdout).stale, false);
      new PhaserStorage(storage).updateAudit(id, { started_at: "2025-01-01T00:00:00.000Z" });
      const status = JSON.parse(cli(["audit", "status"], { cwd: repo, storage }).stdout);
      assert.equal(status.stale, true);
    } finally {
      removeDir(repo);
    }
  });
});
