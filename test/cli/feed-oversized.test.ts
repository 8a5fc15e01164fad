/**
 * Oversized records in `cairn feed`: a record is refused as soon as it passes the size
 * limit (64 Mi characters), without reading the rest of the input, and nothing of it —
 * not even what follows it on its line — becomes a message. Inputs here are just over the
 * limit, so these tests move ~65 MiB through a pipe each.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { describe, it } from "node:test";
import { RECORD_CHARS_MAX } from "../../src/cli/pool/input/input-records.js";
import { collect, createPool, jsonLines, newPoolDir, runCli, spawnCli } from "./cli-harness.js";

/** A JSON line just over the limit: `{"big":"xxx…"}`. */
function oversizedLine(): string {
  return `{"big":"${"x".repeat(RECORD_CHARS_MAX)}"}`;
}

describe("cairn feed: oversized records", () => {
  it("with --errors skip, nothing of an oversized line is stored: not the value after it on its line", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p", "8M");
    for (const format of ["auto", "jsonl"]) {
      const input = `${oversizedLine()} {"evil":1}\n{"ok":1}\n`;
      const r = await runCli(["feed", "p", "--errors", "skip", "--in", format], { dir, input, killAfterMs: 120_000 });
      assert.equal(r.code, 1, r.stderr);
      const notices = jsonLines(r.stderr).map((l) => l.notice as { kind: string; line: number; message: string });
      assert.deepEqual(
        notices.map((n) => [n.kind, n.line]),
        [["skipped", 1]],
        format,
      );
      assert.match(notices[0]?.message ?? "", /longer than/);
    }
    const stored = await runCli(["follow", "p", "--from", "1", "--no-wait", "--data-only"], { dir });
    assert.deepEqual(jsonLines(stored.stdout), [{ ok: 1 }, { ok: 1 }]);
  });

  it("with --in json, the rest of an oversized value is skipped to its end, not read as values", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p", "8M");
    const input = `{"big":"${"x".repeat(RECORD_CHARS_MAX)}", "inner": {"evil":1}} {"ok":2}`;
    const r = await runCli(["feed", "p", "--errors", "skip", "--in", "json"], { dir, input, killAfterMs: 120_000 });
    assert.equal(r.code, 1, r.stderr);
    const stored = await runCli(["follow", "p", "--from", "1", "--no-wait", "--data-only"], { dir });
    assert.deepEqual(jsonLines(stored.stdout), [{ ok: 2 }]);
  });

  it("an oversized line is refused while it is still arriving: feed stops without reading the rest", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const child = spawnCli(["feed", "p"], { dir });
    const done = collect(child, 120_000);
    child.stdin?.on("error", () => {});
    let exited = false;
    child.on("exit", () => {
      exited = true;
    });
    const chunk = "x".repeat(1024 * 1024);
    let written = 0;
    const writtenMax = 4 * RECORD_CHARS_MAX; // an endless line, as far as feed can tell
    child.stdin?.write('{"big":"');
    while (!exited && written < writtenMax) {
      if (!child.stdin?.write(chunk)) {
        // The pipe breaks (EPIPE) when feed has stopped reading: that ends the writing too.
        const drained = once(child.stdin as NodeJS.WritableStream, "drain").catch(() => {});
        await Promise.race([drained, once(child, "exit")]);
      }
      written += chunk.length;
    }
    const r = await done;
    assert.equal(r.code, 2, r.stderr);
    assert.match(JSON.parse(r.stderr).error.message, /line 1: record longer than/);
    // Pipe and stream buffers hold a few MiB; the whole input would be 4x the limit.
    assert.ok(written < RECORD_CHARS_MAX + 32 * 1024 * 1024, `wrote ${written} characters before feed stopped`);
  });
});
