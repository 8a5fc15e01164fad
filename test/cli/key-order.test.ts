/**
 * JSON pools keep the writer's key order and every key (issue 10 finding 11, issue 11):
 * the stored text is passed through on every surface — CLI fetch/follow (JSON and
 * --data-only), --where input, HTTP get, tail and SSE, and the HTTP backend's follower.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "../../src/api/client.js";
import { messageToJsonLine } from "../../src/api/wire/message.js";
import { type TestServer, post, request, startTestServer } from "../server/harness.js";
import { createPool, newPoolDir, runCli } from "./cli-harness.js";

const PROTO = '{"__proto__":{"evil":1},"a":1}';
const NUMERIC = '{"b":1,"10":2,"9":3}';
const LOG = '{"step":"compile","ok":true}';

function dataTextOf(line: string): string {
  const m = /^\{"data":(.*),"meta":/.exec(line);
  return m ? (m[1] as string) : "";
}

describe("key order and __proto__ keys", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    await server.close();
  });

  it("fetch and follow print the data as written, __proto__ and integer-like keys included", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    for (const data of [PROTO, NUMERIC, LOG]) assert.equal((await runCli(["feed", "p", data], { dir })).code, 0);
    for (const [seq, data] of [PROTO, NUMERIC, LOG].entries()) {
      const r = await runCli(["fetch", "p", String(seq + 1)], { dir });
      assert.equal(dataTextOf(r.stdout.trim()), data);
    }
    const follow = await runCli(["follow", "p", "--from", "1", "--no-wait", "--data-only"], { dir });
    assert.deepEqual(follow.stdout.trim().split("\n"), [PROTO, NUMERIC, LOG]);
  });

  it("--where sees __proto__ keys", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await runCli(["feed", "p"], { dir, input: `${PROTO}\n{"a":2}\n` });
    const r = await runCli(["follow", "p", "--from", "1", "--no-wait", "--where", ".data.__proto__.evil == 1"], {
      dir,
    });
    assert.equal(r.stdout.trim().split("\n").length, 1, r.stderr);
    assert.equal(dataTextOf(r.stdout.trim()), PROTO);
  });

  it("HTTP get, tail and SSE pass the stored text through", async () => {
    const dir = server.dir;
    await createPool(dir, "p");
    await runCli(["feed", "p"], { dir, input: `${PROTO}\n${NUMERIC}\n` });
    const got = await request(server.url, "/v0/pools/p/messages/2");
    assert.equal(dataTextOf(got.text.slice('{"message":'.length)), NUMERIC);
    const tail = await request(server.url, "/v0/pools/p/tail?from=oldest&timeout_ms=0");
    assert.deepEqual(tail.text.trim().split("\n").map(dataTextOf), [PROTO, NUMERIC]);
    const sse = await request(server.url, "/v0/ui/pools/p/events?from=oldest&timeout_ms=0");
    assert.match(sse.text, /data: \{"data":\{"__proto__":\{"evil":1\},"a":1\}/);
    assert.match(sse.text, /data: \{"data":\{"b":1,"10":2,"9":3\}/);
  });

  it("HTTP append keeps a __proto__ key", async () => {
    await post(server.url, "/v0/pools", { pool: "r", size_bytes: "1M" });
    const r = await request(server.url, "/v0/pools/r/append", { raw: `{"data":${PROTO}}` });
    assert.equal(r.status, 200, r.text);
    const got = await request(server.url, "/v0/pools/r/messages/1");
    assert.equal(dataTextOf(got.text.slice('{"message":'.length)), PROTO);
  });

  it("HTTP append and append_batch store data in the writer's key order", async () => {
    await post(server.url, "/v0/pools", { pool: "o", size_bytes: "1M" });
    const one = await request(server.url, "/v0/pools/o/append", { raw: `{"tags":["x"],"data":${NUMERIC}}` });
    assert.equal(one.status, 200, one.text);
    const batch = await request(server.url, "/v0/pools/o/append_batch", {
      raw: `{"items":[{"data":${NUMERIC}},{"tags":["y"],"data":{"z":[1,{"10":"a","2":"b"}],"a":"}]\\""}}]}`,
    });
    assert.equal(batch.status, 200, batch.text);
    const tail = await request(server.url, "/v0/pools/o/tail?from=oldest&timeout_ms=0");
    assert.deepEqual(tail.text.trim().split("\n").map(dataTextOf), [
      NUMERIC,
      NUMERIC,
      '{"z":[1,{"10":"a","2":"b"}],"a":"}]\\""}',
    ]);
  });

  it("a follower over HTTP keeps the data's text as the server sent it", async () => {
    await post(server.url, "/v0/pools", { pool: "q", size_bytes: "1M" });
    const client = new Client();
    const remote = await client.open(`${server.url}/q`);
    await request(server.url, "/v0/pools/q/append", { raw: '{"data":{"__proto__":{"evil":1},"a":1}}' });
    for await (const message of remote.read({ from: "oldest" })) {
      assert.equal(message.dataJson, PROTO);
      assert.equal(dataTextOf(messageToJsonLine(message)), PROTO);
      break;
    }
    await remote.close();
  });

  it("a get over HTTP keeps the data's text as the server sent it", async () => {
    await post(server.url, "/v0/pools", { pool: "g", size_bytes: "1M" });
    await request(server.url, "/v0/pools/g/append", { raw: `{"data":${NUMERIC}}` });
    const remote = await new Client().open(`${server.url}/g`);
    const message = await remote.get(1);
    assert.equal(message.dataJson, NUMERIC);
    assert.equal(dataTextOf(messageToJsonLine(message)), NUMERIC);
    await remote.close();
  });
});
