/**
 * The bounds of a pool's size and name on every surface (issue 10, findings 18 and 20;
 * issue 11's `--size 1K`): one maximum (POOL_SIZE_MAX), a minimum named as a `--size`,
 * no JSON pool wearing `.plasmite`, and a named directory that must exist for `pool list`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { Client } from "../../src/api/client.js";
import { CairnError } from "../../src/core/errors.js";
import { POOL_SIZE_MAX } from "../../src/core/size.js";
import { type TestServer, post, startTestServer } from "../server/harness.js";
import { errorOf, newPoolDir, runCli } from "./cli-harness.js";

describe("pool size bounds", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it("refuses a pool above 64 GiB from the CLI, naming the maximum, and writes no file", async () => {
    const dir = newPoolDir();
    const r = await runCli(["pool", "create", "huge", "--size", "1T"], { dir });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r).kind, "Usage");
    assert.match(errorOf(r).message, /1\.0 TiB exceeds the largest pool, 64 GiB/);
    assert.equal(fs.existsSync(path.join(dir, "huge.cairn")), false);
  });

  it("accepts exactly the maximum through the api (a sparse file) and refuses one byte group more", async () => {
    const dir = newPoolDir();
    const client = new Client({ dir });
    await assert.rejects(client.create("over", { size: POOL_SIZE_MAX + 8 }), (err: unknown) => {
      return err instanceof CairnError && err.kind === "Usage" && /largest pool/.test(err.message);
    });
    const pool = await client.create("max", { size: "64G", indexCapacity: 0 });
    assert.equal(fs.statSync(path.join(dir, "max.cairn")).size, POOL_SIZE_MAX);
    await pool.close();
  });

  it("refuses size_bytes 8T over HTTP with a 400 and creates nothing", async () => {
    const r = await post(server.url, "/v0/pools", { pool: "huge", size_bytes: "8T" });
    assert.equal(r.status, 400, r.text);
    // The server's own bound (--pool-size-max, 1 GiB by default) answers before core's 64 GiB.
    assert.match(r.text, /maximum pool size|largest pool/);
    assert.equal(fs.existsSync(path.join(server.dir, "huge.cairn")), false);
  });

  it("refuses a size too small for a ring with a Usage error naming the smallest --size", async () => {
    const dir = newPoolDir();
    const r = await runCli(["pool", "create", "tiny", "--size", "1K"], { dir });
    assert.equal(r.code, 2, r.stderr);
    const error = errorOf(r);
    assert.match(error.message, /too small: the smallest pool is 5120 bytes \(--size 5K\)/);
    assert.doesNotMatch(error.message, /-\d/, "no negative ring size");
    const smallest = await runCli(["pool", "create", "tiny", "--size", "5K"], { dir });
    assert.equal(smallest.code, 0, smallest.stderr);
  });

  it("names the smallest size for an explicit index capacity too", async () => {
    const dir = newPoolDir();
    const r = await runCli(["pool", "create", "tiny", "--size", "8K", "--index-capacity", "1000"], { dir });
    assert.equal(r.code, 2, r.stderr);
    assert.match(errorOf(r).message, /smallest pool with 1000 index slots is 21120 bytes/);
  });
});

describe("pool names and directories", () => {
  it("refuses to create a JSON pool named x.plasmite, by name or by path", async () => {
    const dir = newPoolDir();
    for (const ref of ["x.plasmite", path.join(dir, "y.plasmite")]) {
      const r = await runCli(["pool", "create", ref], { dir });
      assert.equal(r.code, 2, r.stderr);
      assert.match(errorOf(r).message, /would claim the Plasmite format/);
    }
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("treats --dir and the list argument alike: a named directory that does not exist is NotFound (exit 3)", async () => {
    const dir = newPoolDir();
    const missing = path.join(dir, "nonexistent");
    const byArgument = await runCli(["pool", "list", missing], { dir });
    const byDir = await runCli(["--dir", missing, "pool", "list"], { dir });
    assert.equal(byArgument.code, 3, byArgument.stderr);
    assert.equal(byDir.code, 3, byDir.stderr);
    assert.equal(errorOf(byDir).kind, "NotFound");
  });

  it("lists the default directory as empty while it does not exist yet", async () => {
    const dir = path.join(newPoolDir(), "not-yet");
    const r = await runCli(["pool", "list", "--json"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { pools: [] });
  });
});
