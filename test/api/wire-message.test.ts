import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { messageToJsonLine } from "../../src/api/wire/message.js";
import { makeMessage } from "../../src/core/message.js";
import { formatTimeNs, parseDurationNs, parseTimeNs } from "../../src/core/time.js";

describe("message wire form", () => {
  it("keeps the writer's key order at every depth (the envelope's keys in their fixed order)", () => {
    const m = makeMessage(7, 1700000000123456789n, ["a"], { z: 1, a: { y: [{ b: 1, a: 2 }], x: 0 }, B: 2 });
    assert.equal(
      messageToJsonLine(m),
      '{"data":{"z":1,"a":{"y":[{"b":1,"a":2}],"x":0},"B":2},"meta":{"tags":["a"]},"seq":7,"time":"2023-11-14T22:13:20.123456789Z"}',
    );
  });

  it("passes the stored text through: integer-like keys stay where the writer put them, __proto__ stays", () => {
    const text = '{"b":1,"10":2,"9":3,"__proto__":{"evil":1}}';
    const m = makeMessage(1, 0n, [], JSON.parse(text), text);
    assert.equal(messageToJsonLine(m), `{"data":${text},"meta":{"tags":[]},"seq":1,"time":"1970-01-01T00:00:00Z"}`);
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
