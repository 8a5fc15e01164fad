/**
 * storage.events_pool pointing at a served pool: `cairn serve` on port 0, an audit run in
 * a temp git project, and every event in the served pool — none in .phaser/events.cairn —
 * read back by the api, `cairn events list` and `cairn audit watch`.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import { auditProject, cli, cliPath, jsonLines, removeDir, tempDir } from "./helpers.js";

const cleanup: string[] = [];
const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.kill("SIGTERM");
  for (const dir of cleanup) removeDir(dir);
});

/** Starts `cairn serve --port 0` on a temp pool directory; resolves with its URL. */
function serve(dir: string): Promise<string> {
  const child = spawn(process.execPath, [cliPath, "--dir", dir, "serve", "--port", "0"], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error("serve did not start")), 20_000);
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) {
        clearTimeout(timer);
        resolve(JSON.parse(line).listening.url as string);
      }
    });
    child.on("close", () => reject(new Error("serve exited")));
  });
}

const doc = `# Document 1: Remote Events

=== AUDIT SETUP START ===

\`\`\`bash
git status
\`\`\`

=== AUDIT SETUP END ===

## Phase 1: Make a file

### Verify

\`\`\`bash
echo made > made.txt
\`\`\`

## Phase 2: Check it

### Verify

\`\`\`bash
test -f made.txt
\`\`\`
`;

describe("storage.events_pool on a served pool", () => {
  test("audit run writes every event to the served pool; events list and audit watch read them from there", async () => {
    const poolDir = tempDir("served");
    cleanup.push(poolDir);
    const url = `${await serve(poolDir)}/audit-events`;
    const { repo, storage, opts } = auditProject("remote", cleanup);
    fs.writeFileSync(path.join(repo, "remote.md"), doc);
    const set = cli(["config", "set", "storage.events_pool", url], opts);
    assert.equal(set.status, 0, set.stderr);

    const run = cli(["audit", "run", "remote.md", "--no-tests", "--json"], opts);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    const printed = jsonLines(run.stdout).filter((e) => typeof e.type === "string" && "audit_id" in e);
    assert.ok(printed.length >= 6, `events printed: ${printed.length}`);

    const pool = await new Client().open(url);
    const served: Record<string, unknown>[] = [];
    for await (const message of pool.read()) {
      served.push(message.data as Record<string, unknown>);
      assert.deepEqual(message.tags, ["audit", (message.data as { type: string }).type]);
    }
    await pool.close();
    assert.deepEqual(
      served.map((e) => e.id),
      printed.map((e) => e.id),
      "every event landed in the served pool, in order",
    );
    assert.equal(served[0]?.type, "audit_started");
    assert.equal(served.at(-1)?.type, "audit_completed");
    assert.ok(fs.existsSync(path.join(poolDir, "audit-events.cairn")));
    assert.ok(!fs.existsSync(path.join(storage, "events.cairn")), "nothing in the local events pool");

    const listed = jsonLines(cli(["events", "list"], opts).stdout);
    assert.deepEqual(
      listed.map((e) => e.id),
      printed.map((e) => e.id),
    );
    const watched = cli(["audit", "watch", "--from-start", "--idle-timeout", "1", "--json"], opts);
    assert.deepEqual(
      jsonLines(watched.stdout).map((e) => e.id),
      printed.map((e) => e.id),
      watched.stderr,
    );
    assert.match(watched.stderr, new RegExp(`audit events in ${url}`));
  });

  test("a value that is no pool ref is refused with Usage when set", () => {
    const { opts } = auditProject("badref", cleanup);
    for (const bad of ["ftp://host/pool", "bad name!", "http://127.0.0.1:1/"]) {
      const r = cli(["config", "set", "storage.events_pool", bad], opts);
      assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /storage\.events_pool/);
    }
  });
});
