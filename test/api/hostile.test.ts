import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CairnError, Client } from "../../src/index.js";
import { parseTimeNs } from "../../src/core/time.js";
import { tempDir } from "../helpers/tmp.js";

const isKind = (kind: string) => (err: unknown) => err instanceof CairnError && err.kind === kind;

describe("hostile and careless input", { timeout: 30_000 }, () => {
  it("refuses data nested deeper than 512 levels with Usage and stores nothing", async () => {
    const pool = await new Client({ dir: tempDir() }).create("deep", { size: "64K" });
    const deep = JSON.parse(`${"[".repeat(3000)}${"]".repeat(3000)}`);
    await assert.rejects(pool.append(deep), isKind("Usage"));
    await assert.rejects(pool.appendBatch([{ data: 1 }, { data: deep }]), isKind("Usage"));
    assert.equal((await pool.info()).bounds.newest, null);
    const ok = JSON.parse(`${"[".repeat(500)}${"]".repeat(500)}`);
    assert.equal((await pool.append(ok)).seq, 1);
  });

  it("refuses calendar dates that do not exist", () => {
    assert.throws(() => parseTimeNs("2025-02-30T00:00:00Z"), isKind("Usage"));
    assert.throws(() => parseTimeNs("2025-13-01T00:00:00Z"), isKind("Usage"));
    assert.throws(() => parseTimeNs("2025-01-01T24:00:00Z"), isKind("Usage"));
    assert.equal(parseTimeNs("2024-02-29T00:00:00Z"), 1709164800000000000n);
  });

  it("refuses URL schemes it does not support instead of treating them as paths", async () => {
    const client = new Client({ dir: tempDir() });
    await assert.rejects(client.open("ftp://x/p"), isKind("Usage"));
    await assert.rejects(client.open("file:///tmp/p"), isKind("Usage"));
  });

  it("deletes a pool whose header is damaged, but never a file that is not a pool", async () => {
    const dir = tempDir();
    const client = new Client({ dir });
    await (await client.create("damaged", { size: "64K" })).close();
    const file = path.join(dir, "damaged.cairn");
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from([9, 9, 9, 9]), 0, 4, 16); // file_size no longer matches
    fs.closeSync(fd);
    await assert.rejects(client.open("damaged"), isKind("Corrupt"));
    await client.delete("damaged");
    assert.equal(fs.existsSync(file), false);
    fs.writeFileSync(path.join(dir, "notes.cairn"), "my notes");
    await assert.rejects(client.delete("notes"), isKind("Corrupt"));
    assert.equal(fs.readFileSync(path.join(dir, "notes.cairn"), "utf8"), "my notes");
  });

  it("ends a follow with NotFound when its pool is deleted", async () => {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("gone", { size: "64K" });
    const follower = pool.follow({ pollIntervalMs: 50 });
    setTimeout(() => void client.delete("gone"), 100);
    await assert.rejects(
      (async () => {
        for await (const _ of follower) {
        }
      })(),
      isKind("NotFound"),
    );
  });

  it("refuses an unknown durability with Usage instead of treating it as fast", async () => {
    const pool = await new Client({ dir: tempDir() }).create("d", { size: "64K" });
    const sometimes = { durability: "sometimes" } as unknown as { durability: "fast" };
    await assert.rejects(pool.append({ a: 1 }, sometimes), /durability must be fast or flush, not "sometimes"/);
    await assert.rejects(pool.appendBatch([{ data: 1 }], sometimes), isKind("Usage"));
    assert.equal((await pool.info()).metrics.message_count, 0);
    await pool.close();
  });
});
