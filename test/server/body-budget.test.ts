/**
 * Request bodies in flight are bounded server-wide: slow clients each holding a partial
 * body cannot make the server hold connections × body limit. A body whose declared length
 * does not fit the budget is Busy (423) at once; once the others finish, bodies fit again.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { after, before, describe, it } from "node:test";
import { type TestServer, eventually, post, startTestServer } from "./harness.js";

/** Starts a POST that declares `length` bytes and sends only a few; resolves its socket. */
function partialPost(port: number, length: number): Promise<{ socket: net.Socket; answer: () => string }> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = net.connect(port, "127.0.0.1", () => {
      socket.write(
        `POST /v0/pools/p/append HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n\r\n{"data":`,
      );
      resolve({ socket, answer: () => answer });
    });
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("error", reject);
  });
}

describe("the server-wide budget for request bodies", { timeout: 30_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bodyBytesInFlightMax: 2 * 1024 * 1024 });
    await post(server.url, "/v0/pools", { pool: "p" });
  });
  after(() => server.close());

  it("answers Busy (423) to a body that does not fit while others hold the budget", async () => {
    const held = [await partialPost(server.port, 1_000_000), await partialPost(server.port, 1_000_000)];
    await eventually(() => server.context.bodies.bytesHeld >= 2_000_000, 5_000, "two bodies held");
    const third = await partialPost(server.port, 1_000_000);
    await eventually(() => third.answer().length > 0, 5_000, "an answer to the third body");
    assert.match(third.answer(), /^HTTP\/1\.1 423 /);
    assert.match(third.answer(), /"kind":"Busy"/);
    for (const { socket } of [...held, third]) socket.destroy();
    await eventually(() => server.context.bodies.bytesHeld === 0, 5_000, "the budget given back");
    const ok = await post(server.url, "/v0/pools/p/append", { data: { after: true } });
    assert.equal(ok.status, 200, ok.text);
  });
});
