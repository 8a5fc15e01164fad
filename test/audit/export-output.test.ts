/**
 * `events export -o PATH` replaces only regular files (issue 10, finding 16): a symlink is
 * written through and stays a link, a FIFO is written into and stays a FIFO. (Devices such as
 * /dev/full take the same path as the FIFO; they are not used here because the old behaviour
 * would replace the machine's device.)
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { PhaserStorage } from "../../src/audit/storage/storage.js";
import { cli, removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("export-output");
after(() => removeDir(scratch));

let n = 0;
async function storageWithOneEvent(): Promise<string> {
  const storage = path.join(scratch, `s${n++}`, ".phaser");
  const s = new PhaserStorage(storage);
  await s.appendEvent({
    id: "e1",
    type: "phase_skipped",
    timestamp: new Date().toISOString(),
    audit_id: "a1",
    phase: 1,
    data: { reason: "x" },
  });
  await s.close();
  return storage;
}

describe("events export -o", () => {
  test("writes through a symlink: the link stays, its target gets the events", async () => {
    const storage = await storageWithOneEvent();
    const target = path.join(scratch, "real.json");
    fs.writeFileSync(target, "old\n");
    const link = path.join(scratch, "link.json");
    fs.symlinkSync(target, link);
    const r = cli(["events", "export", "-o", link], { cwd: scratch, storage });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), "the symlink is still a symlink");
    assert.equal(JSON.parse(fs.readFileSync(target, "utf8")).events[0].id, "e1");
  });

  test("writes into a FIFO without replacing it", async () => {
    const storage = await storageWithOneEvent();
    const fifo = path.join(scratch, "pipe");
    execFileSync("mkfifo", [fifo]);
    const reader = spawn("cat", [fifo], { stdio: ["ignore", "pipe", "inherit"] });
    let read = "";
    reader.stdout.on("data", (chunk: Buffer) => {
      read += chunk.toString("utf8");
    });
    const closed = new Promise((resolve) => reader.on("close", resolve));
    const r = cli(["events", "export", "-o", fifo], { cwd: scratch, storage });
    const stillFifo = fs.lstatSync(fifo).isFIFO();
    if (r.status !== 0 || !stillFifo) reader.kill(); // nobody will write into it: do not wait
    await closed;
    assert.equal(r.status, 0, r.stderr);
    assert.ok(stillFifo, "the FIFO is still a FIFO");
    assert.equal(JSON.parse(read).events[0].id, "e1");
  });

  test("a regular file is still replaced whole (atomically)", async () => {
    const storage = await storageWithOneEvent();
    const file = path.join(scratch, "plain.json");
    fs.writeFileSync(file, "x".repeat(10_000));
    assert.equal(cli(["events", "export", "-o", file], { cwd: scratch, storage }).status, 0);
    assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).events.length, 1);
  });
});
