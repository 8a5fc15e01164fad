/**
 * The history and histogram endpoints (Cairn extensions for the web UI): pages before and
 * after a seq, continuation cursors, tag and jq filters that find old matches, the time
 * range, bounded scans, errors as JSON envelopes, and counts per time bucket.
 */
import * as assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import { HISTORY_LIMIT_MAX } from "../../src/server/history-query.js";
import { SCAN_MESSAGES_MAX } from "../../src/server/history-scan.js";
import { type TestServer, request, startTestServer } from "./harness.js";

let server: TestServer;
const seqsOf = (reply: { json: () => { messages: Array<{ seq: number }> } }) => reply.json().messages.map((m) => m.seq);

before(async () => {
  server = await startTestServer();
  const client = new Client({ dir: server.dir });
  const pool = await client.create("steps", { size: "4M" });
  // 20 old "prod" messages, then 1,980 others: a tag filter must reach back past them.
  await pool.appendBatch(Array.from({ length: 20 }, (_, i) => ({ data: { i, level: "error" }, tags: ["prod"] })));
  await pool.appendBatch(Array.from({ length: 1_980 }, (_, i) => ({ data: { i: 20 + i, level: "info" } })));
  await pool.close();
  const sparse = await client.create("sparse", { size: "16M" });
  for (let start = 0; start < SCAN_MESSAGES_MAX + 5_000; start += 5_000) {
    await sparse.appendBatch(Array.from({ length: 5_000 }, (_, i) => ({ data: { n: start + i } })));
  }
  await sparse.append({ needle: true }, { tags: ["rare"] });
  await sparse.appendBatch(Array.from({ length: SCAN_MESSAGES_MAX + 10 }, (_, i) => ({ data: { after: i } })));
  await sparse.close();
});
after(() => server.close());

describe("history pages", () => {
  test("without a cursor the page is the newest messages, oldest first, with a cursor to older ones", async () => {
    const reply = await request(server.url, "/v0/pools/steps/history?limit=5");
    assert.equal(reply.status, 200);
    assert.deepEqual(seqsOf(reply), [1996, 1997, 1998, 1999, 2000]);
    assert.equal(reply.json().next, 1996);
    assert.deepEqual(reply.json().bounds, { oldest: 1, newest: 2000 });
  });

  test("before_seq walks back to seq 1, and then next is null", async () => {
    assert.deepEqual(
      seqsOf(await request(server.url, "/v0/pools/steps/history?before_seq=1996&limit=3")),
      [1993, 1994, 1995],
    );
    const first = await request(server.url, "/v0/pools/steps/history?before_seq=3&limit=10");
    assert.deepEqual(seqsOf(first), [1, 2]);
    assert.equal(first.json().next, null);
  });

  test("after_seq reads forward and ends with next null at the newest message", async () => {
    const reply = await request(server.url, "/v0/pools/steps/history?after_seq=1997&limit=10");
    assert.deepEqual(seqsOf(reply), [1998, 1999, 2000]);
    assert.equal(reply.json().next, null);
    const middle = await request(server.url, "/v0/pools/steps/history?after_seq=0&limit=2");
    assert.deepEqual(seqsOf(middle), [1, 2]);
    assert.equal(middle.json().next, 2);
  });

  test("a tag filter finds the newest matches however far back they are", async () => {
    const reply = await request(server.url, "/v0/pools/steps/history?tag=prod&limit=5");
    assert.deepEqual(seqsOf(reply), [16, 17, 18, 19, 20]);
    assert.equal(reply.json().next, 16);
  });

  test("where runs the CLI's jq filter on the server", async () => {
    const where = encodeURIComponent('.data.level == "error" and .data.i >= 18');
    const reply = await request(server.url, `/v0/pools/steps/history?where=${where}`);
    assert.deepEqual(seqsOf(reply), [19, 20]);
    assert.equal(reply.json().next, null);
  });

  test("a where that does not compile is a Usage envelope naming the user's expression", async () => {
    const reply = await request(server.url, `/v0/pools/steps/history?where=${encodeURIComponent(".data.level ==")}`);
    assert.equal(reply.status, 400);
    assert.equal(reply.json().error.kind, "Usage");
    assert.match(reply.json().error.message, /\.data\.level ==/);
  });

  test("a time range keeps the page inside it", async () => {
    const all = (await request(server.url, "/v0/pools/steps/history?after_seq=0&limit=3")).json().messages;
    const since = all[1].time;
    const reply = await request(
      server.url,
      `/v0/pools/steps/history?after_seq=0&limit=5&since_time=${encodeURIComponent(since)}`,
    );
    assert.equal(seqsOf(reply)[0], 2);
    const until = await request(
      server.url,
      `/v0/pools/steps/history?limit=5&until_time=${encodeURIComponent(all[2].time)}`,
    );
    assert.ok(seqsOf(until).every((s) => s <= 3));
  });

  test("a sparse filter stops at the scan bound and says where to continue", async () => {
    const first = await request(server.url, "/v0/pools/sparse/history?tag=rare");
    assert.equal(first.status, 200);
    assert.deepEqual(seqsOf(first), []);
    assert.ok(first.json().scanned <= SCAN_MESSAGES_MAX);
    assert.equal(typeof first.json().next, "number");
    // Continuing from `next` finds the needle. A page may also stop on its time budget (a
    // loaded machine scans fewer messages in it), so follow the cursor a bounded number of times.
    let next = first.json().next as number;
    let found: { data: unknown }[] = [];
    for (let page = 0; page < 50 && found.length === 0; page++) {
      const reply = await request(server.url, `/v0/pools/sparse/history?tag=rare&before_seq=${next}`);
      assert.equal(reply.status, 200);
      assert.ok(reply.json().scanned <= SCAN_MESSAGES_MAX);
      found = reply.json().messages;
      if (found.length === 0) next = reply.json().next;
    }
    assert.equal(found.length, 1);
    assert.deepEqual(found[0]?.data, { needle: true });
  });

  test("bad queries are Usage envelopes", async () => {
    for (const q of [
      `limit=${HISTORY_LIMIT_MAX + 1}`,
      "limit=0",
      "before_seq=5&after_seq=2",
      "before_seq=x",
      "since_time=yesterday",
      "since_time=2030-01-02T00:00:00Z&until_time=2030-01-01T00:00:00Z",
    ]) {
      const reply = await request(server.url, `/v0/pools/steps/history?${q}`);
      assert.equal(reply.status, 400, q);
      assert.equal(reply.json().error.kind, "Usage", q);
    }
    const missing = await request(server.url, "/v0/pools/nope/history");
    assert.equal(missing.status, 404);
    assert.equal(missing.json().error.kind, "NotFound");
  });
});

describe("histogram", () => {
  test("counts per bucket add up to the pool's messages, each bucket naming its first seq", async () => {
    const reply = await request(server.url, "/v0/pools/steps/histogram?buckets=12");
    assert.equal(reply.status, 200);
    const { histogram } = reply.json();
    assert.equal(histogram.buckets.length, 12);
    assert.equal(
      histogram.buckets.reduce((sum: number, b: { count: number }) => sum + b.count, 0),
      2000,
    );
    assert.equal(histogram.buckets[0].seq, 1);
    assert.ok(histogram.bucket_ms >= 1);
  });

  test("an empty pool has no buckets, and too many buckets is Usage", async () => {
    await (await new Client({ dir: server.dir }).create("empty")).close();
    const empty = await request(server.url, "/v0/pools/empty/histogram");
    assert.deepEqual(empty.json().histogram.buckets, []);
    const tooMany = await request(server.url, "/v0/pools/steps/histogram?buckets=100000");
    assert.equal(tooMany.status, 400);
  });
});
