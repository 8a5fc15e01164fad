/** Token authentication (constant-time compare), access modes, and exact-origin CORS. */
import * as assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type TestServer, post, request, seedPool, startTestServer } from "./harness.js";

const TOKEN = "s3cret-token-for-tests";

describe("bearer token", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ token: TOKEN });
    await seedPool(server.url, "guarded", [{ data: 1 }], { token: TOKEN });
  });
  after(() => server.close());

  test("a request without a token is 401 Permission with a Bearer challenge", async () => {
    const r = await request(server.url, "/v0/pools");
    assert.equal(r.status, 401);
    assert.equal(r.json().error.kind, "Permission");
    assert.match(String(r.headers["www-authenticate"]), /^Bearer/);
  });

  test("a wrong token, a token of another length and a malformed header are 401", async () => {
    for (const headers of [
      { authorization: "Bearer wrong-token-for-tests!" },
      { authorization: "Bearer x" },
      { authorization: `Basic ${TOKEN}` },
      { authorization: TOKEN },
    ]) {
      const r = await request(server.url, "/v0/pools/guarded/info", { headers });
      assert.equal(r.status, 401, JSON.stringify(headers));
      assert.equal(r.json().error.kind, "Permission");
    }
  });

  test("the right token reads and writes", async () => {
    assert.equal((await request(server.url, "/v0/pools/guarded/info", { token: TOKEN })).status, 200);
    assert.equal((await post(server.url, "/v0/pools/guarded/append", { data: 2 }, { token: TOKEN })).status, 200);
    assert.equal(
      (await request(server.url, "/v0/pools/guarded/tail?since_seq=1&timeout_ms=0", { token: TOKEN })).status,
      200,
    );
  });

  test("healthz and the UI's files need no token; the UI's API does", async () => {
    assert.equal((await request(server.url, "/healthz")).status, 200);
    assert.equal((await request(server.url, "/ui/")).status, 200);
    assert.equal((await request(server.url, "/v0/ui/session")).status, 401);
    const session = await request(server.url, "/v0/ui/session", { token: TOKEN });
    assert.equal(session.json().token_required, true);
  });
});

describe("access modes", () => {
  test("read-only answers 403 to every write and serves reads", async () => {
    const writer = await startTestServer();
    await seedPool(writer.url, "ro", [{ data: 1 }]);
    await writer.close();
    const server = await startTestServer({ dir: writer.dir, access: "read-only" });
    try {
      for (const [p, body] of [
        ["/v0/pools/ro/append", { data: 1 }],
        ["/v0/pools/ro/append_batch", { items: [{ data: 1 }] }],
        ["/v0/pools", { pool: "new" }],
        ["/v0/pools/ro/truncate", { before_seq: 1 }],
      ] as const) {
        const r = await post(server.url, p, body);
        assert.equal(r.status, 403, p);
        assert.equal(r.json().error.kind, "Permission");
      }
      assert.equal((await request(server.url, "/v0/pools/ro", { method: "DELETE" })).status, 403);
      assert.equal((await request(server.url, "/v0/pools")).status, 200);
      assert.equal((await request(server.url, "/v0/pools/ro/messages/1")).status, 200);
      assert.equal((await post(server.url, "/v0/pools/open", { pool: "ro" })).status, 200);
    } finally {
      await server.close();
    }
  });

  test("write-only answers 403 to reads and accepts appends", async () => {
    const server = await startTestServer({ access: "write-only" });
    try {
      assert.equal((await post(server.url, "/v0/pools", { pool: "wo" })).status, 200);
      assert.equal((await post(server.url, "/v0/pools/open", { pool: "wo" })).status, 200);
      assert.equal((await post(server.url, "/v0/pools/wo/append", { data: 1 })).status, 200);
      for (const p of [
        "/v0/pools",
        "/v0/pools/wo/info",
        "/v0/pools/wo/messages/1",
        "/v0/pools/wo/tail?timeout_ms=0",
        "/v0/ui/pools/wo/events",
      ]) {
        const r = await request(server.url, p);
        assert.equal(r.status, 403, p);
        assert.equal(r.json().error.kind, "Permission");
      }
    } finally {
      await server.close();
    }
  });
});

describe("CORS", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ corsOrigins: ["https://app.example.com"] });
  });
  after(() => server.close());

  test("an allowed origin is echoed exactly; others get no CORS header", async () => {
    const ok = await request(server.url, "/v0/pools", { headers: { origin: "https://app.example.com" } });
    assert.equal(ok.headers["access-control-allow-origin"], "https://app.example.com");
    assert.match(String(ok.headers.vary), /Origin/);
    for (const origin of [
      "https://evil.example.com",
      "https://app.example.com.evil.net",
      "http://app.example.com",
      "null",
    ]) {
      const r = await request(server.url, "/v0/pools", { headers: { origin } });
      assert.equal(r.headers["access-control-allow-origin"], undefined, origin);
    }
  });

  test("a preflight from an allowed origin is 204 with methods and headers; from another origin 403", async () => {
    const ok = await request(server.url, "/v0/pools/x/append", {
      method: "OPTIONS",
      headers: { origin: "https://app.example.com", "access-control-request-method": "POST" },
    });
    assert.equal(ok.status, 204);
    assert.match(String(ok.headers["access-control-allow-methods"]), /POST/);
    assert.match(String(ok.headers["access-control-allow-headers"]), /authorization/);
    const bad = await request(server.url, "/v0/pools/x/append", {
      method: "OPTIONS",
      headers: { origin: "https://evil.example.com", "access-control-request-method": "POST" },
    });
    assert.equal(bad.status, 403);
    assert.equal(bad.json().error.kind, "Permission");
  });
});
