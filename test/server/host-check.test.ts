/**
 * The Host check (DNS rebinding): real requests over node:http with explicit Host headers
 * against servers on port 0. Only loopback names, the bind address and configured names
 * are answered; anything else is 421 in the JSON error envelope before any route runs.
 */
import * as assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, test } from "node:test";
import { newPoolDir, runCli } from "../cli/cli-harness.js";
import { HostCheck, normalizeAllowedHost, parseHostHeader } from "../../src/server/host-check.js";
import { type TestServer, request, seedPool, startTestServer } from "./harness.js";

/** Sends raw bytes and returns the whole answer (HTTP/1.0 requests may carry no Host). */
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

describe("host check against DNS rebinding", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await seedPool(server.url, "victim", [{ data: 1 }]);
  });
  after(() => server.close());

  test("a rebound name cannot delete, read or append: 421 Permission, and the pool survives", async () => {
    const evil = `evil.example:${server.port}`;
    const headers = { host: evil, origin: `http://${evil}` };
    for (const [method, route, body] of [
      ["DELETE", "/v0/pools/victim", undefined],
      ["GET", "/v0/pools/victim/messages/1", undefined],
      ["POST", "/v0/pools/victim/append", { data: "evil" }],
      ["OPTIONS", "/v0/pools/victim", undefined],
      ["GET", "/healthz", undefined],
      ["GET", "/ui/", undefined],
    ] as const) {
      const r = await request(server.url, route, { method, headers, ...(body ? { body } : {}) });
      assert.equal(r.status, 421, `${method} ${route}`);
      const error = r.json().error;
      assert.equal(error.kind, "Permission");
      assert.match(error.message, /evil\.example/);
      assert.match(error.hint, /--allowed-host/);
    }
    const info = await request(server.url, "/v0/pools/victim/info");
    assert.equal(info.status, 200);
    assert.equal(info.json().newest_seq ?? info.json().newestSeq ?? 1, 1);
  });

  test("loopback names with the server's port or none are answered", async () => {
    for (const host of [
      `127.0.0.1:${server.port}`,
      "127.0.0.1",
      `127.1.2.3:${server.port}`,
      `localhost:${server.port}`,
      "LocalHost",
      `[::1]:${server.port}`,
      "[::1]",
    ]) {
      const r = await request(server.url, "/healthz", { headers: { host } });
      assert.equal(r.status, 200, host);
    }
  });

  test("a loopback name with another port, or a malformed Host, is refused", async () => {
    for (const host of [`127.0.0.1:${server.port + 1}`, "localhost.evil.example", "127.0.0.1.nip.io", "a b", "[::1"]) {
      const r = await request(server.url, "/healthz", { headers: { host } });
      assert.equal(r.status, 421, host);
    }
  });

  test("an HTTP/1.0 request without Host gets the JSON envelope, not node's bare 400", async () => {
    const answer = await rawRequest(server.port, "GET /v0/pools HTTP/1.0\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.[01] 421 /);
    const body = JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4));
    assert.equal(body.error.kind, "Permission");
    assert.match(body.error.message, /without a Host header/);
  });

  test("an HTTP/1.1 request without Host gets the same envelope", async () => {
    const answer = await rawRequest(server.port, "GET /healthz HTTP/1.1\r\nconnection: close\r\n\r\n");
    assert.match(answer, /^HTTP\/1\.1 421 /);
    assert.equal(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.kind, "Permission");
  });
});

describe("allowed hosts", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ allowedHosts: ["pools.example.com"] });
  });
  after(() => server.close());

  test("a configured name is answered on any port; other names still are not", async () => {
    for (const host of ["pools.example.com", "POOLS.example.com:443", `pools.example.com:${server.port}`]) {
      assert.equal((await request(server.url, "/healthz", { headers: { host } })).status, 200, host);
    }
    assert.equal((await request(server.url, "/healthz", { headers: { host: "example.com" } })).status, 421);
  });
});

describe("host check rules", () => {
  test("Host headers parse into a lower-case name and an optional port", () => {
    assert.deepEqual(parseHostHeader("Example.COM:80"), { name: "example.com", port: 80 });
    assert.deepEqual(parseHostHeader("[::1]:9700"), { name: "::1", port: 9700 });
    assert.deepEqual(parseHostHeader("127.0.0.1"), { name: "127.0.0.1", port: null });
    for (const bad of ["", "a:b", "::1", "[zz]:1", "host:80:80", "user@host", "a/b"])
      assert.equal(parseHostHeader(bad), null, bad);
  });

  test("a specific bind address is answered with the server's port; a wildcard bind is not a name", () => {
    const specific = new HostCheck([], "192.168.1.5");
    assert.ok(specific.allows("192.168.1.5:9700", 9700));
    assert.ok(!specific.allows("192.168.1.5:80", 9700));
    const wildcard = new HostCheck([], "0.0.0.0");
    assert.ok(!wildcard.allows("0.0.0.0:9700", 9700));
    assert.ok(!wildcard.allows("192.168.1.5:9700", 9700));
    assert.ok(wildcard.allows("localhost:9700", 9700));
    assert.ok(!wildcard.allows(undefined, 9700));
  });

  test("--allowed-host takes a bare name or address", () => {
    assert.equal(normalizeAllowedHost("Pools.Example.com"), "pools.example.com");
    assert.equal(normalizeAllowedHost("[fe80::1]"), "fe80::1");
    assert.equal(normalizeAllowedHost("10.0.0.2"), "10.0.0.2");
    for (const bad of ["http://x.example", "x.example:80", "x.example/path", "-x.example", "*"])
      assert.equal(normalizeAllowedHost(bad), null, bad);
  });
});

describe("cairn serve --allowed-host", () => {
  test("serve check reports the allowed hosts and refuses a malformed one", async () => {
    const dir = newPoolDir();
    const ok = await runCli(["serve", "check", "--allowed-host", "Pools.Example.com", "--json"], { dir });
    assert.equal(ok.code, 0, ok.stderr);
    assert.deepEqual(JSON.parse(ok.stdout).check.allowed_hosts, ["pools.example.com"]);
    const bad = await runCli(["serve", "check", "--allowed-host", "http://x.example:80"], { dir });
    assert.equal(bad.code, 2);
    assert.match(JSON.parse(bad.stderr).error.message, /--allowed-host/);
  });
});
