/**
 * Long work in the server is bounded and never holds the event loop: validations run off
 * the loop, at most a few at once (one more is Busy, 423), and /healthz answers while
 * validations and tails whose tags match nothing scan a large pool. Times are safety nets,
 * generous enough for a loaded machine; the ordering is the assertion.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "../../src/index.js";
import { type TestServer, request, startTestServer } from "./harness.js";

async function fillPool(dir: string, name: string, count: number): Promise<void> {
  const pool = await new Client({ dir }).create(name, { size: "16M" });
  const items = Array.from({ length: 1000 }, (_, i) => ({ data: { i, pad: "y".repeat(200) }, tags: ["busy"] }));
  for (let done = 0; done < count; done += items.length) await pool.appendBatch(items);
  await pool.close();
}

describe("heavy work in the server", { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await fillPool(server.dir, "big", 40_000);
  });
  after(() => server.close());

  it("answers Busy (423) to a validation when every validation slot is taken", async () => {
    const releases: Array<() => void> = [];
    try {
      for (let i = 0; i < server.context.validations.slotsMax; i++) releases.push(server.context.validations.acquire());
      const r = await request(server.url, "/v0/pools/big/validate");
      assert.equal(r.status, 423);
      assert.equal(r.json().error.kind, "Busy");
    } finally {
      for (const release of releases) release();
    }
    const ok = await request(server.url, "/v0/pools/big/validate");
    assert.equal(ok.status, 200);
    assert.equal(ok.json().report.message_count, 40_000);
  });

  it("answers /healthz while validations and non-matching tails scan a large pool", async () => {
    const heavy = [
      request(server.url, "/v0/pools/big/validate"),
      request(server.url, "/v0/pools/big/validate"),
      request(server.url, "/v0/pools/big/tail?from=oldest&tag=nomatch&timeout_ms=0"),
      request(server.url, "/v0/pools/big/tail?from=oldest&tag=nomatch&timeout_ms=0"),
    ];
    let validationsDone = 0;
    for (const p of heavy.slice(0, 2)) void p.then(() => (validationsDone += 1));
    const started = Date.now();
    const health = await request(server.url, "/healthz");
    const healthMs = Date.now() - started;
    assert.equal(validationsDone, 0, "healthz was answered before any validation ended");
    assert.equal(health.status, 200);
    const replies = await Promise.all(heavy);
    assert.ok(healthMs < 5_000, `/healthz took ${healthMs} ms`);
    for (const r of replies) assert.ok(r.status === 200 || r.status === 423, r.text);
  });
});
