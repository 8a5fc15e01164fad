// Shapes the server sends that the wire module owns: the validation report in snake_case
// (changed from camelCase deliberately: one convention on the wire) and the pool limits
// extension a remote writer batches by.
import * as assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import { type TestServer, request, seedPool, startTestServer } from "./harness.js";

let server: TestServer;

before(async () => {
  server = await startTestServer();
  await seedPool(server.url, "shapes", [{ data: { a: 1 } }, { data: { b: 2 }, tags: ["t"] }]);
});

after(async () => {
  await server.close();
});

describe("wire shapes over HTTP", () => {
  test("validate answers a snake_case report", async () => {
    const reply = await request(server.url, "/v0/pools/shapes/validate");
    assert.equal(reply.status, 200);
    const report = reply.json().report;
    assert.equal(report.status, "ok");
    assert.equal(report.message_count, 2);
    assert.equal(report.oldest_seq, 1);
    assert.equal(report.newest_seq, 2);
    assert.equal(report.last_good_seq, 2);
    assert.deepEqual(report.remediation_hints, []);
    assert.equal(report.messageCount, undefined);
  });

  test("limits reports the pool's own batching limits, and the remote client keeps batches within a request", async () => {
    const reply = await request(server.url, "/v0/pools/shapes/limits");
    assert.equal(reply.status, 200);
    const limits = reply.json().limits;
    const info = (await request(server.url, "/v0/pools/shapes/info")).json().pool;
    assert.equal(limits.batch_bytes_max, Math.floor(info.ring_size / 4));
    assert.ok(limits.message_overhead_bytes > 64);
    const pool = await new Client().open(`${server.url}/shapes`);
    const remote = await pool.limits();
    assert.equal(remote.messageOverheadBytes, limits.message_overhead_bytes);
    assert.ok(remote.batchBytesMax <= 256 * 1024);
    const validated = await pool.validate();
    assert.equal(validated.messageCount, 2);
    assert.equal(validated.lastGoodSeq, 2);
  });

  test("a remote pool's info keeps the file group of a file-backed pool", async () => {
    const pool = await new Client().open(`${server.url}/shapes`);
    const info = await pool.info();
    assert.equal(typeof info.path, "string");
    assert.equal(typeof info.ring_size, "number");
  });
});
