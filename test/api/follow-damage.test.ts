/**
 * A follower notices when its pool file changes under it in ways no writer makes: the file
 * truncated or grown (writers then get Corrupt, the follower waited silently forever), or
 * overwritten in place by another pool (the follower delivered the replacement's seqs as
 * if they were the old pool's). It ends with Corrupt instead, within a few polls.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CairnError, Client, type Message } from "../../src/index.js";
import { tempDir } from "../helpers/tmp.js";

/** Follows from the oldest message until the follow ends; returns what it saw and how it ended. */
async function followUntilEnd(pool: Awaited<ReturnType<Client["open"]>>, onCaughtUp: () => void) {
  const seen: Message[] = [];
  const follower = pool.follow({ from: "oldest", pollIntervalMs: 20 });
  const safety = setTimeout(() => follower.close(), 15_000);
  let error: unknown;
  try {
    for await (const message of follower) {
      seen.push(message);
      if (seen.length === 2) setTimeout(onCaughtUp, 50);
    }
  } catch (err) {
    error = err;
  } finally {
    clearTimeout(safety);
  }
  return { seen, error };
}

async function twoMessagePool(dir: string, name: string, size = "64K") {
  const client = new Client({ dir });
  const pool = await client.create(name, { size });
  await pool.append({ n: 1 });
  await pool.append({ n: 2 });
  return pool;
}

const isCorrupt = (err: unknown) => err instanceof CairnError && err.kind === "Corrupt";

describe("a follower and damage to its pool file", { timeout: 60_000 }, () => {
  it("ends with Corrupt when the file is truncated", async () => {
    const dir = tempDir();
    const pool = await twoMessagePool(dir, "p");
    const file = path.join(dir, "p.cairn");
    const { seen, error } = await followUntilEnd(pool, () => fs.truncateSync(file, 4096));
    assert.equal(seen.length, 2);
    assert.ok(isCorrupt(error), `ended with ${String(error)}`);
    await pool.close();
  });

  it("ends with Corrupt when the file is grown", async () => {
    const dir = tempDir();
    const pool = await twoMessagePool(dir, "p");
    const file = path.join(dir, "p.cairn");
    const { error } = await followUntilEnd(pool, () => fs.appendFileSync(file, Buffer.alloc(4096)));
    assert.ok(isCorrupt(error), `ended with ${String(error)}`);
    await pool.close();
  });

  it("ends with Corrupt, delivering none of its messages, when another pool overwrites the file in place", async () => {
    const dir = tempDir();
    const pool = await twoMessagePool(dir, "p");
    const other = await new Client({ dir }).create("other", { size: "64K" });
    for (let n = 1; n <= 5; n++) await other.append({ other: n });
    await other.close();
    const file = path.join(dir, "p.cairn");
    const inode = fs.statSync(file).ino;
    const { seen, error } = await followUntilEnd(pool, () => {
      // Write the other pool's bytes into the same inode (what `cp other.cairn p.cairn` does).
      const fd = fs.openSync(file, "r+");
      fs.writeSync(fd, fs.readFileSync(path.join(dir, "other.cairn")), 0, undefined, 0);
      fs.closeSync(fd);
    });
    assert.equal(fs.statSync(file).ino, inode);
    assert.deepEqual(
      seen.map((m) => m.data),
      [{ n: 1 }, { n: 2 }],
    );
    assert.ok(isCorrupt(error), `ended with ${String(error)}`);
    await pool.close();
  });
});
