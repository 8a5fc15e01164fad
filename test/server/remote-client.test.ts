/**
 * The api Client on http(s):// refs: the same Pool contract as a local pool, error kinds
 * carried across, TLS trust options, and a follow that survives a server restart by
 * reconnecting from the seq after the last one it received.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import { CairnError } from "../../src/core/errors.js";
import type { Message } from "../../src/core/message.js";
import { loadTls } from "../../src/server/tls.js";
import { tempDir } from "../helpers/tmp.js";
import { makeCertificate, startTestServer } from "./harness.js";

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof CairnError, String(err));
    return err.kind;
  }
  return "no error";
}

describe("remote pools through the api Client", () => {
  test("append, appendBatch, get, read, info, validate, truncate, list and delete behave as locally", async () => {
    const server = await startTestServer();
    try {
      const client = new Client({ dir: tempDir() });
      const ref = `${server.url}/remote`;
      const pool = await client.create(ref, { size: "1M" });
      const first = await pool.append({ hello: "world" }, { tags: ["greeting"], durability: "flush" });
      assert.equal(first.seq, 1);
      assert.equal(typeof first.timeNs, "bigint");
      const batch = await pool.appendBatch([{ data: 2 }, { data: 3, tags: ["greeting"] }]);
      assert.deepEqual(
        batch.map((m) => m.seq),
        [2, 3],
      );
      const got = await pool.get(1);
      assert.deepEqual(got, first);
      const read: Message[] = [];
      for await (const m of pool.read({ tags: ["greeting"] })) read.push(m);
      assert.deepEqual(
        read.map((m) => m.seq),
        [1, 3],
      );
      const sinceTime: number[] = [];
      for await (const m of pool.read({ from: { timeNs: batch[0]!.timeNs } })) sinceTime.push(m.seq);
      assert.deepEqual(sinceTime, [2, 3]);
      const limited: number[] = [];
      for await (const m of pool.read({ from: { last: 2 }, limit: 1 })) limited.push(m.seq);
      assert.deepEqual(limited, [2]);
      assert.equal((await pool.info()).bounds.newest, 3);
      assert.equal((await pool.validate()).status, "ok");
      assert.equal(await pool.truncate(2), 1);
      assert.equal(await kindOf(pool.get(1)), "NotFound");
      const listing = await (await import("../../src/api/backends/http/http-backend.js")).httpBackend.list(server.url, {
        dir: "",
        remote: {},
      });
      assert.deepEqual(
        listing.map((l) => l.name),
        ["remote"],
      );
      await client.delete(ref);
      assert.equal(await kindOf(client.open(ref)), "NotFound");
    } finally {
      await server.close();
    }
  });

  test("errors keep their kinds: NotFound, AlreadyExists, Usage, Permission, and Io when nothing listens", async () => {
    const server = await startTestServer({ token: "tok" });
    try {
      const client = new Client({ dir: tempDir(), remote: { token: "tok" } });
      await client.create(`${server.url}/errs`);
      assert.equal(await kindOf(client.create(`${server.url}/errs`)), "AlreadyExists");
      assert.equal(await kindOf(client.open(`${server.url}/nothing`)), "NotFound");
      const pool = await client.open(`${server.url}/errs`);
      assert.equal(await kindOf(pool.get(0)), "Usage");
      assert.equal(await kindOf(new Client({ dir: tempDir() }).open(`${server.url}/errs`)), "Permission");
      const follower = pool.follow({ from: { seq: 1 }, gap: "error" });
      assert.equal(typeof follower.position, "number");
      follower.close();
    } finally {
      await server.close();
    }
    assert.equal(await kindOf(new Client({ dir: tempDir() }).open(`${server.url}/errs`)), "Io");
  });

  test("a follow reconnects after the server restarts and misses nothing, repeats nothing", async () => {
    const first = await startTestServer();
    const dir = first.dir;
    const port = first.port;
    const client = new Client({ dir: tempDir() });
    const pool = await client.create(`${first.url}/durable`);
    await pool.append({ n: 1 });
    const statuses: string[] = [];
    const follower = pool.follow({ from: "oldest", onStatus: (s) => statuses.push(s.kind) });
    const seen: number[] = [];
    const done = (async () => {
      for await (const m of follower) {
        seen.push(m.seq);
        if (seen.length === 6) break;
      }
    })();
    const writer = new Client({ dir });
    while (seen.length < 1) await new Promise((r) => setTimeout(r, 20));
    await first.close();
    // Written while no server runs: the follower must fetch these after reconnecting.
    const local = await writer.open("durable");
    await local.append({ n: 2 });
    await local.append({ n: 3 });
    await local.close();
    const second = await startTestServer({ dir, port });
    try {
      const remote = await client.open(`${second.url}/durable`);
      await remote.append({ n: 4 });
      await remote.append({ n: 5 });
      await remote.append({ n: 6 });
      await done;
      assert.deepEqual(seen, [1, 2, 3, 4, 5, 6]);
      assert.deepEqual(statuses, ["disconnected", "reconnected"], "the outage is reported once, and the recovery");
    } finally {
      follower.close();
      await second.close();
    }
  });

  test("idleTimeoutMs ends a remote follow and sets timedOut", async () => {
    const server = await startTestServer();
    try {
      const pool = await new Client({ dir: tempDir() }).create(`${server.url}/idle`);
      const follower = pool.follow({ idleTimeoutMs: 200 });
      for await (const _ of follower) assert.fail("no message expected");
      assert.equal(follower.timedOut, true);
    } finally {
      await server.close();
    }
  });
});

describe("TLS", () => {
  test("an openssl certificate serves https; clients trust it with tlsCa or tlsSkipVerify, and refuse it otherwise", async () => {
    const cert = makeCertificate();
    const server = await startTestServer({ tls: loadTls(cert.certPath, cert.keyPath) });
    try {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const trusted = new Client({ dir: tempDir(), remote: { tlsCa: cert.cert } });
      const pool = await trusted.create(`${server.url}/secure`);
      assert.equal((await pool.append({ ok: true })).seq, 1);
      const skipping = new Client({ dir: tempDir(), remote: { tlsSkipVerify: true } });
      assert.equal((await (await skipping.open(`${server.url}/secure`)).get(1)).seq, 1);
      const untrusting = new Client({ dir: tempDir() });
      const kind = await kindOf(untrusting.open(`${server.url}/secure`));
      assert.equal(kind, "Io");
      const seen: number[] = [];
      for await (const m of pool.read()) seen.push(m.seq);
      assert.deepEqual(seen, [1]);
    } finally {
      await server.close();
    }
  });

  test("loadTls refuses files that are not PEM, broken PEM, and a key of another certificate", () => {
    const dir = tempDir();
    const file = path.join(dir, "junk.pem");
    fs.writeFileSync(file, "junk");
    assert.throws(
      () => loadTls(file, file),
      (err: CairnError) => err.kind === "Usage",
    );
    const one = makeCertificate();
    const other = makeCertificate();
    assert.throws(
      () => loadTls(one.certPath, other.keyPath),
      (err: CairnError) => err.kind === "Usage" && /cannot be used/.test(err.message),
    );
    const broken = path.join(dir, "broken.pem");
    fs.writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n");
    assert.throws(
      () => loadTls(broken, one.keyPath),
      (err: CairnError) => err.kind === "Usage",
    );
    assert.equal(loadTls(one.certPath, one.keyPath).cert, one.cert);
  });
});
