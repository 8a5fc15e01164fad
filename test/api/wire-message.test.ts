import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messageToJsonLine } from "../../src/api/wire/message.js";
import { makeMessage } from "../../src/core/message.js";
import { formatTimeNs, parseDurationNs, parseTimeNs } from "../../src/core/time.js";

describe("message wire form", () => {
  it("sorts keys byte-wise at every depth, envelope included", () => {
    const m = makeMessage(7, 1700000000123456789n, ["a"], { z: 1, a: { y: [{ b: 1, a: 2 }], x: 0 }, B: 2 });
    assert.equal(
      messageToJsonLine(m),
      '{"data":{"B":2,"a":{"x":0,"y":[{"a":2,"b":1}]},"z":1},"meta":{"tags":["a"]},"seq":7,"time":"2023-11-14T22:13:20.123456789Z"}',
    );
  });

  it("orders keys with characters beyond the BMP by their UTF-8 bytes, not UTF-16 units", () => {
    const m = makeMessage(1, 0n, [], { "\u{1F600}": 1, "\uFF21": 2 });
    // UTF-16: U+D83D… < U+FF21; UTF-8: F0… > EF…, so the fullwidth A comes first.
    assert.equal(JSON.stringify(JSON.parse(messageToJsonLine(m)).data), '{"Ａ":2,"😀":1}');
  });
});

describe("time", () => {
  it("formats nanoseconds as RFC 3339 UTC and trims trailing zeros", () => {
    assert.equal(formatTimeNs(1700000000123456789n), "2023-11-14T22:13:20.123456789Z");
    assert.equal(formatTimeNs(1700000000120000000n), "2023-11-14T22:13:20.12Z");
    assert.equal(formatTimeNs(1700000000000000000n), "2023-11-14T22:13:20Z");
  });

  it("parses RFC 3339 with offsets and nanoseconds back to the same instant", () => {
    assert.equal(parseTimeNs("2023-11-14T22:13:20.123456789Z"), 1700000000123456789n);
    assert.equal(parseTimeNs("2023-11-14T23:13:20.5+01:00"), 1700000000500000000n);
    assert.throws(() => parseTimeNs("yesterday"), /invalid time/);
  });

  it("parses durations", () => {
    assert.equal(parseDurationNs("5m"), 300_000_000_000n);
    assert.equal(parseDurationNs("250ms"), 250_000_000n);
    assert.throws(() => parseDurationNs("5 minutes"), /invalid duration/);
  });
});
