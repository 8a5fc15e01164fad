// The backend registry: the Client routes every ref through it, so a ref whose backend
// does not exist yet fails as Usage, before anything is opened or created.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { BatchPlanner } from "../../src/api/batch-planner.js";
import { Client } from "../../src/api/client.js";
import { isRemoteRef } from "../../src/api/pool-ref.js";
import { CairnError } from "../../src/core/errors.js";
import { tempDir } from "../helpers/tmp.js";

function usageMatching(pattern: RegExp) {
  return (e: unknown) => e instanceof CairnError && e.kind === "Usage" && pattern.test(e.message);
}

describe("backend registry", () => {
  it("answers nats:// refs with a Usage error saying they are not supported yet", async () => {
    const client = new Client({ dir: tempDir() });
    for (const attempt of [
      () => client.open("nats://127.0.0.1:4222/builds"),
      () => client.create("nats://127.0.0.1:4222/builds"),
      () => client.delete("nats://127.0.0.1:4222/builds"),
      () => client.list("nats://127.0.0.1:4222"),
    ]) {
      await assert.rejects(attempt(), usageMatching(/nats:\/\/ pools are not supported yet/));
    }
  });

  it("answers an unknown scheme with Usage naming it", async () => {
    await assert.rejects(new Client({ dir: tempDir() }).open("ftp://host/p"), usageMatching(/unsupported.*ftp:\/\//));
  });

  it("tells remote refs from local ones in one place", () => {
    const client = new Client({ dir: tempDir() });
    for (const ref of ["http://h:1/p", "HTTPS://h/p", "nats://h/p"]) {
      assert.equal(isRemoteRef(ref), true, ref);
      assert.equal(client.isRemote(ref), true, ref);
    }
    for (const ref of ["p", "./p.cairn", "/tmp/p.cairn"]) assert.equal(client.isRemote(ref), false, ref);
  });

  it("lists, opens and deletes local pools through the local entry, refusing files that are not pools", async () => {
    const dir = tempDir();
    const client = new Client({ dir });
    await (await client.create("a", { size: "64K" })).close();
    fs.writeFileSync(path.join(dir, "b.cairn"), "not a pool at all");
    const listed = await client.list();
    assert.deepEqual(
      listed.map((l) => [l.name, l.info !== undefined]),
      [
        ["a", true],
        ["b", false],
      ],
    );
    await assert.rejects(client.delete("b"), (e: unknown) => e instanceof CairnError && e.kind === "Corrupt");
    await client.delete("a");
    await assert.rejects(client.open("a"), (e: unknown) => e instanceof CairnError && e.kind === "NotFound");
  });

  it("a local pool says when its file was replaced behind its back", async () => {
    const dir = tempDir();
    const client = new Client({ dir });
    const pool = await client.create("r", { size: "64K" });
    try {
      assert.equal(await pool.isStale(), false);
      fs.rmSync(path.join(dir, "r.cairn"));
      await (await client.create("r", { size: "64K" })).close();
      assert.equal(await pool.isStale(), true);
    } finally {
      await pool.close();
    }
  });
});

describe("batch planner", () => {
  it("sizes a JSON message at least as large as the frame it becomes, and batches within a quarter ring", async () => {
    const client = new Client({ dir: tempDir() });
    const pool = await client.create("sizes", { size: "64K", indexCapacity: 0 });
    try {
      const limits = await pool.limits();
      const planner = new BatchPlanner(limits);
      const info = await pool.info();
      assert.ok(planner.bytesMax <= (info.ring_size as number) / 4);
      for (const data of [null, 1, "x".repeat(1000), { a: [1, 2, 3] }]) {
        const tags = ["t1", "longer-tag"];
        const before = (await pool.info()).metrics.utilization.used_bytes;
        await pool.append(data, { tags });
        const used = (await pool.info()).metrics.utilization.used_bytes - before;
        const estimate = planner.messageBytes(JSON.stringify(data).length, JSON.stringify(tags).length);
        assert.ok(estimate >= used && estimate < used + 8, `estimate ${estimate} for a frame of ${used}`);
      }
      const batches = planner.split(
        Array.from({ length: 100 }, () => 1000),
        (bytes) => bytes,
      );
      assert.ok(batches.every((b) => b.length === 1 || b.reduce((n, x) => n + x, 0) <= planner.bytesMax));
      assert.equal(batches.flat().length, 100);
    } finally {
      await pool.close();
    }
  });
});
