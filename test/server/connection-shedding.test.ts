/**
 * The connection bound sheds idle connections first (issue 10, finding 10): idle sockets —
 * never used, or between keep-alive requests — make room for new clients, oldest first;
 * connections with a request in flight are never shed, so when all are busy a new one is
 * closed at once.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, test } from "node:test";
import { post, request, startTestServer } from "./harness.js";

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => resolve(socket));
    socket.on("error", reject);
  });
}

/** Resolves true when the socket is closed by the server before `ms`. */
function closedWithin(socket: net.Socket, ms: number): Promise<boolean> {
  if (socket.destroyed) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
    socket.resume();
  });
}

/** Sends one keep-alive request on a raw socket and waits for its whole reply. */
function keepAliveRequest(socket: net.Socket, path: string): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    const onData = (chunk: Buffer) => {
      text += chunk.toString("latin1");
      const head = text.indexOf("\r\n\r\n");
      const length = /content-length: (\d+)/i.exec(text);
      if (head >= 0 && length && text.length >= head + 4 + Number(length[1])) {
        socket.off("data", onData);
        resolve(text);
      }
    };
    socket.on("data", onData);
    socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n`);
  });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("connection shedding", () => {
  test("idle sockets that never sent a request make room for a new client, oldest first", async () => {
    const server = await startTestServer({ connectionsMax: 2 });
    try {
      const first = await connect(server.port);
      await pause(50);
      const second = await connect(server.port);
      await pause(100);
      const health = await request(server.url, "/healthz");
      assert.equal(health.status, 200, "a new client is answered although two idle sockets fill the bound");
      assert.equal(await closedWithin(first, 2_000), true, "the oldest idle socket was closed");
      assert.equal(await closedWithin(second, 200), false, "the younger one was kept");
      second.destroy();
    } finally {
      await server.close();
    }
  });

  test("a keep-alive socket between requests is idle and can be shed", async () => {
    const server = await startTestServer({ connectionsMax: 2 });
    try {
      const kept = await connect(server.port);
      assert.match(await keepAliveRequest(kept, "/healthz"), /^HTTP\/1\.1 200/);
      const other = await connect(server.port);
      assert.match(await keepAliveRequest(other, "/healthz"), /^HTTP\/1\.1 200/);
      await pause(50);
      assert.equal((await request(server.url, "/healthz")).status, 200);
      assert.equal(await closedWithin(kept, 2_000), true, "the socket idle the longest was closed");
      other.destroy();
    } finally {
      await server.close();
    }
  });

  test("busy connections are never shed: with every one streaming, a new one is closed at once", async () => {
    const server = await startTestServer({ connectionsMax: 2 });
    try {
      assert.equal((await post(server.url, "/v0/pools", { pool: "busy" })).status, 200);
      const streams = [await connect(server.port), await connect(server.port)];
      for (const socket of streams)
        socket.write("GET /v0/pools/busy/tail?timeout_ms=20000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await pause(300);
      const third = await connect(server.port).catch(() => null);
      assert.equal(third === null || (await closedWithin(third, 2_000)), true, "the new connection was refused");
      for (const socket of streams) assert.equal(socket.destroyed, false, "the streams kept running");
      for (const socket of streams) socket.destroy();
    } finally {
      await server.close();
    }
  });
});
