/**
 * Feed's input splitting is linear in the input: one long record arriving in many small
 * chunks (as from a pipe) costs about what it costs in one chunk (as from a file). Before,
 * every chunk rescanned and recopied the incomplete record: 64 s against 5.5 s for a 60 MB
 * line. Speed is never asserted, only a ratio with a generous factor.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type InputFormat, RecordSplitter } from "../../src/cli/pool/input/input-records.js";

const PIPE_CHUNK_CHARS = 16 * 1024;

function splitMs(format: InputFormat, text: string, chunkChars: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    const splitter = new RecordSplitter(format);
    const records = [];
    for (let at = 0; at < text.length; at += chunkChars)
      records.push(...splitter.push(text.slice(at, at + chunkChars)));
    records.push(...splitter.end());
    best = Math.min(best, performance.now() - started);
    assert.equal(records.length, 2);
    assert.ok(records.every((r) => r.ok));
  }
  return best;
}

describe("feed input splitting", () => {
  for (const format of ["jsonl", "auto", "json", "seq"] as const) {
    it(`${format}: an 8 MiB record in 16 KiB chunks costs about what it costs in one chunk`, () => {
      const line = `{"big":"${"x".repeat(8 * 1024 * 1024)}"}`;
      const text = format === "seq" ? `\u001e${line}\n\u001e{"ok":1}\n` : `${line}\n{"ok":1}\n`;
      const whole = splitMs(format, text, text.length);
      const piped = splitMs(format, text, PIPE_CHUNK_CHARS);
      assert.ok(piped < 10 * whole + 100, `${piped.toFixed(1)} ms in chunks, ${whole.toFixed(1)} ms whole`);
    });
  }
});
