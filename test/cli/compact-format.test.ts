/** Unit tests of the compact one-line message view (pure: no terminal, no pool). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stripVTControlCharacters } from "node:util";
import { makeMessage } from "../../src/core/message.js";
import { CompactFormatter, logRecordOf } from "../../src/cli/shared/compact-format.js";
import { cutToWidth, displayWidth } from "../../src/cli/shared/display-width.js";

const ESC = "\u001b";
const DAY1 = Date.UTC(2025, 11, 5, 10, 15, 30, 123);
const DAY2 = Date.UTC(2025, 11, 6, 0, 0, 1, 5);
const ns = (ms: number) => BigInt(ms) * 1_000_000n + 456_789n;

function formatter(options: { color?: boolean; columns?: number; dataOnly?: boolean; nowMs?: number } = {}) {
  return new CompactFormatter({
    color: options.color ?? false,
    columns: () => options.columns ?? 0,
    ...(options.dataOnly ? { dataOnly: true } : {}),
    nowMs: () => options.nowMs ?? DAY1,
  });
}

describe("compact format", () => {
  it("aligns seq right in a fixed width and prints UTC time to the millisecond", () => {
    const f = formatter();
    const a = f.format(makeMessage(7, ns(DAY1), ["deploy", "prod"], { ok: true }, '{"ok":true}'));
    const b = f.format(makeMessage(1234, ns(DAY1 + 1), [], 5));
    assert.equal(a, '     7  10:15:30.123  [deploy prod]  {"ok":true}\n');
    assert.equal(b, "  1234  10:15:30.124  5\n");
  });

  it("widens the seq column for a long seq and keeps it wide", () => {
    const f = formatter();
    assert.match(f.format(makeMessage(12345678, ns(DAY1), [], 1)), /^12345678 {2}/);
    assert.match(f.format(makeMessage(9, ns(DAY1), [], 1)), /^ {7}9 {2}/);
  });

  it("shows the date on the first line of a day other than today, and when the day changes", () => {
    const today = formatter({ nowMs: DAY1 + 60_000 });
    assert.match(today.format(makeMessage(1, ns(DAY1), [], 1)), /^ +1 {2}10:15:30\.123 {2}1$/m);
    assert.match(today.format(makeMessage(2, ns(DAY2), [], 1)), /^ +2 {2}2025-12-06 00:00:01\.005 {2}1$/m);
    assert.match(today.format(makeMessage(3, ns(DAY2), [], 1)), /^ +3 {2}00:00:01\.005 {2}1$/m);
    const later = formatter({ nowMs: DAY2 + 86_400_000 });
    assert.match(later.format(makeMessage(1, ns(DAY1), [], 1)), /^ +1 {2}2025-12-05 10:15:30\.123/);
  });

  it("keeps the writer's key order of the stored data text", () => {
    const line = formatter().format(makeMessage(1, ns(DAY1), [], { b: 2, a: 1, 10: "x" }, '{"b":2,"a":1,"10":"x"}'));
    assert.ok(line.endsWith('  {"b":2,"a":1,"10":"x"}\n'), line);
  });

  it("detects logs: level or severity (words or pino numbers) with msg or message", () => {
    assert.deepEqual(logRecordOf({ level: "info", msg: "hi", user: "bob" }), {
      level: "info",
      message: "hi",
      fields: [["user", "bob"]],
    });
    assert.equal(logRecordOf({ severity: "WARN", message: "m" })?.level, "WARN");
    assert.equal(logRecordOf({ level: 50, msg: "boom" })?.level, "error");
    assert.equal(logRecordOf({ level: "info" }), null, "no message");
    assert.equal(logRecordOf({ msg: "x" }), null, "no level");
    assert.equal(logRecordOf({ level: 33, msg: "x" }), null, "unknown numeric level");
    assert.equal(logRecordOf({ level: "info", msg: 5 }), null, "message not a string");
    assert.equal(logRecordOf([{ level: "info", msg: "x" }]), null, "an array");
  });

  it("prints a log as level, message and k=v fields", () => {
    const data = { level: "warn", msg: "slow query", ms: 1234, q: "select * from t", ok: "yes", n: null };
    const line = formatter().format(makeMessage(3, ns(DAY1), ["db"], data));
    assert.equal(line, '     3  10:15:30.123  [db]  WARN  slow query ms=1234 q="select * from t" ok=yes n=null\n');
  });

  it("colours the level by severity, and nothing when colour is off", () => {
    const f = formatter({ color: true });
    const of = (level: string) => f.format(makeMessage(1, ns(DAY1), [], { level, msg: "m" }));
    assert.ok(of("error").includes(`${ESC}[31mERROR${ESC}[39m`), of("error"));
    assert.ok(of("fatal").includes(`${ESC}[31m`), "fatal red");
    assert.ok(of("warn").includes(`${ESC}[33mWARN ${ESC}[39m`), "warn yellow");
    assert.ok(of("debug").includes(`${ESC}[2mDEBUG${ESC}[22m`), "debug dim");
    assert.ok(of("trace").includes(`${ESC}[2mTRACE${ESC}[22m`), "trace dim");
    assert.ok(of("info").includes("  INFO  m"), "info in the default colour");
    const plain = formatter({ color: false }).format(makeMessage(1, ns(DAY1), ["t"], { level: "error", msg: "m" }));
    assert.ok(!plain.includes(ESC), plain);
  });

  it("cuts a long line to the terminal width with an ellipsis, never wrapping", () => {
    const long = { text: "x".repeat(200) };
    const line = formatter({ columns: 40 }).format(makeMessage(1, ns(DAY1), [], long));
    assert.equal(line.length, 41, line);
    assert.ok(line.endsWith("…\n"), line);
    const coloured = formatter({ columns: 40, color: true }).format(makeMessage(1, ns(DAY1), [], long));
    assert.equal(displayWidth(stripVTControlCharacters(coloured).trimEnd()), 40, "colour codes are not counted");
    const fits = formatter({ columns: 40 }).format(makeMessage(1, ns(DAY1), [], 1));
    assert.ok(!fits.includes("…"), "a line that fits is not cut");
  });

  it("measures by display width: wide characters take two columns and are never split", () => {
    assert.equal(displayWidth("abc"), 3);
    assert.equal(displayWidth("日本語"), 6);
    assert.equal(displayWidth("e\u0301"), 1, "a combining accent takes no column");
    assert.equal(displayWidth("👍🏽"), 2, "an emoji with a skin tone is one wide grapheme");
    assert.equal(cutToWidth("日本語", 5), "日本");
    assert.equal(cutToWidth("a👍🏽b", 2), "a", "a grapheme cluster is not split");
    const line = formatter({ columns: 30 }).format(makeMessage(1, ns(DAY1), [], "日本語".repeat(20)));
    assert.ok(displayWidth(line.trimEnd()) <= 30, line);
    assert.ok(displayWidth(line.trimEnd()) >= 29, line);
  });

  it("escapes control characters in tags and data", () => {
    const hostile = `x${ESC}]0;pwned\u0007\u009b31m`;
    const line = formatter().format(makeMessage(1, ns(DAY1), [hostile], { level: "info", msg: hostile }));
    assert.ok(!line.includes(ESC) && !line.includes("\u0007") && !line.includes("\u009b"), JSON.stringify(line));
    assert.ok(line.includes("[x\\u001b]0;pwned\\u0007\\u009b31m]"), line);
  });

  it("prints only the data with --data-only", () => {
    const line = formatter({ dataOnly: true }).format(makeMessage(1, ns(DAY1), ["t"], { level: "info", msg: "m" }));
    assert.equal(line, "INFO  m\n");
  });
});
