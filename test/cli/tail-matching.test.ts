/**
 * `--tail N` with a filter means the last N *matching* messages: with tags and with
 * --where, on a local pool, on a served pool through the CLI, and on the server's tail
 * endpoint (GET /v0/pools/P/tail?last=N&tag=T).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  collect,
  createPool,
  feedLines,
  jsonLines,
  newPoolDir,
  runCli,
  spawnCli,
  waitForOutput,
} from "./cli-harness.js";

const seqsOf = (text: string) => jsonLines(text).map((m) => m.seq);

/** 100 messages: seq 1..90 tagged prod, 91..100 tagged dev (the newest N are all dev). */
async function variedPool(dir: string, name: string): Promise<void> {
  await createPool(dir, name, "1M");
  const prod = Array.from({ length: 90 }, (_, i) => ({ n: i + 1, env: "prod" }));
  const dev = Array.from({ length: 10 }, (_, i) => ({ n: 91 + i, env: "dev" }));
  assert.equal((await feedLines(dir, name, prod, ["--tag", "prod"])).code, 0);
  assert.equal((await feedLines(dir, name, dev, ["--tag", "dev"])).code, 0);
}

describe("follow --tail N with a filter prints the last N matching messages", () => {
  const dir = newPoolDir();
  before(() => variedPool(dir, "varied"));

  it("with a tag, though the newest N messages do not carry it", async () => {
    const r = await runCli(["follow", "varied", "--tail", "5", "-t", "prod", "--no-wait"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seqsOf(r.stdout), [86, 87, 88, 89, 90]);
  });

  it("with --where, though the newest N messages do not pass it", async () => {
    const r = await runCli(["follow", "varied", "--tail", "3", "--where", '.data.env == "prod"', "--no-wait"], {
      dir,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seqsOf(r.stdout), [88, 89, 90]);
  });

  it("with a tag and --where together", async () => {
    const r = await runCli(
      ["follow", "varied", "--tail", "2", "-t", "prod", "--where", ".data.n % 10 == 0", "--no-wait"],
      { dir },
    );
    assert.deepEqual(seqsOf(r.stdout), [80, 90]);
  });

  it("all the matches there are when fewer than N exist, and none for --tail 0", async () => {
    const few = await runCli(["follow", "varied", "--tail", "50", "-t", "dev", "--no-wait"], { dir });
    assert.deepEqual(seqsOf(few.stdout), [91, 92, 93, 94, 95, 96, 97, 98, 99, 100]);
    const none = await runCli(["follow", "varied", "--tail", "5", "-t", "nothing", "--no-wait"], { dir });
    assert.equal(none.stdout, "");
    const zero = await runCli(["follow", "varied", "--tail", "0", "-t", "prod", "--no-wait"], { dir });
    assert.equal(zero.stdout, "");
  });

  it("and then keeps following new matching messages", async () => {
    const child = spawnCli(["follow", "varied", "--tail", "2", "-t", "prod", "--limit", "3"], { dir });
    const done = collect(child, 20_000);
    try {
      await waitForOutput(child, (t) => t.split("\n").length > 2);
    } finally {
      await feedLines(dir, "varied", [{ n: 101, env: "dev" }], ["--tag", "dev"]);
      await feedLines(dir, "varied", [{ n: 102, env: "prod" }], ["--tag", "prod"]);
    }
    const out = (await done).stdout;
    assert.deepEqual(seqsOf(out), [89, 90, 102]);
  });
});

describe("--tail N with a filter on a served pool", () => {
  const dir = newPoolDir();
  let base = "";
  let server: ReturnType<typeof spawnCli> | null = null;

  before(async () => {
    await variedPool(dir, "varied");
    server = spawnCli(["serve", "--port", "0"], { dir });
    const text = await waitForOutput(server, (t) => t.includes("\n"), 20_000);
    base = (JSON.parse(text.split("\n")[0] as string) as { listening: { url: string } }).listening.url;
  });

  after(() => {
    server?.kill("SIGTERM");
  });

  it("the tail endpoint with last=N and tag returns the last N tagged messages", async () => {
    const response = await fetch(`${base}/v0/pools/varied/tail?last=4&tag=prod&timeout_ms=0`);
    const text = await response.text();
    assert.equal(response.status, 200, text);
    assert.deepEqual(seqsOf(text), [87, 88, 89, 90]);
  });

  it("the CLI following the URL with --tag or --where gets the last N matches", async () => {
    const other = newPoolDir();
    const tagged = await runCli(["follow", `${base}/varied`, "--tail", "3", "-t", "prod", "--no-wait"], { dir: other });
    assert.equal(tagged.code, 0, tagged.stderr);
    assert.deepEqual(seqsOf(tagged.stdout), [88, 89, 90]);
    const where = await runCli(
      ["follow", `${base}/varied`, "--tail", "2", "--where", '.data.env == "prod"', "--no-wait"],
      { dir: other },
    );
    assert.equal(where.code, 0, where.stderr);
    assert.deepEqual(seqsOf(where.stdout), [89, 90]);
  });
});
