/** Black-box tests of `cairn fetch` and `cairn follow`: start positions, filters, endings, gaps. */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { cliPath } from "../helpers/tmp.js";
import {
  collect,
  createPool,
  errorOf,
  feedLines,
  jsonLines,
  newPoolDir,
  runCli,
  settle,
  spawnCli,
  waitForOutput,
} from "./cli-harness.js";

const seqsOf = (text: string) => jsonLines(text).map((m) => m.seq);

describe("cairn fetch", () => {
  it("prints one message as a JSON line, or only its data", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ a: 1 }, { a: 2 }], ["--tag", "t"]);
    const r = await runCli(["fetch", "p", "2"], { dir });
    assert.equal(r.code, 0, r.stderr);
    const [m] = jsonLines(r.stdout);
    assert.deepEqual(Object.keys(m ?? {}), ["data", "meta", "seq", "time"]);
    assert.deepEqual(m?.data, { a: 2 });
    assert.deepEqual(m?.meta, { tags: ["t"] });
    const dataOnly = await runCli(["fetch", "p", "1", "--data-only"], { dir });
    assert.equal(dataOnly.stdout, '{"a":1}\n');
  });

  it("reports a missing seq as NotFound with the seq (exit 3) and a bad seq as Usage", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const missing = await runCli(["fetch", "p", "42"], { dir });
    assert.equal(missing.code, 3);
    assert.equal(errorOf(missing).kind, "NotFound");
    assert.equal(errorOf(missing).seq, 42);
    for (const seq of ["0", "-1", "abc", "1.5"]) {
      const bad = await runCli(["fetch", "p", seq], { dir });
      assert.equal(bad.code, 2, `seq ${seq}`);
    }
    const noPool = await runCli(["fetch", "nope", "1"], { dir });
    assert.equal(noPool.code, 3);
  });

  it("prints a readable block with --format pretty", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ msg: "hello" }], ["--tag", "greet"]);
    const r = await runCli(["fetch", "p", "1", "--format", "pretty"], { dir });
    assert.match(r.stdout, /^#1 {2}(just now|\d+s ago) · \d{4}-.*Z {2} greet \n {2}\{"msg": "hello"\}\n$/);
  });
});

describe("cairn follow", () => {
  it("starts at the live edge by default and prints new messages as they arrive", async () => {
    const dir = newPoolDir();
    await createPool(dir, "live");
    await feedLines(dir, "live", [{ old: true }]);
    const follower = spawnCli(["follow", "live", "--limit", "2"], { dir });
    const done = collect(follower);
    await settle(500);
    await feedLines(dir, "live", [{ n: 1 }]);
    await feedLines(dir, "live", [{ n: 2 }, { n: 3 }]);
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      jsonLines(r.stdout).map((m) => m.data),
      [{ n: 1 }, { n: 2 }],
    );
  });

  it("--tail N, --from SEQ and --since start where asked; --no-wait stops at the end", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(
      dir,
      "p",
      Array.from({ length: 10 }, (_, i) => ({ i })),
    );
    const tail = await runCli(["follow", "p", "-n", "3", "--no-wait"], { dir });
    assert.deepEqual(seqsOf(tail.stdout), [8, 9, 10]);
    const from = await runCli(["follow", "p", "--from", "6", "--no-wait"], { dir });
    assert.deepEqual(seqsOf(from.stdout), [6, 7, 8, 9, 10]);
    const since = await runCli(["follow", "p", "--since", "1h", "--no-wait"], { dir });
    assert.equal(seqsOf(since.stdout).length, 10);
    const future = await runCli(["follow", "p", "--since", "2999-01-01T00:00:00Z", "--no-wait"], { dir });
    assert.equal(future.stdout, "");
    const bad = await runCli(["follow", "p", "--since", "yesterday"], { dir });
    assert.equal(bad.code, 2);
    assert.match(
      errorOf(bad).message,
      /^--since: invalid time "yesterday" \(expected a duration ago such as 5m, or an RFC 3339/,
    );
    assert.match(errorOf(bad).hint ?? "", /duration ago \(30s, 5m/);
    const both = await runCli(["follow", "p", "--tail", "1", "--from", "1"], { dir });
    assert.equal(both.code, 2);
  });

  it("--tag filters with AND; --one exits after the first match", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ i: 1 }], ["--tag", "a"]);
    await feedLines(dir, "p", [{ i: 2 }], ["--tag", "a", "--tag", "b"]);
    await feedLines(dir, "p", [{ i: 3 }], ["--tag", "b"]);
    await feedLines(dir, "p", [{ i: 4 }], ["--tag", "a", "--tag", "b"]);
    const both = await runCli(["follow", "p", "--from", "1", "--tag", "a", "--tag", "b", "--no-wait"], { dir });
    assert.deepEqual(seqsOf(both.stdout), [2, 4]);
    const one = await runCli(["follow", "p", "--from", "1", "--tag", "b", "--one"], { dir });
    assert.equal(one.code, 0);
    assert.deepEqual(seqsOf(one.stdout), [2]);
  });

  it("--timeout exits 124 after inactivity; a message in time resets it", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const idle = await runCli(["follow", "p", "--timeout", "0.3"], { dir });
    assert.equal(idle.code, 124);
    assert.equal(idle.stdout, "");
    const follower = spawnCli(["follow", "p", "--timeout", "3"], { dir });
    const done = collect(follower);
    await settle(400);
    await feedLines(dir, "p", [{ x: 1 }]);
    const r = await done;
    assert.equal(r.code, 124);
    assert.equal(seqsOf(r.stdout).length, 1);
    const bad = await runCli(["follow", "p", "--timeout", "soon"], { dir });
    assert.equal(bad.code, 2);
  });

  it("--data-only prints only data; --format jsonl is the piped default", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ z: 1, a: { y: 2, b: 3 } }]);
    const dataOnly = await runCli(["follow", "p", "--from", "1", "--no-wait", "--data-only"], { dir });
    assert.equal(dataOnly.stdout, '{"z":1,"a":{"y":2,"b":3}}\n'); // the writer's key order (issue 10 finding 11)
    const jsonl = await runCli(["follow", "p", "--from", "1", "--no-wait", "--format", "jsonl"], { dir });
    assert.match(
      jsonl.stdout,
      /^\{"data":\{"z":1,"a":\{"y":2,"b":3\}\},"meta":\{"tags":\[\]\},"seq":1,"time":"[^"]+"\}\n$/,
    );
    const pretty = await runCli(["follow", "p", "--from", "1", "--no-wait", "--format", "pretty"], { dir });
    assert.match(pretty.stdout, /^#1 /);
  });

  it("--replay replays history (needs --tail or --since)", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ a: 1 }]);
    await feedLines(dir, "p", [{ a: 2 }]);
    const r = await runCli(["follow", "p", "--tail", "2", "--replay", "1000", "--limit", "2"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(seqsOf(r.stdout), [1, 2]);
    const noStart = await runCli(["follow", "p", "--replay", "2"], { dir });
    assert.equal(noStart.code, 2);
    assert.match(errorOf(noStart).message, /--replay needs --tail or --since/);
    const zero = await runCli(["follow", "p", "--tail", "1", "--replay", "0"], { dir });
    assert.equal(zero.code, 2);
  });

  it("reports dropped messages as a notice (or not, with --quiet-drops), and --gap error exits 9", async () => {
    const dir = newPoolDir();
    await createPool(dir, "g", "16K");
    await feedLines(
      dir,
      "g",
      Array.from({ length: 400 }, (_, i) => ({ i, pad: "x".repeat(60) })),
    );
    const r = await runCli(["follow", "g", "--from", "1", "--no-wait"], { dir });
    assert.equal(r.code, 0, r.stderr);
    const [drop] = jsonLines(r.stderr).map((n) => n.notice as { kind: string; from_seq: number; to_seq: number });
    assert.equal(drop?.kind, "drop");
    assert.equal(drop?.from_seq, 1);
    const first = seqsOf(r.stdout)[0] as number;
    assert.equal(drop?.to_seq, first - 1);
    const quiet = await runCli(["follow", "g", "--from", "1", "--no-wait", "--quiet-drops"], { dir });
    assert.equal(quiet.stderr, "");
    const strict = await runCli(["follow", "g", "--from", "1", "--gap", "error"], { dir });
    assert.equal(strict.code, 9);
    assert.equal(errorOf(strict).kind, "RetentionGap");
    assert.equal(errorOf(strict).seq, 1);
    assert.equal(strict.stdout, "");
  });

  it("stops quietly when the reader of its output goes away", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(
      dir,
      "p",
      Array.from({ length: 2000 }, (_, i) => ({ i })),
    );
    const follower = spawnCli(["follow", "p", "--from", "1"], { dir });
    const done = collect(follower);
    await waitForOutput(follower, (t) => t.includes("\n"));
    follower.stdout?.destroy();
    const r = await done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
  });

  it("`follow --tail 5 | head -1` exits quietly once head is gone, with no message to write", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(
      dir,
      "p",
      Array.from({ length: 6 }, (_, i) => ({ i })),
    );
    // A real shell pipe; the follower's own exit status goes to stderr. Its own process
    // group, so a follower that never exits is killed with the shell.
    const shell = spawn("sh", ["-c", '{ "$NODE" "$CLI" follow p --tail 5; echo "follow exited $?" >&2; } | head -1'], {
      env: { ...process.env, CAIRN_DIR: dir, NODE: process.execPath, CLI: cliPath },
      detached: true,
    });
    const timer = setTimeout(() => process.kill(-(shell.pid as number), "SIGKILL"), 10_000);
    const r = await collect(shell);
    clearTimeout(timer);
    assert.equal(r.signal, null, `still following after head exited: ${r.stderr}`);
    assert.deepEqual(seqsOf(r.stdout), [2]);
    assert.equal(r.stderr, "follow exited 0\n");
  });

  it("exits quietly when the socket it writes to is closed while it waits for messages", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ i: 1 }]);
    const follower = spawnCli(["follow", "p", "--tail", "1"], { dir });
    const done = collect(follower, 10_000);
    await waitForOutput(follower, (t) => t.includes("\n"));
    follower.stdout?.destroy();
    const r = await done;
    assert.equal(r.signal, null, "still following after its reader went away");
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
  });

  it("fails with NotFound for a missing pool and Usage for bad flags", async () => {
    const dir = newPoolDir();
    const missing = await runCli(["follow", "ghost", "--no-wait"], { dir });
    assert.equal(missing.code, 3);
    for (const args of [
      ["follow", "ghost", "--tail", "many"],
      ["follow", "ghost", "--from", "0"],
      ["follow", "ghost", "--gap", "sometimes"],
      ["follow", "ghost", "--format", "xml"],
      ["follow", "ghost", "--one", "--limit", "3"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    }
  });
});
