/**
 * Pools created over HTTP are bounded by the operator's maximum (`--pool-size-max`,
 * default 1 GiB): `size_bytes: "8T"` created an 8 TiB sparse file before. The CLI flag
 * parses sizes like every other size flag and `serve check` reports it.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { serveConfigFrom } from "../../src/cli/serve/serve-config.js";
import { POOL_SIZE_MAX_DEFAULT } from "../../src/server/config.js";
import { post, startTestServer } from "./harness.js";

describe("the server's maximum pool size", { timeout: 30_000 }, () => {
  it("refuses a create over the default maximum with Usage, and creates nothing", async () => {
    const server = await startTestServer();
    try {
      const r = await post(server.url, "/v0/pools", { pool: "huge", size_bytes: "8T" });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json().error.kind, "Usage");
      assert.match(r.json().error.message, /1\.0 GiB|1073741824/);
      assert.equal(fs.existsSync(path.join(server.dir, "huge.cairn")), false);
    } finally {
      await server.close();
    }
  });

  it("applies the operator's maximum, and allows a pool of exactly that size", async () => {
    const server = await startTestServer({ poolBytesMax: 256 * 1024 });
    try {
      const over = await post(server.url, "/v0/pools", { pool: "a", size_bytes: 256 * 1024 + 1 });
      assert.equal(over.status, 400);
      const at = await post(server.url, "/v0/pools", { pool: "b", size_bytes: "256K" });
      assert.equal(at.status, 200, at.text);
    } finally {
      await server.close();
    }
  });

  it("reads --pool-size-max as a size, 1 GiB by default", () => {
    assert.equal(POOL_SIZE_MAX_DEFAULT, 1024 ** 3);
    assert.equal(serveConfigFrom({ poolSizeMax: "64M" }).poolBytesMax, 64 * 1024 ** 2);
    assert.equal(serveConfigFrom({}).poolBytesMax, POOL_SIZE_MAX_DEFAULT);
    assert.throws(() => serveConfigFrom({ poolSizeMax: "lots" }), /invalid size/);
  });
});
