/** Black-box tests of `cairn tap`: lifecycle and line messages, exit codes, signals. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { collect, createPool, errorOf, jsonLines, newPoolDir, runCli, spawnCli, waitForOutput } from "./cli-harness.js";

interface Recorded {
  data: Record<string, unknown>;
  meta: { tags: string[] };
}

async function messagesOf(dir: string, pool: string): Promise<Recorded[]> {
  const r = await runCli(["follow", pool, "--from", "1", "--no-wait"], { dir });
  return jsonLines(r.stdout) as unknown as Recorded[];
}

describe("cairn tap", () => {
  it("records a line too long for the pool truncated, keeps the lines after it, and exits with the child's code", async () => {
    const dir = newPoolDir();
    await createPool(dir, "long", "1M");
    const script = "process.stdout.write('a'.repeat(3_000_000) + '\\nafter\\n'); process.exitCode = 0";
    const r = await runCli(["tap", "long", "--", process.execPath, "-e", script], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, 3_000_000 + "\nafter\n".length, "output passes through whole");
    const lines = (await messagesOf(dir, "long")).filter((m) => m.data.kind === "line").map((m) => m.data);
    assert.equal(lines.length, 2);
    const first = lines[0] as { line: string; truncated_chars: number };
    assert.ok(first.line.length > 0 && first.line.length < 3_000_000);
    assert.equal(first.line.length + first.truncated_chars, 3_000_000);
    assert.deepEqual(lines[1], { kind: "line", line: "after", stream: "stdout" });
  });

  it("records start, each output line, a partial last line and exit; passes output through", async () => {
    const dir = newPoolDir();
    await createPool(dir, "t");
    const script =
      "process.stdout.write('one\\ntwo\\n'); process.stderr.write('oops\\n'); process.stdout.write('tail')";
    const r = await runCli(["tap", "t", "--tag", "job", "--", process.execPath, "-e", script], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "one\ntwo\ntail");
    assert.equal(r.stderr, "oops\n");
    const messages = await messagesOf(dir, "t");
    const start = messages[0];
    assert.equal(start?.data.kind, "start");
    assert.deepEqual(start?.data.cmd, [process.execPath, "-e", script]);
    assert.deepEqual(start?.meta.tags, ["job", "lifecycle"]);
    const lines = messages.filter((m) => m.data.kind === "line").map((m) => [m.data.stream, m.data.line]);
    assert.deepEqual(
      lines.filter(([s]) => s === "stdout"),
      [
        ["stdout", "one"],
        ["stdout", "two"],
        ["stdout", "tail"],
      ],
    );
    assert.deepEqual(
      lines.filter(([s]) => s === "stderr"),
      [["stderr", "oops"]],
    );
    const stdoutLine = messages.find((m) => m.data.stream === "stdout");
    assert.deepEqual(stdoutLine?.meta.tags, ["job", "stdout"]);
    const exit = messages[messages.length - 1];
    assert.equal(exit?.data.kind, "exit");
    assert.equal(exit?.data.code, 0);
    assert.equal(typeof exit?.data.elapsed_ms, "number");
    assert.deepEqual(exit?.meta.tags, ["job", "lifecycle"]);
  });

  it("drains all output before the exit message and exits with the child's code", async () => {
    const dir = newPoolDir();
    await createPool(dir, "t", "4M");
    const script = "for (let i = 0; i < 5000; i++) console.log('line ' + i); process.exitCode = 3";
    const r = await runCli(["tap", "t", "--", process.execPath, "-e", script], { dir });
    assert.equal(r.code, 3);
    const messages = await messagesOf(dir, "t");
    assert.equal(messages.length, 5002);
    assert.equal(messages[5000]?.data.line, "line 4999");
    assert.equal(messages[5001]?.data.code, 3);
  });

  it("records output much larger than a small pool without damaging it", async () => {
    const dir = newPoolDir();
    await createPool(dir, "small", "16K");
    const script = "for (let i = 0; i < 3000; i++) console.log('line ' + i + ' ' + 'z'.repeat(50))";
    const r = await runCli(["tap", "small", "--", process.execPath, "-e", script], { dir });
    assert.equal(r.code, 0, r.stderr);
    const messages = await messagesOf(dir, "small");
    assert.equal(messages[messages.length - 1]?.data.kind, "exit");
    assert.equal((await runCli(["doctor", "small"], { dir })).code, 0);
  });

  it("forwards SIGTERM to the child and exits 128 + signal", async () => {
    const dir = newPoolDir();
    await createPool(dir, "t");
    const script = "console.log('ready'); setInterval(() => {}, 1000)";
    const child = spawnCli(["tap", "t", "--", process.execPath, "-e", script], { dir });
    const done = collect(child);
    await waitForOutput(child, (t) => t.includes("ready"));
    child.kill("SIGTERM");
    const r = await done;
    assert.equal(r.code, 143);
    const messages = await messagesOf(dir, "t");
    const exit = messages[messages.length - 1];
    assert.equal(exit?.data.kind, "exit");
    assert.equal(exit?.data.signal, "SIGTERM");
  });

  it("forwards SIGINT; a child that handles it decides the exit code", async () => {
    const dir = newPoolDir();
    await createPool(dir, "t");
    const script =
      "process.on('SIGINT', () => { console.log('bye'); process.exit(7) }); console.log('ready'); setInterval(() => {}, 1000)";
    const child = spawnCli(["tap", "t", "--", process.execPath, "-e", script], { dir });
    const done = collect(child);
    await waitForOutput(child, (t) => t.includes("ready"));
    child.kill("SIGINT");
    const r = await done;
    assert.equal(r.code, 7);
    const messages = await messagesOf(dir, "t");
    assert.deepEqual(
      messages.map((m) => m.data.line ?? m.data.kind),
      ["start", "ready", "bye", "exit"],
    );
  });

  it("reports a command that cannot run, a missing pool, and a missing command", async () => {
    const dir = newPoolDir();
    await createPool(dir, "t");
    const noCmd = await runCli(["tap", "t", "--", "/nonexistent/binary"], { dir });
    assert.equal(noCmd.code, 3);
    assert.match(errorOf(noCmd).message, /cannot run/);
    const script = path.join(dir, "not-executable.sh");
    fs.writeFileSync(script, "echo hi\n", { mode: 0o644 });
    const notExecutable = await runCli(["tap", "t", "--", script], { dir });
    assert.equal(notExecutable.code, 6, notExecutable.stderr);
    assert.equal(errorOf(notExecutable).kind, "Permission");
    const recorded = await runCli(["follow", "t", "--from", "1", "--no-wait"], { dir });
    assert.equal(recorded.stdout, "", "nothing recorded for a command that could not start");
    const noPool = await runCli(["tap", "ghost", "--", "true"], { dir });
    assert.equal(noPool.code, 3);
    const nothing = await runCli(["tap", "t"], { dir });
    assert.equal(nothing.code, 2);
  });
});
