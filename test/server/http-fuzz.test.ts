/**
 * A seeded fuzz run over HTTP bodies and headers (fixed seed, bounded count, so CI replays
 * it exactly): random methods, paths, content types, header values and bodies — valid,
 * truncated, non-UTF-8, oversize, deeply nested — against one server. Invariants: the
 * server never crashes, every answer is the JSON error envelope or a valid reply, every
 * acknowledged append is readable afterwards (no event lost), and /healthz answers within
 * a generous bound while the fuzz runs.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { intBetween, rng } from "../helpers/rng.js";
import { type TestServer, jsonLines, post, request, startTestServer } from "./harness.js";

const SEED = 0x10ca1;
const REQUESTS = 150;

type Next = () => number;
const pick = <T>(next: Next, items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;

function randomBody(next: Next): string | Buffer {
  switch (intBetween(next, 0, 9)) {
    case 0:
      return "";
    case 1:
      return '{"data":';
    case 2:
      return Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    case 3:
      return `{"data":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    case 4:
      return JSON.stringify({ data: "x".repeat(intBetween(next, 1, 1_200_000)) });
    case 5:
      return JSON.stringify({ items: [{ data: 1 }, { data: { n: next() } }] });
    case 6:
      return JSON.stringify({ pool: pick(next, ["fz", "../etc", "a/b", "", "%2e%2e", "x".repeat(200)]) });
    case 7:
      return JSON.stringify([1, 2, 3]);
    default:
      return JSON.stringify({ data: { n: next(), s: "é\u2028" }, tags: pick(next, [[], ["t"], [1], "t"]) });
  }
}

const PATHS = [
  "/v0/pools/fz/append",
  "/v0/pools/fz/append_batch",
  "/v0/pools",
  "/v0/pools/open",
  "/v0/pools/fz/truncate",
  "/v0/pools/fz/tail?timeout_ms=0&from=oldest&tag=nomatch",
  "/v0/pools/fz/messages/1",
  "/v0/pools/%2e%2e/info",
  "/v0/pools/fz/info",
  "/v0/ui/pools",
  "/healthz",
  "/nope",
];

describe("HTTP fuzz (seeded)", { timeout: 120_000 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ bodyBytesMax: 1024 * 1024 });
    await post(server.url, "/v0/pools", { pool: "fz", size_bytes: "8M" });
  });
  after(() => server.close());

  it("keeps every invariant over a fixed run of random requests", async () => {
    const next = rng(SEED);
    const acknowledged: number[] = [];
    let healthWorstMs = 0;
    for (let i = 0; i < REQUESTS; i++) {
      const body = randomBody(next);
      const path = pick(next, PATHS);
      const method = pick(next, ["POST", "POST", "GET", "PUT", "DELETE", "HEAD"]);
      const headers: Record<string, string> = {};
      if (next() < 0.2) headers["x-junk"] = "v".repeat(intBetween(next, 1, 8000));
      if (next() < 0.1) headers["last-event-id"] = pick(next, ["1", "-1", "abc", "9".repeat(30)]);
      const contentType = pick(next, ["application/json", "application/json; charset=utf-8", "text/plain", ""]);
      const sendsBody = method === "POST" || method === "PUT";
      const [reply, health] = await Promise.all([
        request(server.url, path, {
          method,
          headers,
          ...(sendsBody ? { raw: body, contentType } : {}),
        }),
        (async () => {
          const started = Date.now();
          const r = await request(server.url, "/healthz");
          return { status: r.status, ms: Date.now() - started };
        })(),
      ]);
      healthWorstMs = Math.max(healthWorstMs, health.ms);
      assert.equal(health.status, 200);
      assert.equal(reply.headers["plasmite-version"], "0", `${method} ${path}`);
      const type = String(reply.headers["content-type"] ?? "");
      if (method === "HEAD" || reply.status === 302) continue;
      if (reply.status >= 400) {
        const envelope = JSON.parse(reply.text);
        assert.equal(typeof envelope.error.kind, "string", reply.text);
        assert.ok(!reply.text.includes(server.dir), "no server path in errors");
      } else if (type.startsWith("application/jsonl")) {
        jsonLines(reply.text);
      } else {
        assert.match(type, /^application\/json/, `${method} ${path} ${reply.status}`);
        const value = JSON.parse(reply.text);
        if (path.endsWith("/append") && value.message) acknowledged.push(value.message.seq);
        if (path.endsWith("/append_batch") && value.messages) for (const m of value.messages) acknowledged.push(m.seq);
      }
    }
    assert.ok(healthWorstMs < 10_000, `/healthz took up to ${healthWorstMs} ms`);
    const tail = await request(server.url, "/v0/pools/fz/tail?from=oldest&timeout_ms=0");
    const stored = new Set(jsonLines(tail.text).map((m) => m.seq));
    const info = (await request(server.url, "/v0/pools/fz/info")).json().pool;
    const oldest = info.bounds.oldest ?? Number.POSITIVE_INFINITY;
    for (const seq of acknowledged) {
      // A truncate in the run may drop older seqs on purpose; everything from the oldest on is there.
      if (seq >= oldest) assert.ok(stored.has(seq), `acknowledged seq ${seq} is readable`);
    }
    assert.ok(acknowledged.length > 0, "the run appended something");
  });
});
