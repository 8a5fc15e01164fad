/**
 * HEAD on a stream answers its headers without a stream slot (the docs say it keeps
 * none, so it must not need one either), and /healthz without a Host header still gets
 * the JSON envelope with the protocol header rather than node's bare 400.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { type TestServer, request, seedPool, startTestServer } from "./harness.js";

function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.end(text));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

describe("HEAD on streams and /healthz without Host", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ streamSlotsMax: 1 });
    await seedPool(server.url, "p", [{ data: 1 }, { data: 2 }]);
  });
  after(() => server.close());

  it("answers HEAD on a tail and on an SSE stream while every stream slot is taken", async () => {
    const release = server.context.streams.acquire("p");
    try {
      const tail = await request(server.url, "/v0/pools/p/tail?from=oldest", { method: "HEAD" });
      assert.equal(tail.status, 200);
      assert.equal(tail.headers["cairn-start-seq"], "1");
      const sse = await request(server.url, "/v0/ui/pools/p/events?last=1", { method: "HEAD" });
      assert.equal(sse.status, 200);
      assert.equal(sse.headers["cairn-start-seq"], "2");
      assert.equal(server.context.streams.inUse, 1);
      const get = await request(server.url, "/v0/pools/p/tail?from=oldest&timeout_ms=0");
      assert.equal(get.status, 423, "a GET still needs a slot");
    } finally {
      release();
    }
  });

  it("answers HEAD on a missing pool's stream with 404, not a stream", async () => {
    const r = await request(server.url, "/v0/pools/nope/tail", { method: "HEAD" });
    assert.equal(r.status, 404);
  });

  it("answers /healthz without a Host header with the JSON envelope and the protocol header", async () => {
    const answer = await rawRequest(server.port, "GET /healthz HTTP/1.0\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.[01] 421 /);
    assert.match(answer, /plasmite-version: 0/i);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    assert.equal(body.error.kind, "Permission");
  });
});
