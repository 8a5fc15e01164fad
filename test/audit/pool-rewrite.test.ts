/** Pool.rewrite, the api operation the events store resizes and clears with. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import type { Message } from "../../src/api/types.js";
import { removeDir, tempDir } from "./helpers.js";

const scratch = tempDir("rewrite");
after(() => removeDir(scratch));

async function all(pool: { read(): AsyncIterable<Message> }): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const m of pool.read()) out.push(m.data);
  return out;
}

describe("Pool.rewrite on a local pool", () => {
  test("keeps the newest kept messages at the new size, and a writer on the old file carries on in the new one", async () => {
    const client = new Client({ dir: scratch });
    const pool = await client.create("r", { size: "64K" });
    const other = await client.open("r"); // another writer, opened before the rewrite
    for (let i = 0; i < 10; i++) await pool.append({ i }, { tags: [i % 2 ? "odd" : "even"] });
    const result = await pool.rewrite({
      size: "128K",
      keep: (m) => m.tags.includes("even"),
      keepNewestMax: 3,
    });
    assert.deepEqual(result, { kept: 3, dropped: 7 });
    assert.equal((await pool.info()).file_size, 128 * 1024);
    assert.deepEqual(await all(pool), [{ i: 4 }, { i: 6 }, { i: 8 }]);
    await other.append({ i: "late" });
    assert.deepEqual(await all(pool), [{ i: 4 }, { i: 6 }, { i: 8 }, { i: "late" }], "the late append is not lost");
    assert.deepEqual(
      fs.readdirSync(scratch).filter((n) => n.endsWith(".tmp")),
      [],
    );
    await other.close();
    await pool.close();
  });

  test("an append to a deleted pool is NotFound, not written into the void", async () => {
    const client = new Client({ dir: scratch });
    const pool = await client.create("gone", { size: "64K" });
    fs.unlinkSync(path.join(scratch, "gone.cairn"));
    await assert.rejects(pool.append({ x: 1 }), (err: unknown) => (err as { kind?: string }).kind === "NotFound");
    await pool.close();
  });
});
