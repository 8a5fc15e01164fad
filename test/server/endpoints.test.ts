/** Black-box tests of every protocol v0 endpoint: shapes, statuses, error envelopes, limits on input. */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, test } from "node:test";
import { type TestServer, jsonLines, post, request, seedPool, startTestServer } from "./harness.js";

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

function assertEnvelope(
  reply: { status: number; text: string; headers: Record<string, unknown> },
  status: number,
  kind: string,
) {
  assert.equal(reply.status, status, reply.text);
  const body = JSON.parse(reply.text);
  assert.equal(body.error.kind, kind);
  assert.equal(typeof body.error.message, "string");
  assert.ok(!/\bat .+:\d+:\d+/.test(reply.text), "no stack trace in the body");
  assert.equal(reply.headers["plasmite-version"], "0");
}

describe("pool lifecycle endpoints", () => {
  test("healthz answers ok with the protocol version header", async () => {
    const r = await request(server.url, "/healthz");
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { ok: true });
    assert.equal(r.headers["plasmite-version"], "0");
  });

  test("the root redirects to the UI, and HEAD answers headers only", async () => {
    const root = await request(server.url, "/");
    assert.equal(root.status, 302);
    assert.equal(root.headers.location, "/ui/");
    const head = await request(server.url, "/healthz", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.text, "");
    assert.equal((await request(server.url, "/ui/missing.js")).status, 404);
  });

  test("create returns the pool info, and a second create is AlreadyExists (409)", async () => {
    const r = await post(server.url, "/v0/pools", { pool: "life", size_bytes: 65536 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json().pool.name, "life");
    assert.equal(r.json().pool.file_size, 65536);
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "life" }), 409, "AlreadyExists");
  });

  test("open, info and list describe existing pools; missing ones are NotFound (404)", async () => {
    await post(server.url, "/v0/pools", { pool: "listed" });
    const opened = await post(server.url, "/v0/pools/open", { pool: "listed" });
    assert.equal(opened.status, 200);
    assert.equal(opened.json().pool.name, "listed");
    const info = await request(server.url, "/v0/pools/listed/info");
    assert.equal(info.json().pool.bounds.newest, null);
    const list = await request(server.url, "/v0/pools");
    assert.ok(list.json().pools.some((p: { name: string }) => p.name === "listed"));
    assertEnvelope(await post(server.url, "/v0/pools/open", { pool: "missing" }), 404, "NotFound");
    assertEnvelope(await request(server.url, "/v0/pools/missing/info"), 404, "NotFound");
  });

  test("delete removes a pool and answers ok; deleting again is NotFound", async () => {
    await post(server.url, "/v0/pools", { pool: "doomed" });
    const r = await request(server.url, "/v0/pools/doomed", { method: "DELETE" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { ok: true });
    assertEnvelope(await request(server.url, "/v0/pools/doomed", { method: "DELETE" }), 404, "NotFound");
    assertEnvelope(await request(server.url, "/v0/pools/doomed/info"), 404, "NotFound");
  });

  test("create with a bad size or index capacity is Usage (400)", async () => {
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "badsize", size_bytes: "lots" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "badidx", index_capacity: -1 }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "badidx", index_capacity: "8" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools", {}), 400, "Usage");
  });
});

describe("pools changed behind the server's back", () => {
  test("a pool deleted and created again by another process is reopened, not written through a stale handle", async () => {
    const { Client } = await import("../../src/api/client.js");
    const first = await post(server.url, "/v0/pools", { pool: "swapped", size_bytes: 65536 });
    assert.equal(first.status, 200, first.text);
    assert.equal((await post(server.url, "/v0/pools/swapped/append", { data: { n: 1 } })).status, 200);
    const outside = new Client({ dir: server.dir });
    await outside.delete("swapped");
    const replacement = await outside.create("swapped", { size: 65536 });
    await replacement.append({ n: "new-1" });
    await new Promise((r) => setTimeout(r, 150)); // the server re-checks cached handles every 100 ms
    const appended = await post(server.url, "/v0/pools/swapped/append", { data: { n: "new-2" } });
    assert.equal(appended.status, 200, appended.text);
    assert.equal(appended.json().message.seq, 2, "the append went to the new pool");
    assert.deepEqual((await replacement.get(2)).data, { n: "new-2" });
    await replacement.close();
  });
});

describe("message endpoints", () => {
  test("append returns the message envelope, data in the writer's key order, and get returns the same message", async () => {
    await post(server.url, "/v0/pools", { pool: "msgs" });
    const r = await post(server.url, "/v0/pools/msgs/append", {
      data: { b: 1, a: { d: 2, c: 3 } },
      tags: ["t1"],
      durability: "flush",
    });
    assert.equal(r.status, 200, r.text);
    assert.match(
      r.text,
      /^\{"message":\{"data":\{"b":1,"a":\{"d":2,"c":3\}\},"meta":\{"tags":\["t1"\]\},"seq":1,"time":"[^"]+Z"\}\}$/,
    );
    const got = await request(server.url, "/v0/pools/msgs/messages/1");
    assert.equal(got.status, 200);
    assert.deepEqual(got.json(), r.json());
  });

  test("append_batch appends consecutive seqs", async () => {
    await post(server.url, "/v0/pools", { pool: "batch" });
    const r = await post(server.url, "/v0/pools/batch/append_batch", {
      items: [{ data: 1 }, { data: 2, tags: ["x"] }],
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      r.json().messages.map((m: { seq: number }) => m.seq),
      [1, 2],
    );
    for (const body of [
      {},
      { items: {} },
      { items: [{ tags: ["x"] }] },
      { items: [1] },
      { items: [], durability: "x" },
    ]) {
      assertEnvelope(await post(server.url, "/v0/pools/batch/append_batch", body), 400, "Usage");
    }
    assert.equal((await request(server.url, "/v0/pools/batch/info")).json().pool.metrics.message_count, 2);
  });

  test("concurrent appends each get their own seq, and a message the api refuses fails alone", async () => {
    await post(server.url, "/v0/pools", { pool: "grouped", size_bytes: 65536 });
    const bad = [7, 11]; // too large for the pool; an empty tag
    const replies = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        post(server.url, "/v0/pools/grouped/append", {
          data: i === 7 ? { big: "x".repeat(100_000) } : { i },
          tags: i === 11 ? [""] : [`t${i % 3}`],
        }),
      ),
    );
    for (const i of bad) {
      assert.equal(replies[i]!.status, 400);
      assert.equal(replies[i]!.json().error.kind, "Usage");
    }
    const ok = replies.filter((_, i) => !bad.includes(i)).map((r) => r.json().message);
    assert.ok(replies.every((r, i) => bad.includes(i) || r.status === 200));
    assert.deepEqual(
      ok.map((m) => m.seq).sort((a, b) => a - b),
      Array.from({ length: 22 }, (_, i) => i + 1),
    );
    for (const m of ok) {
      const got = (await request(server.url, `/v0/pools/grouped/messages/${m.seq}`)).json().message;
      assert.deepEqual(got, m);
    }
  });

  test("append rejects a missing data field, bad tags and bad durability with Usage (400)", async () => {
    await post(server.url, "/v0/pools", { pool: "strict" });
    assertEnvelope(await post(server.url, "/v0/pools/strict/append", { tags: [] }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/strict/append", { data: 1, tags: "x" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/strict/append", { data: 1, tags: [""] }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/strict/append", { data: 1, durability: "forever" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/nopool/append", { data: 1 }), 404, "NotFound");
  });

  test("truncate drops the messages before before_seq, and refuses a missing or bad one with Usage (400)", async () => {
    await seedPool(server.url, "trunc", [{ data: 1 }, { data: 2 }, { data: 3 }]);
    assertEnvelope(await post(server.url, "/v0/pools/trunc/truncate", {}), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/trunc/truncate", { before_seq: 0 }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/trunc/truncate", { before_seq: "2" }), 400, "Usage");
    const r = await post(server.url, "/v0/pools/trunc/truncate", { before_seq: 3 });
    assert.deepEqual(r.json(), { dropped: 2 });
    assert.equal((await request(server.url, "/v0/pools/trunc/info")).json().pool.bounds.oldest, 3);
  });

  test("get answers NotFound for a seq that is not retained and Usage for a non-number", async () => {
    await seedPool(server.url, "getter", [{ data: 1 }]);
    assertEnvelope(await request(server.url, "/v0/pools/getter/messages/7"), 404, "NotFound");
    assertEnvelope(await request(server.url, "/v0/pools/getter/messages/abc"), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/getter/messages/0"), 400, "Usage");
  });
});

describe("tail endpoint", () => {
  before(async () => {
    await seedPool(server.url, "tailed", [
      { data: { n: 1 }, tags: ["a"] },
      { data: { n: 2 }, tags: ["a", "b"] },
      { data: { n: 3 }, tags: ["b"] },
      { data: { n: 4 }, tags: ["a", "b"] },
    ]);
  });

  test("since_seq with timeout_ms=0 streams retained messages as JSON Lines and ends", async () => {
    const r = await request(server.url, "/v0/pools/tailed/tail?since_seq=2&timeout_ms=0");
    assert.equal(r.status, 200);
    assert.match(String(r.headers["content-type"]), /^application\/jsonl/);
    assert.deepEqual(
      jsonLines(r.text).map((m) => m.data.n),
      [2, 3, 4],
    );
    assert.equal(r.headers["cairn-start-seq"], "2");
  });

  test("max ends the stream after that many messages", async () => {
    const r = await request(server.url, "/v0/pools/tailed/tail?since_seq=1&max=2");
    assert.deepEqual(
      jsonLines(r.text).map((m) => m.seq),
      [1, 2],
    );
  });

  test("repeated tag parameters filter with AND", async () => {
    const r = await request(server.url, "/v0/pools/tailed/tail?since_seq=1&timeout_ms=0&tag=a&tag=b");
    assert.deepEqual(
      jsonLines(r.text).map((m) => m.seq),
      [2, 4],
    );
  });

  test("timeout_ms ends a live tail that sees no message", async () => {
    const r = await request(server.url, "/v0/pools/tailed/tail?timeout_ms=150");
    assert.equal(r.status, 200);
    assert.equal(r.text, "");
  });

  test("a live tail delivers a message appended after it started", async () => {
    const pending = request(server.url, "/v0/pools/tailed/tail?max=1&timeout_ms=10000");
    await new Promise((r) => setTimeout(r, 150));
    await post(server.url, "/v0/pools/tailed/append", { data: { live: true } });
    const r = await pending;
    assert.deepEqual(jsonLines(r.text)[0].data, { live: true });
  });

  test("timeout_ms over 30000, bad numbers and a bad gap_policy are Usage (400)", async () => {
    assertEnvelope(await request(server.url, "/v0/pools/tailed/tail?timeout_ms=30001"), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/tailed/tail?since_seq=-1"), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/tailed/tail?max=0"), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/tailed/tail?gap_policy=skip"), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/tailed/tail?tag="), 400, "Usage");
    assertEnvelope(await request(server.url, "/v0/pools/nothere/tail"), 404, "NotFound");
  });

  test("gap_policy=error reports a retention gap as one error line; continue skips it with a notice", async () => {
    await post(server.url, "/v0/pools", { pool: "gappy", size_bytes: 16384 });
    for (let i = 0; i < 120; i++)
      await post(server.url, "/v0/pools/gappy/append", { data: { i, pad: "x".repeat(200) } });
    const info = (await request(server.url, "/v0/pools/gappy/info")).json().pool;
    assert.ok(info.bounds.oldest > 1, "the ring wrapped");
    const strict = jsonLines(
      (await request(server.url, "/v0/pools/gappy/tail?since_seq=1&timeout_ms=0&gap_policy=error")).text,
    );
    assert.equal(strict.length, 1);
    assert.equal(strict[0].error.kind, "RetentionGap");
    const lenient = jsonLines(
      (await request(server.url, "/v0/pools/gappy/tail?since_seq=1&timeout_ms=0&notices=1")).text,
    );
    assert.equal(lenient[0].notice.kind, "drop");
    assert.equal(lenient[0].notice.from_seq, 1);
    assert.equal(lenient[1].seq, info.bounds.oldest);
    assert.equal(lenient.at(-1).seq, 120);
  });

  test("last=N and from=oldest start where they say", async () => {
    const last = jsonLines((await request(server.url, "/v0/pools/tailed/tail?last=2&timeout_ms=0")).text);
    assert.equal(last.length, 2);
    const oldest = jsonLines((await request(server.url, "/v0/pools/tailed/tail?from=oldest&timeout_ms=0")).text);
    assert.equal(oldest[0].seq, 1);
  });
});

describe("malformed requests", () => {
  test("bad JSON, a wrong content type, an empty body and a non-object body are Usage (400)", async () => {
    await post(server.url, "/v0/pools", { pool: "malformed" });
    assertEnvelope(
      await request(server.url, "/v0/pools/malformed/append", { method: "POST", raw: "{nope" }),
      400,
      "Usage",
    );
    assertEnvelope(
      await request(server.url, "/v0/pools/malformed/append", {
        method: "POST",
        raw: '{"data":1}',
        contentType: "text/plain",
      }),
      400,
      "Usage",
    );
    assertEnvelope(await request(server.url, "/v0/pools/malformed/append", { method: "POST", raw: "" }), 400, "Usage");
    assertEnvelope(
      await request(server.url, "/v0/pools/malformed/append", { method: "POST", raw: "[1]" }),
      400,
      "Usage",
    );
  });

  test("a body that is not UTF-8 is Usage (400), and nothing is appended", async () => {
    await post(server.url, "/v0/pools", { pool: "latin1" });
    const body = Buffer.concat([Buffer.from('{"data":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    const r = await request(server.url, "/v0/pools/latin1/append", { method: "POST", raw: body });
    assertEnvelope(r, 400, "Usage");
    assert.match(r.json().error.message, /UTF-8/);
    const info = await request(server.url, "/v0/pools/latin1/info");
    assert.equal(info.json().pool.metrics.message_count, 0);
  });

  test("oversize headers are 431 and a garbled request is 400, both with the JSON envelope", async () => {
    const rawReply = (text: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = net.connect(server.port, "127.0.0.1", () => socket.end(text));
        let raw = "";
        socket.setEncoding("utf8").on("data", (d) => (raw += d));
        socket.on("error", reject);
        socket.on("close", () => resolve(raw));
      });
    const big = await rawReply(`GET /healthz HTTP/1.1\r\nhost: x\r\nx-big: ${"a".repeat(32 * 1024)}\r\n\r\n`);
    assert.match(big, /^HTTP\/1\.1 431 /);
    assert.match(big, /\{"error":\{"kind":"Usage","message":"request headers are too large/);
    const garbled = await rawReply("NOT HTTP AT ALL\r\n\r\n");
    assert.match(garbled, /^HTTP\/1\.1 400 /);
    assert.match(garbled, /"kind":"Usage"/);
  });

  test("a body over 1 MiB is refused with 413, by Content-Length and when streamed", async () => {
    await post(server.url, "/v0/pools", { pool: "big", size_bytes: "8M" });
    const big = JSON.stringify({ data: "x".repeat(1024 * 1024) });
    assertEnvelope(await request(server.url, "/v0/pools/big/append", { method: "POST", raw: big }), 413, "Usage");
    const chunked = await new Promise<{ status: number; text: string; headers: Record<string, unknown> }>(
      (resolve, reject) => {
        const socket = net.connect(server.port, "127.0.0.1", () => {
          socket.write(
            "POST /v0/pools/big/append HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
          );
          const chunk = "y".repeat(256 * 1024);
          for (let i = 0; i < 6; i++) socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
          socket.write("0\r\n\r\n");
        });
        let raw = "";
        socket.setEncoding("utf8").on("data", (d) => (raw += d));
        socket.on("error", reject);
        socket.on("close", () => {
          const [head = "", body = ""] = raw.split("\r\n\r\n");
          const status = Number(head.split(" ")[1]);
          const headers = Object.fromEntries(
            head
              .split("\r\n")
              .slice(1)
              .map((l) => [l.split(":")[0]!.toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
          );
          resolve({ status, text: body, headers });
        });
      },
    );
    assertEnvelope(chunked, 413, "Usage");
    const ok = await post(server.url, "/v0/pools/big/append", { data: "x".repeat(1000 * 1000) });
    assert.equal(ok.status, 200, "a body just under the limit is accepted");
  });

  test("unknown paths are NotFound (404) and wrong methods 405 with Allow", async () => {
    assertEnvelope(await request(server.url, "/v0/nothing"), 404, "NotFound");
    assertEnvelope(await request(server.url, "/elsewhere"), 404, "NotFound");
    const r = await request(server.url, "/v0/pools/x/append");
    assertEnvelope(r, 405, "Usage");
    assert.equal(r.headers.allow, "POST");
    for (const [method, p] of [
      ["POST", "/healthz"],
      ["PUT", "/ui/app.js"],
      ["DELETE", "/ui/"],
      ["POST", "/"],
    ] as const) {
      const wrong = await request(server.url, p, { method });
      assertEnvelope(wrong, 405, "Usage");
      assert.equal(wrong.headers.allow, "GET, HEAD", `${method} ${p}`);
    }
  });

  test("a pool file that is not a pool is Corrupt (500) to open, and listed with its error", async () => {
    const { Client } = await import("../../src/api/client.js");
    const fs = await import("node:fs");
    const pool = await new Client({ dir: server.dir }).create("mangled", { size: 65536 });
    await pool.close();
    const fd = fs.openSync(`${server.dir}/mangled.cairn`, "r+");
    fs.writeSync(fd, Buffer.alloc(64, 0xff), 0, 64, 0);
    fs.closeSync(fd);
    assertEnvelope(await request(server.url, "/v0/pools/mangled/info"), 500, "Corrupt");
    assertEnvelope(await post(server.url, "/v0/pools/open", { pool: "mangled" }), 500, "Corrupt");
    const listed = (await request(server.url, "/v0/pools"))
      .json()
      .pools.find((p: { name: string }) => p.name === "mangled");
    assert.equal(listed.error.kind, "Corrupt");
    assert.equal(listed.path, "mangled.cairn"); // relative to the pool directory (issue 10, finding 17)
    const catalog = (await request(server.url, "/v0/ui/pools")).json();
    const card = catalog.pools.find((p: { name: string }) => p.name === "mangled");
    assert.deepEqual([card.error.kind, card.streams], ["Corrupt", 0]);
    assert.equal(catalog.streams_max, 64);
  });

  test("pool names that try to leave the pool directory are refused", async () => {
    const attempts = [
      "/v0/pools/..%2F..%2Fetc%2Fpasswd/info",
      "/v0/pools/%2Fetc%2Fpasswd/info",
      "/v0/pools/..%2Fescape/messages/1",
      "/v0/pools/.hidden/info",
      "/v0/pools/a%00b/info",
      "/v0/pools/%E0%A4%A/info",
    ];
    for (const p of attempts) {
      const r = await request(server.url, p);
      assertEnvelope(r, 400, "Usage");
    }
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "../outside" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools", { pool: "/tmp/abs" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools/open", { pool: "sub/dir" }), 400, "Usage");
    assertEnvelope(await post(server.url, "/v0/pools", { pool: 42 }), 400, "Usage");
    // A dot-dot path segment is resolved by URL parsing before routing, so it never names a pool.
    assertEnvelope(await request(server.url, "/v0/pools/../../etc/passwd"), 404, "NotFound");
  });
});

describe("slow clients", () => {
  let slow: TestServer;
  before(async () => {
    slow = await startTestServer({ requestTimeoutMs: 600 });
    await post(slow.url, "/v0/pools", { pool: "slow" });
  });
  after(() => slow.close());

  /** Sends `text` on a raw socket and never finishes the request; resolves with the reply and its delay. */
  function stall(text: string): Promise<{ raw: string; ms: number }> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const socket = net.connect(slow.port, "127.0.0.1", () => socket.write(text));
      let raw = "";
      socket.setEncoding("utf8").on("data", (d) => (raw += d));
      socket.on("error", reject);
      socket.on("close", () => resolve({ raw, ms: Date.now() - started }));
    });
  }

  test("a body that stops arriving is answered 408 with the envelope, and nothing is appended", async () => {
    const { raw, ms } = await stall(
      'POST /v0/pools/slow/append HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"data":',
    );
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.match(raw, /plasmite-version: 0/);
    assert.match(raw, /\{"error":\{"kind":"Usage","message":"the request did not arrive in time"\}\}$/);
    assert.ok(ms < 5_000, `answered after ${ms} ms`);
    const info = await request(slow.url, "/v0/pools/slow/info");
    assert.equal(info.json().pool.metrics.message_count, 0);
  });

  test("headers that stop arriving are answered 408 too", async () => {
    const { raw, ms } = await stall("GET /v0/pools HTTP/1.1\r\nhost: x\r\nx-slow: ");
    assert.match(raw, /^HTTP\/1\.1 408 /);
    assert.ok(ms < 5_000, `answered after ${ms} ms`);
  });

  test("a live tail is a response, not a request: it outlives the request deadline", async () => {
    const pending = request(slow.url, "/v0/pools/slow/tail?max=1");
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal((await post(slow.url, "/v0/pools/slow/append", { data: "late" })).status, 200);
    const r = await pending;
    assert.equal(r.status, 200);
    assert.equal(jsonLines(r.text)[0].data, "late");
  });
});
