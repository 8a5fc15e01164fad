/**
 * Black-box tests of the compact view on a terminal (a pseudo-terminal through `script`):
 * follow prints one line per message by default, fetch on request; piped output is unchanged.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool, feedLines, hasScript, jsonLines, newPoolDir, runCli, runInTty } from "./cli-harness.js";

const ESC = "\u001b";
const records = [
  { level: "error", msg: "disk full", path: "/var" },
  { b: 2, a: 1, text: "y".repeat(300) },
  { severity: "info", message: "started", port: 8080 },
];
const linesOf = (output: string) => output.split("\n").filter((l) => l.length > 0);

describe("compact terminal output", { skip: !hasScript }, () => {
  it("follow on a TTY: one line per message, aligned, logs as level and message, cut to COLUMNS", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", records, ["--tag", "web"]);
    const r = runInTty(["--color", "never", "follow", "p", "--from", "1", "--no-wait"], dir, { COLUMNS: "60" });
    assert.equal(r.code, 0, r.output);
    const lines = linesOf(r.output);
    assert.equal(lines.length, 3, r.output);
    for (const line of lines) assert.match(line, /^ {5}\d {2}\d\d:\d\d:\d\d\.\d{3} {2}\[web\] {2}/);
    assert.match(lines[0] ?? "", /\[web\] {2}ERROR disk full path=\/var$/);
    assert.match(lines[1] ?? "", /\[web\] {2}\{"b":2,"a":1,"text":"y+…$/);
    assert.equal(lines[1]?.length, 60, "cut to the width");
    assert.match(lines[2] ?? "", /INFO {2}started port=8080$/);
  });

  it("follow: colour by level on a TTY; NO_COLOR and --color never turn it off", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", records);
    const args = ["follow", "p", "--from", "1", "--no-wait"];
    assert.ok(runInTty(args, dir).output.includes(`${ESC}[31mERROR${ESC}[39m`), "error in red");
    assert.ok(!runInTty(args, dir, { NO_COLOR: "1" }).output.includes(ESC), "NO_COLOR");
    assert.ok(!runInTty(["--color", "never", ...args], dir).output.includes(ESC), "--color never");
  });

  it("follow --format pretty keeps the block; --json and piped output stay JSON lines", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", records);
    const pretty = runInTty(["--color", "never", "follow", "p", "--from", "1", "--no-wait", "--format", "pretty"], dir);
    assert.match(pretty.output, /^#1 {2}/);
    const json = runInTty(["--json", "follow", "p", "--from", "1", "--no-wait"], dir);
    assert.deepEqual(
      jsonLines(json.output).map((m) => m.seq),
      [1, 2, 3],
    );
    const piped = await runCli(["follow", "p", "--from", "1", "--no-wait"], { dir });
    assert.ok(
      piped.stdout.startsWith('{"data":{"level":"error","msg":"disk full","path":"/var"},"meta":'),
      piped.stdout,
    );
  });

  it("fetch: a block by default on a TTY, one line with --format compact", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", records, ["--tag", "web"]);
    const block = runInTty(["--color", "never", "fetch", "p", "1"], dir);
    assert.match(block.output, /^#1 {2}/);
    const line = runInTty(["--color", "never", "fetch", "p", "3", "--format", "compact"], dir);
    assert.equal(line.code, 0, line.output);
    assert.match(line.output, /^ {5}3 {2}\d\d:\d\d:\d\d\.\d{3} {2}\[web\] {2}INFO {2}started port=8080\n$/);
  });
});
