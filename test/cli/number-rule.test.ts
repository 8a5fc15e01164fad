/**
 * The number rule (docs/decisions.md; issue 10 finding 13): a number that would not read
 * back as the same value is refused with a Usage error naming it, on every surface — CLI
 * feed (argument and stdin), the api's append (local and over HTTP) and HTTP append —
 * and numbers that do read back the same are kept.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { after, before, describe, it } from "node:test";
import { Client } from "../../src/api/client.js";
import { CairnError } from "../../src/core/errors.js";
import { checkJsonNumbers, numberIsExact } from "../../src/core/json-numbers.js";
import { type TestServer, post, request, startTestServer } from "../server/harness.js";
import { createPool, errorOf, newPoolDir, runCli } from "./cli-harness.js";

const INEXACT = ["1e400", "9007199254740993", "-1e400", "12345678901234567890123", "1e-400", "0.12345678901234567890"];
const EXACT = ["0", "-0", "0.1", "1.0", "1e2", "123456789012345", "1.7976931348623157e308"];

function isUsage(err: unknown): boolean {
  return err instanceof CairnError && err.kind === "Usage" && /cannot be stored exactly/.test(err.message);
}

describe("the number rule", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
    await post(server.url, "/v0/pools", { pool: "n", size_bytes: "1M" });
  });
  after(async () => {
    await server.close();
  });

  it("decides by value: a number is exact when its double prints as the same decimal", () => {
    for (const text of INEXACT) assert.equal(numberIsExact(text), false, text);
    for (const text of ["0", "-0", "0.1", "1.0", "1e2", "123456789012345", "1.7976931348623157e308"])
      assert.equal(numberIsExact(text), true, text);
    assert.doesNotThrow(() => checkJsonNumbers('{"s":"12345678901234567890123 1e400"}'), "strings are not numbers");
  });

  it("cairn feed refuses an inexact number, as an argument or on stdin, naming it", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    for (const text of INEXACT) {
      const r = await runCli(["feed", "p", `{"x":${text}}`], { dir });
      assert.equal(r.code, 2, `${text}: ${r.stderr}`);
      assert.ok(errorOf(r).message.includes(`the number ${text} cannot be stored exactly`), errorOf(r).message);
    }
    const piped = await runCli(["feed", "p"], { dir, input: '{"x":\n  1e400}\n' });
    assert.equal(piped.code, 2, piped.stderr);
    assert.match(errorOf(piped).message, /the number 1e400/);
    const fetched = await runCli(["fetch", "p", "1"], { dir });
    assert.equal(fetched.code, 3, "nothing was stored");
  });

  it("cairn feed keeps exact numbers as written", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const data = `[${EXACT.join(",")}]`;
    assert.equal((await runCli(["feed", "p", data], { dir })).code, 0);
    const r = await runCli(["fetch", "p", "1", "--data-only"], { dir });
    assert.equal(r.stdout.trim(), data);
  });

  it("the api refuses NaN and Infinity locally and over HTTP instead of storing null", async () => {
    const dir = newPoolDir();
    const client = new Client({ dir });
    const local = await client.create("p");
    const remote = await client.open(`${server.url}/n`);
    for (const pool of [local, remote]) {
      await assert.rejects(pool.append({ x: Number.POSITIVE_INFINITY }), isUsage);
      await assert.rejects(pool.append([Number.NaN]), isUsage);
      await assert.rejects(pool.appendBatch([{ data: 1, dataJson: "1e400" }]), isUsage);
    }
    assert.equal((await local.info()).metrics.message_count, 0);
    await local.close();
    await remote.close();
  });

  it("HTTP append and append_batch refuse an inexact number with 400 naming it, and store nothing", async () => {
    for (const text of INEXACT) {
      const one = await request(server.url, "/v0/pools/n/append", { raw: `{"data":{"x":${text}}}` });
      assert.equal(one.status, 400, one.text);
      assert.ok(one.text.includes(`the number ${text}`), one.text);
      const batch = await request(server.url, "/v0/pools/n/append_batch", { raw: `{"items":[{"data":${text}}]}` });
      assert.equal(batch.status, 400, batch.text);
    }
    const tail = await request(server.url, "/v0/pools/n/tail?from=oldest&timeout_ms=0");
    assert.equal(tail.text.trim(), "");
  });

  it("HTTP append keeps exact numbers", async () => {
    const r = await request(server.url, "/v0/pools/n/append", { raw: '{"data":[0.1,1e2,123456789012345]}' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json().message.data, [0.1, 100, 123456789012345]);
    assert.ok(fs.existsSync(server.dir));
  });
});
