/**
 * Parity: one scenario through three surfaces — the api Client on a local pool, the CLI on
 * a path, and the CLI on a URL served by `startServer` — must give the same messages
 * (seq, tags, data) and the same error kinds.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { after, before, describe, test } from "node:test";
import { Client } from "../../src/api/client.js";
import type { PoolInfo } from "../../src/api/types.js";
import { CairnError } from "../../src/core/errors.js";
import { messageToWire } from "../../src/api/wire/message.js";
import type { Message } from "../../src/core/message.js";
import { type CliResult, newPoolDir, runCli } from "../cli/cli-harness.js";
import { tempDir } from "../helpers/tmp.js";
import { type TestServer, startTestServer } from "./harness.js";

interface Seen {
  seq: number;
  tags: string[];
  data: unknown;
}
type Outcome<T = Seen[]> = { ok: T } | { error: string };
/** What `pool info` says about a pool, in terms every surface shares. */
interface Facts {
  file_size: number;
  oldest: number | null;
  newest: number | null;
  count: number;
}

interface Surface {
  name: string;
  create(pool: string, size: string): Promise<Outcome>;
  feed(pool: string, items: Array<{ data: unknown; tags?: string[] }>): Promise<Outcome>;
  fetch(pool: string, seq: number): Promise<Outcome>;
  /** Retained messages from `from`, ending at the current end. */
  read(pool: string, options: { fromSeq?: number; last?: number; tag?: string; gapError?: boolean }): Promise<Outcome>;
  info(pool: string): Promise<Outcome<Facts>>;
  remove(pool: string): Promise<Outcome<[]>>;
}

function seen(wire: { seq: number; meta: { tags: string[] }; data: unknown }): Seen {
  return { seq: wire.seq, tags: wire.meta.tags, data: wire.data };
}

/** The real CLI; refs here are paths and URLs, so its pool directory is never used. */
function cli(args: string[], input?: string): Promise<CliResult> {
  return runCli(args, { dir: newPoolDir(), input: input ?? "" });
}

function facts(info: PoolInfo): Facts {
  const { file_size, bounds, metrics } = info;
  return { file_size: file_size as number, oldest: bounds.oldest, newest: bounds.newest, count: metrics.message_count };
}

function cliOutcome<T = Seen[]>(
  r: { code: number | null; stdout: string; stderr: string },
  parse: (out: string) => T,
): Outcome<T> {
  if (r.code !== 0) {
    // `pool delete` reports a failed pool on stdout (`{"deleted":[],"failed":[{pool, error}]}`).
    const failed = r.stdout.startsWith('{"deleted"') ? JSON.parse(r.stdout).failed[0] : undefined;
    if (failed) return { error: failed.error.kind };
    const line = r.stderr.split("\n").find((l) => l.startsWith('{"error"'));
    assert.ok(line, `no error envelope on stderr: ${r.stderr}`);
    return { error: JSON.parse(line).error.kind };
  }
  return { ok: parse(r.stdout) };
}

const jsonLineMessages = (out: string) =>
  out
    .split("\n")
    .filter((l) => l.length > 0)
    .map((l) => seen(JSON.parse(l)));

function cliSurface(name: string, refFor: (pool: string) => string): Surface {
  return {
    name,
    create: async (pool, size) =>
      cliOutcome(await cli(["pool", "create", refFor(pool), "--size", size, "--json"]), () => []),
    feed: async (pool, items) => {
      // Consecutive items with the same tags go through one `feed` process, one JSON line each.
      const results: Seen[] = [];
      for (let start = 0; start < items.length; ) {
        const key = JSON.stringify(items[start]!.tags ?? []);
        let end = start + 1;
        while (end < items.length && JSON.stringify(items[end]!.tags ?? []) === key) end++;
        const group = items.slice(start, end);
        const tags = (group[0]!.tags ?? []).flatMap((t) => ["--tag", t]);
        const input = group.map((item) => `${JSON.stringify(item.data)}\n`).join("");
        const r = await cli(["feed", refFor(pool), ...tags], input);
        const outcome = cliOutcome(r, (out) =>
          out
            .split("\n")
            .filter((l) => l.length > 0)
            .map((l, i) => ({ seq: JSON.parse(l).seq, tags: JSON.parse(l).meta.tags, data: group[i]!.data })),
        );
        if ("error" in outcome) return outcome;
        results.push(...outcome.ok);
        start = end;
      }
      return { ok: results };
    },
    fetch: async (pool, seq) =>
      cliOutcome(await cli(["fetch", refFor(pool), String(seq), "--format", "jsonl"]), jsonLineMessages),
    read: async (pool, o) => {
      const args = ["follow", refFor(pool), "--no-wait", "--format", "jsonl", "--quiet-drops"];
      if (o.fromSeq !== undefined) args.push("--from", String(o.fromSeq));
      if (o.last !== undefined) args.push("--tail", String(o.last));
      if (o.tag !== undefined) args.push("--tag", o.tag);
      if (o.gapError) args.push("--gap", "error");
      return cliOutcome(await cli(args), jsonLineMessages);
    },
    info: async (pool) =>
      cliOutcome(await cli(["pool", "info", refFor(pool), "--json"]), (out) => facts(JSON.parse(out))),
    remove: async (pool) => cliOutcome(await cli(["pool", "delete", refFor(pool), "--json"]), (): [] => []),
  };
}

async function apiOutcome<T = Seen[]>(run: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: await run() };
  } catch (err) {
    assert.ok(err instanceof CairnError, String(err));
    return { error: err.kind };
  }
}

function apiSurface(dir: string): Surface {
  const client = new Client({ dir });
  const toSeen = (m: Message) => seen(messageToWire(m));
  return {
    name: "api",
    create: (pool, size) =>
      apiOutcome(async () => {
        await (await client.create(pool, { size })).close();
        return [];
      }),
    feed: (pool, items) =>
      apiOutcome(async () => {
        const p = await client.open(pool);
        const out: Seen[] = [];
        for (const item of items) out.push(toSeen(await p.append(item.data, item.tags ? { tags: item.tags } : {})));
        await p.close();
        return out;
      }),
    fetch: (pool, seq) => apiOutcome(async () => [toSeen(await (await client.open(pool)).get(seq))]),
    read: (pool, o) =>
      apiOutcome(async () => {
        const p = await client.open(pool);
        const out: Seen[] = [];
        const from = o.fromSeq !== undefined ? { seq: o.fromSeq } : o.last !== undefined ? { last: o.last } : "oldest";
        for await (const m of p.read({
          from,
          ...(o.tag ? { tags: [o.tag] } : {}),
          gap: o.gapError ? "error" : "continue",
        }))
          out.push(toSeen(m));
        return out;
      }),
    info: (pool) =>
      apiOutcome(async () => {
        const p = await client.open(pool);
        const info = await p.info();
        await p.close();
        return facts(info);
      }),
    remove: (pool) =>
      apiOutcome(async (): Promise<[]> => {
        await client.delete(pool);
        return [];
      }),
  };
}

describe("parity: api, CLI on a path, CLI on a URL", () => {
  let server: TestServer;
  let surfaces: Surface[];
  before(async () => {
    server = await startTestServer();
    const pathDir = tempDir("cairn-parity-path-");
    surfaces = [
      apiSurface(tempDir("cairn-parity-api-")),
      cliSurface("cli-path", (pool) => path.join(pathDir, `${pool}.cairn`)),
      cliSurface("cli-url", (pool) => `${server.url}/${pool}`),
    ];
  });
  after(() => server.close());

  async function same<T>(step: string, run: (s: Surface) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const outcomes: Outcome<T>[] = [];
    for (const surface of surfaces) outcomes.push(await run(surface));
    for (let i = 1; i < outcomes.length; i++) {
      assert.deepEqual(outcomes[i], outcomes[0], `${step}: ${surfaces[i]!.name} differs from ${surfaces[0]!.name}`);
    }
    return outcomes[0] as Outcome<T>;
  }

  test("the same scenario gives the same messages and error kinds on every surface", async () => {
    assert.deepEqual(await same("create", (s) => s.create("parity", "16K")), { ok: [] });
    const fed = await same("feed", (s) =>
      s.feed("parity", [
        { data: { n: 1, word: "één" }, tags: ["a"] },
        { data: { n: 2, nested: { z: 1, a: [true, null] } }, tags: ["a", "b"] },
        { data: "a plain string" },
      ]),
    );
    assert.deepEqual("ok" in fed && fed.ok.map((m) => m.seq), [1, 2, 3]);
    const fetched = await same("fetch 2", (s) => s.fetch("parity", 2));
    assert.deepEqual(fetched, {
      ok: [{ seq: 2, tags: ["a", "b"], data: { n: 2, nested: { z: 1, a: [true, null] } } }],
    });
    const all = await same("read from 1", (s) => s.read("parity", { fromSeq: 1 }));
    assert.equal("ok" in all && all.ok.length, 3);
    const tagged = await same("read tag a", (s) => s.read("parity", { fromSeq: 1, tag: "a" }));
    assert.deepEqual("ok" in tagged && tagged.ok.map((m) => m.seq), [1, 2]);
    const last = await same("read last 1", (s) => s.read("parity", { last: 1 }));
    assert.deepEqual("ok" in last && last.ok.map((m) => m.seq), [3]);

    assert.deepEqual(await same("fetch a seq never written", (s) => s.fetch("parity", 99)), { error: "NotFound" });
    assert.deepEqual(await same("fetch seq 0", (s) => s.fetch("parity", 0)), { error: "Usage" });
    assert.deepEqual(await same("fetch from a missing pool", (s) => s.fetch("absent", 1)), { error: "NotFound" });
    assert.deepEqual(await same("create an existing pool", (s) => s.create("parity", "16K")), {
      error: "AlreadyExists",
    });

    const pad = "p".repeat(400);
    await same("wrap the ring", (s) =>
      s
        .feed(
          "parity",
          Array.from({ length: 40 }, (_, i) => ({ data: { i, pad } })),
        )
        .then((o) => ("ok" in o ? { ok: [] } : o)),
    );
    assert.deepEqual(await same("read with gap error", (s) => s.read("parity", { fromSeq: 1, gapError: true })), {
      error: "RetentionGap",
    });
    const lenient = await same("read with gap continue", (s) => s.read("parity", { fromSeq: 1 }));
    assert.ok("ok" in lenient && lenient.ok.length > 0 && lenient.ok[0]!.seq > 1);

    const described = await same("pool info", (s) => s.info("parity"));
    assert.ok("ok" in described && described.ok.newest === 43 && described.ok.file_size === 16384);
    assert.deepEqual(await same("info on a missing pool", (s) => s.info("absent")), { error: "NotFound" });
    assert.deepEqual(await same("delete", (s) => s.remove("parity")), { ok: [] });
    assert.deepEqual(await same("delete again", (s) => s.remove("parity")), { error: "NotFound" });
    assert.deepEqual(await same("fetch after delete", (s) => s.fetch("parity", 43)), { error: "NotFound" });
  });
});
