/**
 * Remote clients never see the server's absolute paths: PoolInfo, list entries,
 * validation reports and error envelopes name pool files relative to the pool directory.
 * A write-only client's `open` answers what appending needs (the name and the limits),
 * not the pool's full info.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { type TestServer, post, request, seedPool, startTestServer } from "./harness.js";

describe("no server paths over HTTP", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await seedPool(server.url, "p", [{ data: 1 }]);
    fs.writeFileSync(path.join(server.dir, "broken.cairn"), "not a pool");
  });
  after(() => server.close());

  const noAbsolutePath = (text: string) => {
    assert.ok(!text.includes(server.dir), `reply shows the server's directory: ${text}`);
  };

  it("names pool files relative to the pool directory in info, list, open and validate", async () => {
    const info = await request(server.url, "/v0/pools/p/info");
    assert.equal(info.json().pool.path, "p.cairn");
    const open = await post(server.url, "/v0/pools/open", { pool: "p" });
    assert.equal(open.json().pool.path, "p.cairn");
    const list = await request(server.url, "/v0/pools");
    const ui = await request(server.url, "/v0/ui/pools");
    const report = await request(server.url, "/v0/pools/p/validate");
    assert.equal(report.json().report.path, "p.cairn");
    for (const r of [info, open, list, ui, report]) noAbsolutePath(r.text);
  });

  it("names files relative to the pool directory in error envelopes, also inside a stream", async () => {
    const broken = await request(server.url, "/v0/pools/broken/info");
    assert.ok(broken.status >= 400);
    noAbsolutePath(broken.text);
    const missing = await request(server.url, "/v0/pools/p/messages/99");
    assert.equal(missing.status, 404);
    noAbsolutePath(missing.text);
    const gap = await request(server.url, "/v0/pools/p/tail?since_seq=1&timeout_ms=0&gap_policy=error");
    noAbsolutePath(gap.text);
  });

  it("answers a write-only client's open with the name and the limits only", async () => {
    const writeOnly = await startTestServer({ dir: server.dir, access: "write-only" });
    try {
      const open = await post(writeOnly.url, "/v0/pools/open", { pool: "p" });
      assert.equal(open.status, 200);
      assert.deepEqual(Object.keys(open.json().pool), ["name"]);
      assert.equal(typeof open.json().limits.payload_bytes_max, "number");
      noAbsolutePath(open.text);
    } finally {
      await writeOnly.close();
    }
  });
});
