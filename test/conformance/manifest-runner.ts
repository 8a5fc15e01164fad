/**
 * A runner for Plasmite's conformance manifests (v0) that drives the real `cairn` CLI:
 * every op becomes one or more CLI invocations against a fresh working directory
 * (`--dir WORKDIR`), and `spawn_poke` starts one `cairn feed` process per message.
 * Steps where Cairn deliberately differs are listed in KNOWN_DEVIATIONS: the runner
 * asserts Cairn's documented behaviour there instead (see docs/cli.md).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { type CliResult, collect, jsonLines, runCli, spawnCli, waitForOutput } from "../cli/cli-harness.js";

export interface ErrorExpectation {
  kind: string;
  message_contains?: string;
  has_path?: boolean;
  has_seq?: boolean;
  has_offset?: boolean;
}

export interface Step {
  op: string;
  id?: string;
  pool?: string;
  input?: Record<string, unknown>;
  expect?: Record<string, unknown>;
}

export interface Manifest {
  conformance_version: number;
  name: string;
  workdir?: string;
  steps: Step[];
}

/** Where Cairn differs from Plasmite on purpose: the expectation Cairn meets instead, and why. */
export const KNOWN_DEVIATIONS: Record<string, { reason: string; expect: ErrorExpectation }> = {
  "negative-errors/missing-seq": {
    reason:
      "Cairn attaches the pool path to every error about a pool, including a missing seq (has_path true); Plasmite omits it here",
    expect: { kind: "NotFound", has_path: true, has_seq: true },
  },
};

interface Envelope {
  kind: string;
  message: string;
  path?: string;
  seq?: number;
  offset?: number;
}

function errorEnvelope(result: CliResult): Envelope {
  const line = result.stderr.split("\n").find((l) => l.startsWith('{"error"'));
  assert.ok(line, `expected an error envelope, got exit ${result.code}: ${result.stderr}`);
  return (JSON.parse(line) as { error: Envelope }).error;
}

function checkError(result: CliResult, expected: ErrorExpectation): void {
  assert.notEqual(result.code, 0, "the operation must fail");
  const error = errorEnvelope(result);
  assert.equal(error.kind, expected.kind, error.message);
  if (expected.message_contains !== undefined)
    assert.ok(error.message.includes(expected.message_contains), error.message);
  if (expected.has_path !== undefined) assert.equal(error.path !== undefined, expected.has_path, "has_path");
  if (expected.has_seq !== undefined) assert.equal(error.seq !== undefined, expected.has_seq, "has_seq");
  if (expected.has_offset !== undefined) assert.equal(error.offset !== undefined, expected.has_offset, "has_offset");
}

function ok(result: CliResult): CliResult {
  assert.equal(result.code, 0, result.stderr);
  return result;
}

function tagArgs(tags: unknown): string[] {
  return Array.isArray(tags) ? (tags as string[]).flatMap((t) => ["--tag", t]) : [];
}

/** JSON with sorted keys, so messages compare by content, not by key order. */
function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${sortedJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value);
}

const canonical = (m: { data: unknown; tags?: unknown }) => sortedJson([m.data, m.tags ?? []]);

export class ManifestRunner {
  constructor(
    private readonly manifestName: string,
    private readonly workdir: string,
  ) {}

  private cli(args: string[], input?: string): Promise<CliResult> {
    return runCli(["--dir", this.workdir, ...args], {
      dir: this.workdir,
      cwd: this.workdir,
      ...(input === undefined ? {} : { input }),
    });
  }

  private poolFile(pool: string): string {
    if (pool.includes("/")) return path.resolve(this.workdir, pool);
    return path.join(this.workdir, pool.endsWith(".cairn") ? pool : `${pool}.cairn`);
  }

  async run(step: Step): Promise<void> {
    const deviation = step.id ? KNOWN_DEVIATIONS[`${this.manifestName}/${step.id}`] : undefined;
    const expect = { ...(step.expect ?? {}) };
    if (deviation) expect.error = deviation.expect;
    const pool = step.pool ?? "";
    const input = step.input ?? {};
    const expectedError = expect.error as ErrorExpectation | undefined;
    const settle = (result: CliResult): CliResult | null => {
      if (expectedError) {
        checkError(result, expectedError);
        return null;
      }
      return ok(result);
    };

    switch (step.op) {
      case "create_pool": {
        const size = input.size_bytes === undefined ? [] : ["--size", String(input.size_bytes)];
        const result = await this.cli(["pool", "create", pool, ...size, "--json"]);
        if (expect.created === false) assert.notEqual(result.code, 0);
        else settle(result);
        return;
      }
      case "append": {
        const result = settle(await this.cli(["feed", pool, JSON.stringify(input.data), ...tagArgs(input.tags)]));
        if (result && expect.seq !== undefined) assert.equal(jsonLines(result.stdout)[0]?.seq, expect.seq);
        return;
      }
      case "get": {
        const result = settle(await this.cli(["fetch", pool, String(input.seq)]));
        if (!result) return;
        const [message] = jsonLines(result.stdout) as { data: unknown; meta: { tags: string[] } }[];
        assert.deepEqual(message?.data, expect.data);
        if (expect.tags !== undefined) assert.deepEqual(message?.meta.tags, expect.tags);
        return;
      }
      case "tail": {
        const from = input.since_seq === undefined ? "1" : String(input.since_seq);
        const limit = input.max === undefined ? [] : ["--limit", String(input.max)];
        const result = settle(await this.cli(["follow", pool, "--from", from, "--no-wait", ...limit]));
        if (!result) return;
        const got = (jsonLines(result.stdout) as { data: unknown; meta: { tags: string[] } }[]).map((m) =>
          canonical({ data: m.data, tags: m.meta.tags }),
        );
        if (expect.messages !== undefined) {
          assert.deepEqual(got, (expect.messages as { data: unknown; tags?: unknown }[]).map(canonical));
        }
        if (expect.messages_unordered !== undefined) {
          const want = (expect.messages_unordered as { data: unknown; tags?: unknown }[]).map(canonical);
          assert.deepEqual([...got].sort(), [...want].sort());
        }
        return;
      }
      case "list_pools": {
        const result = settle(await this.cli(["pool", "list", "--json"]));
        if (!result || expect.names === undefined) return;
        const names = (JSON.parse(result.stdout) as { pools: { name: string }[] }).pools.map((p) => p.name);
        assert.deepEqual([...names].sort(), [...(expect.names as string[])].sort());
        return;
      }
      case "pool_info": {
        const result = settle(await this.cli(["pool", "info", pool, "--json"]));
        if (!result) return;
        const info = JSON.parse(result.stdout) as Record<string, unknown>;
        for (const key of ["file_size", "ring_size", "bounds"])
          if (expect[key] !== undefined) assert.deepEqual(info[key], expect[key], key);
        return;
      }
      case "delete_pool": {
        settle(await this.cli(["pool", "delete", pool]));
        return;
      }
      case "spawn_poke": {
        const messages = input.messages as { data: unknown; tags?: string[] }[];
        const results = await Promise.all(
          messages.map((m) => this.cli(["feed", pool, JSON.stringify(m.data), ...tagArgs(m.tags)])),
        );
        for (const r of results) ok(r);
        return;
      }
      case "corrupt_pool_header": {
        const fd = fs.openSync(this.poolFile(pool), "r+");
        fs.writeSync(fd, Buffer.from("\0\0\0\0XXXX"), 0, 8, 0);
        fs.closeSync(fd);
        return;
      }
      case "chmod_path": {
        fs.chmodSync(path.resolve(this.workdir, String(input.path)), Number.parseInt(String(input.mode), 8));
        return;
      }
      case "retention_gap":
        await this.retentionGap(pool, Number(input.size_bytes ?? 65536));
        return;
      default:
        throw new Error(`unknown op ${step.op}`);
    }
  }

  /** The five retention-gap guarantees of manifest-v0.md, checked through `cairn follow`. */
  private async retentionGap(base: string, sizeBytes: number): Promise<void> {
    const stale = `${base}-stale`;
    ok(await this.cli(["pool", "create", stale, "--size", String(sizeBytes)]));
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => `${JSON.stringify({ i, pad: "x".repeat(200) })}\n`).join("");
    ok(await this.cli(["feed", stale, "--tag", "even"], lines(1000)));
    const info = JSON.parse(ok(await this.cli(["pool", "info", stale, "--json"])).stdout) as {
      bounds: { oldest: number };
    };
    const oldest = info.bounds.oldest;
    assert.ok(oldest > 1, "the ring wrapped");

    // 1. A stale explicit start continues from the next retained message by default.
    const cont = ok(await this.cli(["follow", stale, "--from", "1", "--no-wait", "--limit", "1"]));
    assert.equal(jsonLines(cont.stdout)[0]?.seq, oldest);
    const drop = jsonLines(cont.stderr)[0]?.notice as { kind: string; from_seq: number; to_seq: number };
    assert.deepEqual([drop.kind, drop.from_seq, drop.to_seq], ["drop", 1, oldest - 1]);

    // 2 + 4. Fail-closed: RetentionGap before any post-gap message, naming the first missing seq; the stream ends.
    const closed = await this.cli(["follow", stale, "--from", "1", "--gap", "error"]);
    checkError(closed, { kind: "RetentionGap", has_seq: true });
    assert.equal(errorEnvelope(closed).seq, 1);
    assert.equal(closed.stdout, "");

    // 3. A tag filter does not conceal the gap (no message carries this tag).
    const tagged = await this.cli(["follow", stale, "--from", "1", "--gap", "error", "--tag", "absent"]);
    checkError(tagged, { kind: "RetentionGap", has_seq: true });

    // 5. A stream that first consumes retained messages also detects a later overwrite.
    const established = `${base}-established`;
    ok(await this.cli(["pool", "create", established, "--size", String(sizeBytes)]));
    ok(await this.cli(["feed", established], lines(3)));
    const follower = spawnCli(["--dir", this.workdir, "follow", established, "--from", "1", "--gap", "error"], {
      dir: this.workdir,
    });
    const done = collect(follower);
    await waitForOutput(follower, (t) => t.split("\n").length > 3);
    follower.kill("SIGSTOP"); // hold the reader while the writer laps it
    try {
      ok(await this.cli(["feed", established], lines(1000)));
    } finally {
      follower.kill("SIGCONT");
    }
    const result = await done;
    assert.deepEqual(
      jsonLines(result.stdout).map((m) => m.seq),
      [1, 2, 3],
    );
    checkError(result, { kind: "RetentionGap", has_seq: true });
    assert.equal(errorEnvelope(result).seq, 4);
  }
}
