import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CairnError, Client, type Gap, type Message } from "../../src/index.js";
import { tempDir } from "../helpers/tmp.js";

const isKind = (kind: string) => (err: unknown) => err instanceof CairnError && err.kind === kind;

describe("Client", { timeout: 30_000 }, () => {
  it("creates pools by name in its directory, lists, opens and deletes them", async () => {
    const dir = tempDir();
    const client = new Client({ dir });
    const pool = await client.create("events", { size: "64K" });
    await pool.append({ a: 1 });
    await pool.close();
    assert.ok(fs.existsSync(path.join(dir, "events.cairn")));
    const list = await client.list();
    assert.deepEqual(
      list.map((l) => l.name),
      ["events"],
    );
    assert.equal(list[0]?.info?.bounds.newest, 1);
    const again = await client.open("events");
    assert.equal((await again.get(1)).data instanceof Object, true);
    await again.close();
    await client.delete("events");
    assert.deepEqual(await client.list(), []);
    await assert.rejects(client.open("events"), isKind("NotFound"));
    await assert.rejects(client.delete("events"), isKind("NotFound"));
  });

  it("defaults to $CAIRN_DIR", () => {
    const before = process.env.CAIRN_DIR;
    process.env.CAIRN_DIR = "/tmp/somewhere-else";
    try {
      assert.equal(new Client().dir, "/tmp/somewhere-else");
    } finally {
      if (before === undefined) delete process.env.CAIRN_DIR;
      else process.env.CAIRN_DIR = before;
    }
  });

  it("rejects bare names that are not plain file names (a ref with a slash is a path)", async () => {
    const client = new Client({ dir: tempDir() });
    for (const bad of ["..", ".hidden", "a\0b", "", "x".repeat(200), "-flag", "a b", "name*"]) {
      await assert.rejects(
        client.create(bad),
        (err: unknown) => err instanceof CairnError && ["Usage"].includes(err.kind),
        bad,
      );
    }
  });

  it("accepts paths as refs and refuses to delete files that are not pools", async () => {
    const dir = tempDir();
    const client = new Client({ dir: tempDir() });
    const file = path.join(dir, "p.cairn");
    const pool = await client.create(file, { size: 65536 });
    await pool.close();
    fs.writeFileSync(path.join(dir, "notes.cairn"), "hello");
    await assert.rejects(client.delete(path.join(dir, "notes.cairn")), isKind("Corrupt"));
    assert.ok(fs.existsSync(path.join(dir, "notes.cairn")));
  });

  it("openOrCreate creates once and opens afterwards", async () => {
    const client = new Client({ dir: tempDir() });
    const a = await client.openOrCreate("x", { size: "64K" });
    await a.append(1);
    const b = await client.openOrCreate("x", { size: "1M" });
    assert.equal((await b.info()).file_size, 65536);
    assert.equal((await b.get(1)).data, 1);
  });

  it("lists unreadable pool files with their error instead of failing", async () => {
    const dir = tempDir();
    const client = new Client({ dir });
    await (await client.create("good", { size: "64K" })).close();
    fs.writeFileSync(path.join(dir, "bad.cairn"), Buffer.alloc(5000));
    const list = await client.list();
    assert.deepEqual(
      list.map((l) => [l.name, l.error?.kind]),
      [
        ["bad", "Corrupt"],
        ["good", undefined],
      ],
    );
  });

  it("says clearly that remote schemes without a backend are unsupported", async () => {
    const client = new Client({ dir: tempDir() });
    await assert.rejects(client.open("nats://127.0.0.1:1/x"), isKind("Usage"));
  });
});

describe("Pool reading and following", { timeout: 30_000 }, () => {
  async function filled(n: number, size = "64K") {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("p", { size });
    for (let i = 1; i <= n; i++) await pool.append({ i }, { tags: i % 2 === 0 ? ["even"] : ["odd", "x"] });
    return pool;
  }
  const seqs = async (it: AsyncIterable<Message>) => {
    const out: number[] = [];
    for await (const m of it) out.push(m.seq);
    return out;
  };

  it("reads from the oldest, from a seq, from a time and the last N", async () => {
    const pool = await filled(10);
    assert.deepEqual(await seqs(pool.read()), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(await seqs(pool.read({ from: { seq: 8 } })), [8, 9, 10]);
    assert.deepEqual(await seqs(pool.read({ from: { last: 3 } })), [8, 9, 10]);
    assert.deepEqual(await seqs(pool.read({ from: { last: 0 } })), []);
    const t = (await pool.get(6)).timeNs;
    assert.deepEqual(await seqs(pool.read({ from: { timeNs: t } })), [6, 7, 8, 9, 10]);
    assert.deepEqual(await seqs(pool.read({ from: "live" })), []);
  });

  it("filters by tags (all must match) and stops at a limit", async () => {
    const pool = await filled(10);
    assert.deepEqual(await seqs(pool.read({ tags: ["even"] })), [2, 4, 6, 8, 10]);
    assert.deepEqual(await seqs(pool.read({ tags: ["odd", "x"], limit: 2 })), [1, 3]);
    assert.deepEqual(await seqs(pool.read({ tags: ["odd", "even"] })), []);
  });

  it("follows from the live edge and wakes on appends", async () => {
    const pool = await filled(3);
    const follower = pool.follow();
    const got = (async () => {
      const out: number[] = [];
      for await (const m of follower) {
        out.push(m.seq);
        if (out.length === 3) break;
      }
      return out;
    })();
    await new Promise((r) => setTimeout(r, 30));
    await pool.appendBatch([{ data: "a" }, { data: "b" }, { data: "c" }]);
    assert.deepEqual(await got, [4, 5, 6]);
  });

  it("ends a follow after an idle timeout and says so", async () => {
    const pool = await filled(1);
    const follower = pool.follow({ idleTimeoutMs: 150 });
    assert.deepEqual(await seqs(follower), []);
    assert.equal(follower.timedOut, true);
  });

  it("ends a follow when its signal aborts", async () => {
    const pool = await filled(1);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    assert.deepEqual(await seqs(pool.follow({ signal: controller.signal })), []);
  });

  it("reports gaps with onGap, and a tag filter does not hide them", async () => {
    const pool = await filled(0, "16K");
    const gaps: Gap[] = [];
    const follower = pool.follow({ from: { seq: 1 }, tags: ["never"], onGap: (g) => gaps.push(g), idleTimeoutMs: 200 });
    for (let i = 0; i < 500; i++) await pool.append({ pad: "z".repeat(100) });
    assert.deepEqual(await seqs(follower), []);
    assert.equal(gaps.length, 1);
    assert.equal(gaps[0]?.fromSeq, 1);
  });

  it("throws RetentionGap under the error policy, naming the first missing seq", async () => {
    const pool = await filled(0, "16K");
    for (let i = 0; i < 500; i++) await pool.append({ pad: "z".repeat(100) });
    await assert.rejects(seqs(pool.read({ from: { seq: 2 }, gap: "error" })), (err: unknown) => {
      return err instanceof CairnError && err.kind === "RetentionGap" && err.seq === 2;
    });
  });

  it("rejects a poll interval above 250 ms", async () => {
    const pool = await filled(0);
    assert.throws(() => pool.follow({ pollIntervalMs: 1000 }), isKind("Usage"));
  });
});
