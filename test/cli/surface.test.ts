/**
 * The CLI's surface as a whole: help with an example on every command, version,
 * completion scripts, usage errors, error envelopes and TTY presentation.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cliPath } from "../helpers/tmp.js";
import {
  createPool,
  errorOf,
  feedLines,
  hasScript,
  newPoolDir,
  runCli,
  runInTty as runInTtyWithCode,
} from "./cli-harness.js";

const COMMANDS = [
  [],
  ["version"],
  ["pool"],
  ["pool", "create"],
  ["pool", "list"],
  ["pool", "info"],
  ["pool", "delete"],
  ["pool", "truncate"],
  ["feed"],
  ["fetch"],
  ["follow"],
  ["tap"],
  ["doctor"],
  ["completion"],
  ["serve"],
  ["serve", "init"],
  ["serve", "check"],
];

const ESC = "\u001b";

/** What the terminal showed for `cairn ARGS…` under a pseudo-terminal. */
function runInTty(args: string[], dir: string, env: Record<string, string> = {}): string {
  return runInTtyWithCode(args, dir, env).output;
}

describe("cairn CLI surface", () => {
  for (const command of COMMANDS) {
    it(`prints help with an example for "cairn ${command.join(" ")}"`, async () => {
      const r = await runCli([...command, "--help"], { dir: newPoolDir() });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^Usage: cairn/);
      assert.match(r.stdout, /\nExamples?:\n {2}\$ cairn /);
    });
  }

  it("prints the version with `version` and -V", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(cliPath), "..", "..", "..", "package.json"), "utf8"));
    const r = await runCli(["version"], { dir: newPoolDir() });
    assert.deepEqual(JSON.parse(r.stdout), { version: pkg.version }, "piped: JSON");
    if (hasScript) assert.equal(runInTty(["version"], newPoolDir()), `cairn ${pkg.version}\n`);
    const v = await runCli(["-V"], { dir: newPoolDir() });
    assert.equal(v.stdout.trim(), pkg.version);
  });

  it("prints completion scripts for bash, zsh and fish that name the commands and flags", async () => {
    const dir = newPoolDir();
    for (const shell of ["bash", "zsh", "fish"]) {
      const r = await runCli(["completion", shell], { dir });
      assert.equal(r.code, 0, r.stderr);
      for (const word of ["feed", "follow", "tap", "doctor", "truncate", "where"])
        assert.ok(r.stdout.includes(word), `${shell}: ${word}`);
    }
    const bash = await runCli(["completion", "bash"], { dir });
    const check = spawnSync("bash", ["-n"], { input: bash.stdout });
    assert.equal(check.status, 0, check.stderr?.toString());
    const script = path.join(dir, "cairn.bash");
    fs.writeFileSync(script, bash.stdout);
    const complete = (words: string[]) =>
      spawnSync(
        "bash",
        [
          "-c",
          `source ${script}; COMP_WORDS=(${words.join(" ")}); COMP_CWORD=${words.length - 1}; _cairn; echo "\${COMPREPLY[*]}"`,
        ],
        { encoding: "utf8" },
      ).stdout.trim();
    assert.equal(complete(["cairn", "po"]), "pool");
    assert.equal(complete(["cairn", "pool", "tr"]), "truncate");
    assert.equal(complete(["cairn", "follow", "x", "--wh"]), "--where");
    const bad = await runCli(["completion", "powershell"], { dir });
    assert.equal(bad.code, 2);
  });

  it("answers unknown commands, unknown options and missing arguments with Usage (exit 2) as a JSON envelope", async () => {
    const dir = newPoolDir();
    for (const args of [
      ["frobnicate"],
      ["follow", "p", "--bogus"],
      ["fetch"],
      ["pool", "create"],
      ["--color", "purple", "version"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      const error = errorOf(r);
      assert.equal(error.kind, "Usage");
      assert.equal(r.stderr.trim().split("\n").length, 1, "one line");
    }
  });

  it("reports a pool of an unknown format version as Usage with its path", async () => {
    const dir = newPoolDir();
    await createPool(dir, "v");
    const file = path.join(dir, "v.cairn");
    const fd = fs.openSync(file, "r+");
    const version = Buffer.alloc(4);
    version.writeUInt32LE(99);
    fs.writeSync(fd, version, 0, 4, 4);
    fs.closeSync(fd);
    const r = await runCli(["fetch", "v", "1"], { dir });
    assert.equal(r.code, 2);
    assert.match(errorOf(r).message, /unsupported pool format version 99/);
    assert.equal(errorOf(r).path, file);
  });

  it("reports a pool with a damaged header as Corrupt (exit 7)", async () => {
    const dir = newPoolDir();
    await createPool(dir, "c");
    const file = path.join(dir, "c.cairn");
    const fd = fs.openSync(file, "r+");
    fs.writeSync(fd, Buffer.from("JUNK"), 0, 4, 0);
    fs.closeSync(fd);
    for (const args of [
      ["fetch", "c", "1"],
      ["feed", "c", "{}"],
      ["follow", "c", "--no-wait"],
      ["pool", "info", "c"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 7, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(errorOf(r).kind, "Corrupt");
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it("answers a missing pool with NotFound (exit 3), its path and a hint on how to create it", async () => {
    const dir = newPoolDir();
    for (const args of [
      ["fetch", "ghost", "1"],
      ["follow", "ghost", "--no-wait"],
      ["feed", "ghost", "{}"],
      ["tap", "ghost", "--", "true"],
      ["pool", "info", "ghost"],
      ["pool", "truncate", "ghost", "--before", "2"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 3, `${args.join(" ")}: ${r.stderr}`);
      const error = errorOf(r);
      assert.equal(error.kind, "NotFound");
      assert.equal(error.path, path.join(dir, "ghost.cairn"));
      assert.match(error.hint ?? "", /cairn pool create ghost/, args.join(" "));
    }
    const feed = errorOf(await runCli(["feed", "ghost", "{}"], { dir }));
    assert.match(feed.hint ?? "", /--create/);
  });

  it("reports a failed write to stdout (> /dev/full) as Io (exit 8), without a stack trace", {
    skip: !fs.existsSync("/dev/full"),
  }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ a: 1 }]);
    for (const args of [
      ["follow", "p", "--from", "1", "--no-wait"],
      ["follow", "p", "--from", "1"],
      ["pool", "list", "--json"],
      ["version"],
    ]) {
      const full = fs.openSync("/dev/full", "w");
      const r = spawnSync(process.execPath, [cliPath, ...args], {
        env: { ...process.env, CAIRN_DIR: dir },
        stdio: ["ignore", full, "pipe"],
        encoding: "utf8",
        timeout: 10_000,
      });
      fs.closeSync(full);
      assert.equal(r.status, 8, `${args.join(" ")}: ${r.stderr}`);
      assert.deepEqual(JSON.parse(r.stderr), {
        error: { kind: "Io", message: "cannot write to stdout: ENOSPC: no space left on device" },
      });
    }
  });

  it("shows a stack trace only with CAIRN_DEBUG=1", async () => {
    const dir = newPoolDir();
    const r = await runCli(["fetch", "ghost", "1"], { dir, env: { CAIRN_DEBUG: "1" } });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /\n\s+at /);
  });

  it("reads the remote token options and refuses --token with --token-file", async () => {
    const dir = newPoolDir();
    const r = await runCli(["--token", "a", "--token-file", "/dev/null", "pool", "list"], { dir });
    assert.equal(r.code, 2);
    const missing = await runCli(["--token-file", path.join(dir, "none"), "pool", "list"], { dir });
    assert.equal(missing.code, 3);
  });

  it("on a TTY: one-line coloured error with hint, pretty messages with tag pills", { skip: !hasScript }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ msg: "hello" }], ["--tag", "greet"]);
    const error = runInTty(["fetch", "p", "9"], dir);
    assert.ok(error.startsWith(`${ESC}[31merror:${ESC}[39m message 9 not found`), error);
    assert.doesNotMatch(error, /\{"error"/);
    // The block view is --format pretty since follow's TTY default became compact (issue 11).
    const pretty = runInTty(["follow", "p", "--from", "1", "--no-wait", "--format", "pretty"], dir);
    assert.match(pretty, /#1/);
    assert.match(pretty, / greet /);
    assert.ok(pretty.includes(`${ESC}[`), "coloured");
    const noColor = runInTty(["follow", "p", "--from", "1", "--no-wait"], dir, { NO_COLOR: "1" });
    assert.ok(!noColor.includes(ESC), "NO_COLOR respected");
    const dumb = runInTty(["follow", "p", "--from", "1", "--no-wait"], dir, { TERM: "dumb" });
    assert.ok(!dumb.includes(ESC), "TERM=dumb respected");
    const forced = runInTty(["--color", "always", "follow", "p", "--from", "1", "--no-wait"], dir, { NO_COLOR: "1" });
    assert.ok(forced.includes(ESC), "--color always wins over NO_COLOR");
    const plain = runInTty(["--color", "never", "follow", "p", "--from", "1", "--no-wait", "--format", "pretty"], dir);
    assert.ok(!plain.includes(ESC), "not coloured");
    assert.match(plain, /^#1 {2}(just now|\d+s ago) · /);
  });

  it("on a TTY: feed shows the first receipts, then a summary instead of one line per message", {
    skip: !hasScript,
  }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = path.join(dir, "in.jsonl");
    fs.writeFileSync(input, Array.from({ length: 30 }, (_, i) => `{"n":${i}}\n`).join(""));
    const out = runInTty(["--color", "never", "feed", "p", "-f", input, "--tag", "bulk"], dir);
    const receipts = out.split("\n").filter((line) => /^#\d+ {2}\d{4}-/.test(line));
    assert.equal(receipts.length, 10, out);
    assert.match(receipts[0] ?? "", /^#1 {2}\S+Z {2} bulk $/);
    assert.match(out, /… and 20 more\nappended 30 messages to p \(seq 1\.\.30\)\n/);
    const json = runInTty(["--json", "feed", "p", "-f", input], dir);
    assert.equal(json.trim().split("\n").length, 30, "--json keeps one receipt per message");
  });

  it("on a TTY: control characters in tags, data and errors are escaped, not sent to the terminal", {
    skip: !hasScript,
  }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const hostile = `x${ESC}]0;pwned\u0007${ESC}[2J\u009b31m`;
    await feedLines(dir, "p", [{ s: hostile }], ["--tag", hostile]);
    // The block view (pills); compact-format.test.ts checks the one-line view the same way.
    const out = runInTty(["--color", "never", "follow", "p", "--from", "1", "--no-wait", "--format", "pretty"], dir);
    assert.ok(!out.includes(ESC) && !out.includes("\u0007") && !out.includes("\u009b"), JSON.stringify(out));
    assert.ok(out.includes(" x\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m "), JSON.stringify(out));
    const error = runInTty(["--color", "never", "fetch", hostile, "1"], dir);
    assert.ok(!error.includes(ESC), JSON.stringify(error));
    assert.equal(error.trimEnd().split("\n")[0]?.startsWith("error: invalid pool name"), true, error);
  });

  it("on a TTY: doctor --all shows progress, then the reports", { skip: !hasScript }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "one");
    await createPool(dir, "two");
    const out = runInTty(["doctor", "--all"], dir);
    assert.ok(out.includes("checking 1/2 one"), out);
    assert.ok(out.includes("checking 2/2 two"), out);
    assert.match(out, /2 pool\(s\) checked, 0 corrupt/);
  });
});
