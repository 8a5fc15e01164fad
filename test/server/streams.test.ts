/**
 * Long-lived streams: the 64-stream limit (423) without starving ordinary requests, slots
 * freed when clients disconnect mid-tail, bounded buffering for a client that stops
 * reading, and the UI's SSE stream.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as http from "node:http";
import type * as net from "node:net";
import { after, before, describe, test } from "node:test";
import { type TestServer, eventually, post, request, seedPool, sleep, startTestServer } from "./harness.js";

/** Opens a tail and resolves once its headers arrive; the caller destroys it. */
function openTail(base: string, path: string): Promise<{ req: http.ClientRequest; res: http.IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = http.get(new URL(path, base), { agent: false }, (res) => resolve({ req, res }));
    req.on("error", reject);
  });
}

describe("stream limits", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await seedPool(server.url, "busy", [{ data: 1 }]);
  });
  after(() => server.close());

  test("the 65th concurrent tail is Busy (423) while ordinary requests are still served", async () => {
    const tails = await Promise.all(Array.from({ length: 64 }, () => openTail(server.url, "/v0/pools/busy/tail")));
    try {
      assert.ok(tails.every((t) => t.res.statusCode === 200));
      const refused = await request(server.url, "/v0/pools/busy/tail");
      assert.equal(refused.status, 423);
      assert.equal(refused.json().error.kind, "Busy");
      const sse = await request(server.url, "/v0/ui/pools/busy/events");
      assert.equal(sse.status, 423, "SSE streams count against the same limit");
      for (const p of ["/v0/pools/..%2Fetc/tail", "/v0/ui/pools/%2Ftmp%2Fx/events"]) {
        const bad = await request(server.url, p);
        assert.equal(bad.status, 400, `${p} is Usage before any slot is looked at`);
        assert.equal(bad.json().error.kind, "Usage");
      }
      assert.equal((await request(server.url, "/v0/pools/busy/info")).status, 200);
      assert.equal((await post(server.url, "/v0/pools/busy/append", { data: "still writable" })).status, 200);
      assert.equal((await request(server.url, "/v0/pools/busy/messages/1")).status, 200);
    } finally {
      for (const t of tails) t.req.destroy();
    }
  });

  test("HEAD on a tail or SSE stream answers the headers, ends, and keeps no slot", { timeout: 30_000 }, async () => {
    for (let i = 0; i < 70; i++) {
      const path = i % 2 === 0 ? "/v0/pools/busy/tail" : "/v0/ui/pools/busy/events";
      const head = await request(server.url, path, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.text, "");
      assert.ok(head.headers["cairn-start-seq"]);
    }
    assert.equal(server.context.streams.inUse, 0);
    assert.equal((await request(server.url, "/v0/pools/busy/tail?timeout_ms=0")).status, 200);
    assert.equal((await request(server.url, "/v0/pools/absent/tail", { method: "HEAD" })).status, 404);
  });

  test("clients that disconnect mid-tail give their slots back", async () => {
    const first = await Promise.all(Array.from({ length: 64 }, () => openTail(server.url, "/v0/pools/busy/tail")));
    for (const t of first) t.req.destroy();
    await eventually(() => server.context.streams.inUse === 0, 10_000, "slots released");
    const second = await Promise.all(Array.from({ length: 64 }, () => openTail(server.url, "/v0/pools/busy/tail")));
    try {
      assert.ok(second.every((t) => t.res.statusCode === 200));
    } finally {
      for (const t of second) t.req.destroy();
    }
    await eventually(() => server.context.streams.inUse === 0, 10_000, "slots released again");
  });

  test("a tail whose client vanishes while messages flow ends without affecting other tails", async () => {
    const watcher = openTail(server.url, "/v0/pools/busy/tail?max=3");
    const victim = await openTail(server.url, "/v0/pools/busy/tail");
    const { res } = await watcher;
    let text = "";
    res.setEncoding("utf8").on("data", (d) => (text += d));
    await post(server.url, "/v0/pools/busy/append", { data: "a" });
    victim.req.destroy();
    await post(server.url, "/v0/pools/busy/append", { data: "b" });
    await post(server.url, "/v0/pools/busy/append", { data: "c" });
    await new Promise((r) => res.on("end", r));
    assert.deepEqual(
      text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).data),
      ["a", "b", "c"],
    );
    await eventually(() => server.context.streams.inUse === 0, 10_000, "both streams ended");
  });
});

describe("a pool deleted under its streams", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  /** Opens a stream and resolves with everything it sent once it ends. */
  async function streamText(path: string): Promise<{ ended: Promise<string> }> {
    const { res } = await openTail(server.url, path);
    let text = "";
    res.setEncoding("utf8").on("data", (d) => (text += d));
    return { ended: new Promise((resolve) => res.on("end", () => resolve(text))) };
  }

  test("deleted through the server: tail and SSE end with a NotFound error", { timeout: 30_000 }, async () => {
    await seedPool(server.url, "doomed", [{ data: 1 }]);
    const tail = await streamText("/v0/pools/doomed/tail");
    const sse = await streamText("/v0/ui/pools/doomed/events");
    assert.equal((await request(server.url, "/v0/pools/doomed", { method: "DELETE" })).status, 200);
    const last = (await tail.ended).trim().split("\n").at(-1) as string;
    assert.equal(JSON.parse(last).error.kind, "NotFound");
    assert.match(await sse.ended, /event: error\ndata: \{"error":\{"kind":"NotFound"/);
    await eventually(() => server.context.streams.inUse === 0, 10_000, "slots released");
  });

  test("deleted behind the server's back: the tail ends with a NotFound error", { timeout: 30_000 }, async () => {
    await seedPool(server.url, "unlinked", [{ data: 1 }]);
    const tail = await streamText("/v0/pools/unlinked/tail?since_seq=1");
    fs.unlinkSync(`${server.dir}/unlinked.cairn`);
    const lines = (await tail.ended).trim().split("\n");
    assert.equal(JSON.parse(lines[0] as string).seq, 1);
    assert.equal(JSON.parse(lines.at(-1) as string).error.kind, "NotFound");
  });
});

describe("fan-out", () => {
  test("every live tail on a pool receives each new message", async () => {
    const server = await startTestServer();
    try {
      await seedPool(server.url, "fan", []);
      const tails = await Promise.all(
        Array.from({ length: 12 }, () => openTail(server.url, "/v0/pools/fan/tail?max=2")),
      );
      const bodies = tails.map(
        ({ res }) =>
          new Promise<string>((resolve) => {
            let text = "";
            res.setEncoding("utf8").on("data", (d) => (text += d));
            res.on("end", () => resolve(text));
          }),
      );
      await post(server.url, "/v0/pools/fan/append", { data: "one" });
      await post(server.url, "/v0/pools/fan/append", { data: "two" });
      for (const body of await Promise.all(bodies)) {
        assert.deepEqual(
          body
            .trim()
            .split("\n")
            .map((l) => JSON.parse(l).data),
          ["one", "two"],
        );
      }
    } finally {
      await server.close();
    }
  });
});

describe("backpressure", () => {
  test("a client that stops reading holds at most a bounded amount in the server, then gets everything in order", async () => {
    const server = await startTestServer();
    try {
      await post(server.url, "/v0/pools", { pool: "flood", size_bytes: "16M" });
      const pad = "z".repeat(2000);
      for (let i = 0; i < 40; i++) {
        const items = Array.from({ length: 100 }, (_, j) => ({ data: { i: i * 100 + j, pad } }));
        assert.equal((await post(server.url, "/v0/pools/flood/append_batch", { items })).status, 200);
      }
      const sockets: net.Socket[] = [];
      server.httpServer.on("connection", (s: net.Socket) => sockets.push(s));
      const { res } = await openTail(server.url, "/v0/pools/flood/tail?since_seq=1&timeout_ms=0");
      res.pause();
      await sleep(600);
      const buffered = Math.max(...sockets.map((s) => s.writableLength));
      // ~8 MiB are waiting in the pool; the server keeps well under that in user space.
      assert.ok(buffered < 1024 * 1024, `server buffered ${buffered} bytes for a paused client`);
      let count = 0;
      let last = -1;
      let inOrder = true;
      let rest = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        const lines = (rest + chunk).split("\n");
        rest = lines.pop() ?? "";
        for (const line of lines) {
          const seq = JSON.parse(line).seq as number;
          if (seq !== last + 1 && last !== -1) inOrder = false;
          last = seq;
          count += 1;
        }
      });
      res.resume();
      await new Promise((r) => res.on("end", r));
      assert.equal(count, 4000);
      assert.ok(inOrder);
    } finally {
      await server.close();
    }
  });
});

describe("SSE for the UI", () => {
  test("a client that stops reading an SSE stream gets no more info events queued for it", async () => {
    const server = await startTestServer({ sseHeartbeatMs: 10 });
    try {
      await post(server.url, "/v0/pools", { pool: "stalled", size_bytes: "16M" });
      const pad = "z".repeat(2000);
      for (let i = 0; i < 20; i++) {
        const items = Array.from({ length: 100 }, (_, j) => ({ data: { i: i * 100 + j, pad } }));
        assert.equal((await post(server.url, "/v0/pools/stalled/append_batch", { items })).status, 200);
      }
      const sockets: net.Socket[] = [];
      server.httpServer.on("connection", (s: net.Socket) => sockets.push(s));
      const { req, res } = await openTail(server.url, "/v0/ui/pools/stalled/events?since_seq=1");
      res.pause();
      await sleep(500);
      const buffered = () => Math.max(...sockets.map((s) => s.writableLength));
      const before = buffered();
      await sleep(1_500); // ~150 heartbeats of ~700 bytes each
      const grown = buffered() - before;
      req.destroy();
      assert.ok(grown < 8 * 1024, `the stalled stream's buffer grew by ${grown} bytes`);
    } finally {
      await server.close();
    }
  });

  test("sends retained history with ids, pool info, and live messages", async () => {
    const server = await startTestServer();
    try {
      await seedPool(server.url, "sse", [{ data: { n: 1 }, tags: ["x"] }, { data: { n: 2 } }]);
      const { req, res } = await openTail(server.url, "/v0/ui/pools/sse/events?last=5");
      assert.match(String(res.headers["content-type"]), /^text\/event-stream/);
      let text = "";
      res.setEncoding("utf8").on("data", (d) => (text += d));
      await eventually(() => text.includes("event: info"), 5000, "info event");
      await post(server.url, "/v0/pools/sse/append", { data: { n: 3 } });
      await eventually(() => text.includes('"n":3'), 5000, "live message");
      req.destroy();
      assert.match(text, /id: 1\nevent: message\ndata: \{"data":\{"n":1\},"meta":\{"tags":\["x"\]\},"seq":1/);
      assert.match(text, /id: 3\nevent: message/);
      const info = /event: info\ndata: (.*)\n/.exec(text);
      assert.equal(JSON.parse(info![1]!).pool.name, "sse");
    } finally {
      await server.close();
    }
  });

  test("Last-Event-ID resumes right after the last message seen", async () => {
    const server = await startTestServer();
    try {
      await seedPool(server.url, "resume", [{ data: 1 }, { data: 2 }, { data: 3 }]);
      const r = await request(server.url, "/v0/ui/pools/resume/events?last=10&timeout_ms=0", {
        headers: { "last-event-id": "2" },
      });
      const ids = [...r.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual(ids, [3]);
      for (const id of ["seven", "99999999999999999999"]) {
        const bad = await request(server.url, "/v0/ui/pools/resume/events?timeout_ms=0", {
          headers: { "last-event-id": id },
        });
        assert.equal(bad.status, 400, id);
        assert.equal(bad.json().error.kind, "Usage");
      }
    } finally {
      await server.close();
    }
  });

  test("messages that left the ring are one gap event, then the retained ones follow", async () => {
    const server = await startTestServer();
    try {
      await post(server.url, "/v0/pools", { pool: "wrapped", size_bytes: 16384 });
      for (let i = 0; i < 120; i++)
        await post(server.url, "/v0/pools/wrapped/append", { data: { i, pad: "x".repeat(200) } });
      const oldest = (await request(server.url, "/v0/pools/wrapped/info")).json().pool.bounds.oldest as number;
      assert.ok(oldest > 1, "the ring wrapped");
      const r = await request(server.url, "/v0/ui/pools/wrapped/events?since_seq=1&timeout_ms=0");
      const gap = /event: gap\ndata: (.*)\n/.exec(r.text);
      assert.ok(gap, r.text.slice(0, 300));
      assert.deepEqual(JSON.parse(gap[1]!), { from_seq: 1, to_seq: oldest - 1, count: oldest - 1 });
      const ids = [...r.text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual([ids[0], ids.at(-1)], [oldest, 120]);
      assert.ok(r.text.indexOf("event: gap") < r.text.indexOf(`id: ${oldest}\n`), "the gap comes first");
    } finally {
      await server.close();
    }
  });
});
