/**
 * URL pool refs through the global remote flags: a real `cairn serve` on port 0 with a
 * bearer token, and the pool commands pointed at http://127.0.0.1:PORT/POOL.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { type CliResult, errorOf, jsonLines, newPoolDir, runCli, spawnCli, waitForOutput } from "./cli-harness.js";

describe("cairn pool commands on a remote pool (http://)", () => {
  const dir = newPoolDir();
  const tokenFile = path.join(dir, "token");
  let base = "";
  let server: ReturnType<typeof spawnCli> | null = null;

  before(async () => {
    fs.writeFileSync(tokenFile, "s3cret-token\n", { mode: 0o600 });
    server = spawnCli(["serve", "--port", "0", "--token-file", tokenFile], { dir });
    const text = await waitForOutput(server, (t) => t.includes("\n"), 20_000);
    base = (JSON.parse(text.split("\n")[0] as string) as { listening: { url: string } }).listening.url;
  });

  after(() => {
    server?.kill("SIGTERM");
  });

  const remote = (args: string[], input?: string): Promise<CliResult> =>
    runCli(["--token-file", tokenFile, ...args], { dir: newPoolDir(), ...(input === undefined ? {} : { input }) });

  it("feeds, fetches and follows with --token-file", async () => {
    const url = `${base}/remote1`;
    const created = await remote(["feed", url, '{"n":1}', "--create", "--tag", "r"]);
    assert.equal(created.code, 0, created.stderr);
    const streamed = await remote(["feed", url], '{"n":2}\n{"n":3}\n');
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.deepEqual(
      jsonLines(streamed.stdout).map((r) => r.seq),
      [2, 3],
    );
    const fetched = await remote(["fetch", url, "1", "--data-only"]);
    assert.equal(fetched.stdout, '{"n":1}\n');
    const followed = await remote(["follow", url, "--from", "1", "--no-wait", "--where", ".data.n >= 2"]);
    assert.deepEqual(
      jsonLines(followed.stdout).map((m) => m.seq),
      [2, 3],
    );
    const info = await remote(["pool", "info", url, "--json"]);
    assert.deepEqual((JSON.parse(info.stdout) as { bounds: unknown }).bounds, { oldest: 1, newest: 3 });
    const listed = await remote(["pool", "list", base, "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const pools = (JSON.parse(listed.stdout) as { pools: { name: string; bounds: unknown }[] }).pools;
    assert.deepEqual(pools.find((p) => p.name === "remote1")?.bounds, { oldest: 1, newest: 3 });
  });

  it("feeds input larger than the server's 1 MiB body limit, and a 900 KB message, in order", async () => {
    const url = `${base}/remote-big`;
    const created = await remote(["pool", "create", url, "--size", "16M"]);
    assert.equal(created.code, 0, created.stderr);
    const pad = "é".repeat(500);
    const lines = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ i, pad })).join("\n");
    const fed = await remote(["feed", url], `${lines}\n`);
    assert.equal(fed.code, 0, fed.stderr);
    assert.equal(jsonLines(fed.stdout).length, 3000);
    const one = await remote(["feed", url], `${JSON.stringify({ big: "x".repeat(900_000) })}\n`);
    assert.equal(one.code, 0, one.stderr);
    const followed = await remote(["follow", url, "--from", "1", "--no-wait", "--data-only"]);
    const data = jsonLines(followed.stdout);
    assert.deepEqual(
      data.slice(0, 3000).map((d) => d.i),
      Array.from({ length: 3000 }, (_, i) => i),
    );
    assert.equal(String(data[3000]?.big).length, 900_000);
  });

  it("is refused without the token, and --token works as well as --token-file", async () => {
    const url = `${base}/remote2`;
    const refused = await runCli(["feed", url, "{}", "--create"], { dir: newPoolDir() });
    assert.equal(refused.code, 6, refused.stderr);
    assert.equal(errorOf(refused).kind, "Permission");
    const withToken = await runCli(["--token", "s3cret-token", "feed", url, "{}", "--create"], { dir: newPoolDir() });
    assert.equal(withToken.code, 0, withToken.stderr);
  });
});
