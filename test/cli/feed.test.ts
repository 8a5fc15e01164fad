/** Black-box tests of `cairn feed`: inputs, formats, tags, receipts, errors. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cliPath } from "../helpers/tmp.js";
import { createPool, errorOf, jsonLines, newPoolDir, runCli } from "./cli-harness.js";

async function dataOf(dir: string, pool: string): Promise<unknown[]> {
  const r = await runCli(["follow", pool, "--from", "1", "--no-wait", "--data-only"], { dir });
  assert.equal(r.code, 0, r.stderr);
  return jsonLines(r.stdout);
}

describe("cairn feed", () => {
  it("appends DATA and prints a receipt {meta:{tags},seq,time}; the data keeps the writer's key order", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const r = await runCli(["feed", "p", '{"b":1,"a":2}', "--tag", "x", "-t", "y"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\{"meta":\{"tags":\["x","y"\]\},"seq":1,"time":"\d{4}-\d\d-\d\dT[\d:.]+Z"\}\n$/);
    const fetched = await runCli(["fetch", "p", "1"], { dir });
    assert.match(fetched.stdout, /^\{"data":\{"b":1,"a":2\},"meta":\{"tags":\["x","y"\]\},"seq":1,"time":/);
  });

  it("reads JSON lines from stdin, one receipt per message, in order", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = `${Array.from({ length: 500 }, (_, i) => JSON.stringify({ i })).join("\n")}\n\n`;
    const r = await runCli(["feed", "p"], { dir, input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      jsonLines(r.stdout).map((x) => x.seq),
      Array.from({ length: 500 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      await dataOf(dir, "p"),
      Array.from({ length: 500 }, (_, i) => ({ i })),
    );
  });

  it("refuses input that is not UTF-8 instead of storing U+FFFD, after appending the records before it", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const latin1 = Buffer.concat([
      Buffer.from('{"n":1}\n{"s":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}\n{"n":3}\n'),
    ]);
    const r = await runCli(["feed", "p"], { dir, input: latin1 });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(errorOf(r).kind, "Usage");
    assert.match(errorOf(r).message, /UTF-8/);
    assert.deepEqual(await dataOf(dir, "p"), [{ n: 1 }]);
    const utf8 = await runCli(["feed", "p"], { dir, input: Buffer.from('{"s":"café €😀 \uFFFD"}\n') });
    assert.equal(utf8.code, 0, utf8.stderr);
    assert.deepEqual((await dataOf(dir, "p"))[1], { s: "café €😀 \uFFFD" });
  });

  it("reads large files exactly: ASCII, multi-byte text across chunks, and an invalid byte at its offset", async () => {
    const dir = newPoolDir();
    await createPool(dir, "big", "16M");
    // More than one 1 MiB read of plain ASCII, then multi-byte text.
    const ascii = Array.from({ length: 12_000 }, (_, i) => `{"n":${i},"pad":"${"a".repeat(100)}"}\n`).join("");
    const unicode = `{"s":"${"é€😀".repeat(40_000)}"}\n`; // ~360 KiB of multi-byte text, split by reads
    const file = path.join(dir, "in.jsonl");
    fs.writeFileSync(file, ascii + unicode);
    const ok = await runCli(["feed", "big", "-f", file], { dir });
    assert.equal(ok.code, 0, ok.stderr);
    const stored = await dataOf(dir, "big");
    assert.equal(stored.length, 12_001);
    assert.deepEqual(stored[11_999], { n: 11_999, pad: "a".repeat(100) });
    assert.deepEqual(stored[12_000], { s: "é€😀".repeat(40_000) });

    const bad = Buffer.concat([Buffer.from(ascii), Buffer.from([0xff]), Buffer.from("\n")]);
    fs.writeFileSync(file, bad);
    const refused = await runCli(["feed", "big", "-f", file], { dir });
    assert.equal(refused.code, 2);
    assert.match(errorOf(refused).message, new RegExp(`not valid UTF-8 \\(byte offset ${ascii.length}\\)`));
    assert.equal((await dataOf(dir, "big")).length, 24_001, "every record before the bad byte was appended");
  });

  it("a record too large for the pool is a bad record: skip reports it and keeps going, stop names its line", async () => {
    const dir = newPoolDir();
    await createPool(dir, "small", "64K");
    const input = `{"n":1}\n${JSON.stringify({ big: "x".repeat(60_000) })}\n{"n":3}\n`;
    const skip = await runCli(["feed", "small", "--errors", "skip"], { dir, input });
    assert.equal(skip.code, 1, skip.stderr);
    const notice = JSON.parse(skip.stderr.trim()).notice;
    assert.equal(notice.kind, "skipped");
    assert.equal(notice.line, 2);
    assert.deepEqual(await dataOf(dir, "small"), [{ n: 1 }, { n: 3 }]);
    const stop = await runCli(["feed", "small"], { dir, input });
    assert.equal(stop.code, 2);
    assert.match(errorOf(stop).message, /^line 2: .*larger than this pool allows/);
    assert.deepEqual(await dataOf(dir, "small"), [{ n: 1 }, { n: 3 }, { n: 1 }]);
  });

  it("reads from a file with -f and flushes a last line without a newline", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const file = path.join(dir, "in.jsonl");
    fs.writeFileSync(file, '{"n":1}\r\n{"n":2}');
    const r = await runCli(["feed", "p", "-f", file], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await dataOf(dir, "p"), [{ n: 1 }, { n: 2 }]);
    const missing = await runCli(["feed", "p", "-f", path.join(dir, "absent.jsonl")], { dir });
    assert.equal(missing.code, 3);
    assert.equal(errorOf(missing).kind, "NotFound");
    const directory = await runCli(["feed", "p", "-f", dir], { dir });
    assert.equal(directory.code, 2);
    assert.equal(errorOf(directory).path, dir);
    assert.match(errorOf(directory).message, /is a directory/);
  });

  it("reads stdin redirected from a file (`cairn feed p < file`), spacing and all", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const file = path.join(dir, "redirected.jsonl");
    fs.writeFileSync(file, Array.from({ length: 3000 }, (_, i) => `{ "i" : ${i},  "s": "v" }\n`).join(""));
    const fd = fs.openSync(file, "r");
    const r = spawnSync(process.execPath, [cliPath, "feed", "p"], {
      stdio: [fd, "pipe", "pipe"],
      env: { ...process.env, CAIRN_DIR: dir },
      encoding: "utf8",
    });
    fs.closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).length, 3000);
    const data = await dataOf(dir, "p");
    assert.deepEqual(data[2999], { i: 2999, s: "v" });
    const fetched = await runCli(["fetch", "p", "1"], { dir });
    // The line is stored and printed as it came in (issue 10 finding 11: the text passes through).
    assert.match(fetched.stdout, /^\{"data":\{ "i" : 0, {2}"s": "v" \},/);
  });

  it("--in auto accepts SSE data: lines, RS records, pretty JSON and scalars", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = [
      ": comment",
      "event: update",
      "id: 7",
      'data: {"sse":1}',
      "",
      "data: [1,",
      "data: 2]",
      "",
      '\u001e{"rs":true}',
      "{",
      '  "pretty": {',
      '    "deep": [1, 2]',
      "  }",
      "}",
      "42",
      '"text"',
    ].join("\n");
    const r = await runCli(["feed", "p"], { dir, input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await dataOf(dir, "p"), [
      { sse: 1 },
      [1, 2],
      { rs: true },
      { pretty: { deep: [1, 2] } },
      42,
      "text",
    ]);
  });

  it("--in json takes concatenated pretty-printed values", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = '{\n "a": "x}{",\n "b": [1,\n2]\n}  {"c":"\\"q"}\n[]\ntrue 3';
    const r = await runCli(["feed", "p", "--in", "json"], { dir, input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await dataOf(dir, "p"), [{ a: "x}{", b: [1, 2] }, { c: '"q' }, [], true, 3]);
  });

  it("--in seq takes RFC 7464 records, even when they span lines", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = '\u001e{"a":1}\n\u001e{\n"b":2}\n\u001e[3]\n';
    const r = await runCli(["feed", "p", "--in", "seq"], { dir, input });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await dataOf(dir, "p"), [{ a: 1 }, { b: 2 }, [3]]);
  });

  it("--in jsonl treats every non-blank line as one JSON value", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const r = await runCli(["feed", "p", "--in", "jsonl"], { dir, input: 'data: {"x":1}\n' });
    assert.equal(r.code, 2);
    assert.match(errorOf(r).message, /line 1: invalid JSON/);
  });

  it("--errors stop: appends what came before the bad record, then exits 2 naming the line", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const r = await runCli(["feed", "p"], { dir, input: '{"ok":1}\n{"ok":2}\n{oops\n{"ok":3}\n' });
    assert.equal(r.code, 2);
    assert.equal(errorOf(r).kind, "Usage");
    assert.match(errorOf(r).message, /^line 3: invalid JSON/);
    assert.equal(jsonLines(r.stdout).length, 2);
    assert.deepEqual(await dataOf(dir, "p"), [{ ok: 1 }, { ok: 2 }]);
  });

  it("--errors skip: skips bad records with a notice each and exits 1", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const r = await runCli(["feed", "p", "--errors", "skip"], { dir, input: '{"ok":1}\nnope\n{"ok":2}\n{"a":\n' });
    assert.equal(r.code, 1);
    const notices = jsonLines(r.stderr).map((n) => n.notice as { kind: string; line: number });
    assert.deepEqual(
      notices.map((n) => [n.kind, n.line]),
      [
        ["skipped", 2],
        ["skipped", 4],
      ],
    );
    assert.deepEqual(await dataOf(dir, "p"), [{ ok: 1 }, { ok: 2 }]);
  });

  it("rejects bad DATA, DATA with -f, and unknown flag values as Usage (exit 2) without a stack trace", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    for (const args of [
      ["feed", "p", "{not json"],
      ["feed", "p", "{}", "-f", "x.jsonl"],
      ["feed", "p", "{}", "--durability", "eventually"],
      ["feed", "p", "--in", "xml"],
      ["feed", "p", "{}", "--size", "1M"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(errorOf(r).kind, "Usage");
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    }
  });

  it("fails with NotFound (exit 3) for a missing pool, and creates it with --create --size", async () => {
    const dir = newPoolDir();
    const r = await runCli(["feed", "ghost", "{}"], { dir });
    assert.equal(r.code, 3);
    assert.equal(errorOf(r).kind, "NotFound");
    assert.match(errorOf(r).hint ?? "", /--create/);
    const created = await runCli(["feed", "ghost", '{"x":1}', "--create", "--size", "64K"], { dir });
    assert.equal(created.code, 0, created.stderr);
    const info = JSON.parse((await runCli(["pool", "info", "ghost", "--json"], { dir })).stdout) as {
      file_size: number;
    };
    assert.equal(info.file_size, 65536);
  });

  it("accepts --durability flush", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const r = await runCli(["feed", "p", "--durability", "flush"], { dir, input: '{"a":1}\n{"a":2}\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).length, 2);
  });

  it("refuses a message larger than the pool allows (Usage) and leaves the pool valid", async () => {
    const dir = newPoolDir();
    await createPool(dir, "small", "16K");
    const r = await runCli(["feed", "small", JSON.stringify({ big: "x".repeat(20_000) })], { dir });
    assert.equal(r.code, 2);
    assert.match(errorOf(r).message, /larger than this pool allows/);
    assert.equal((await runCli(["doctor", "small"], { dir })).code, 0);
  });

  it("streams input far larger than the pool, wrapping the ring", async () => {
    const dir = newPoolDir();
    await createPool(dir, "ring", "64K");
    const input = Array.from({ length: 3000 }, (_, i) => `${JSON.stringify({ i, pad: "p".repeat(100) })}\n`).join("");
    const r = await runCli(["feed", "ring"], { dir, input });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(jsonLines(r.stdout).length, 3000);
    const info = JSON.parse((await runCli(["pool", "info", "ring", "--json"], { dir })).stdout) as {
      bounds: { newest: number; oldest: number };
    };
    assert.equal(info.bounds.newest, 3000);
    assert.ok(info.bounds.oldest > 1);
    assert.equal((await runCli(["doctor", "ring"], { dir })).code, 0);
  });
});
