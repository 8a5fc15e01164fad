/** Commander's usage messages reshaped into Cairn's one line plus hint (src/cli/shared/usage-errors.ts). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { shellQuote, usageErrorFromCommander } from "../../src/cli/shared/usage-errors.js";

describe("usageErrorFromCommander", () => {
  it("turns commander's suggestion into the hint and keeps one line as the message", () => {
    const error = usageErrorFromCommander("error: unknown command 'folow'\n(Did you mean follow?)", "see cairn --help");
    assert.equal(error.kind, "Usage");
    assert.equal(error.message, "unknown command 'folow'");
    assert.equal(error.hint, "did you mean follow?");
  });

  it("keeps several suggestions", () => {
    const error = usageErrorFromCommander("error: unknown option '--t'\n(Did you mean one of --tag, --tail?)");
    assert.equal(error.hint, "did you mean one of --tag, --tail?");
  });

  it("uses the given hint when commander suggested nothing", () => {
    const error = usageErrorFromCommander("error: missing required argument 'pool'", "see cairn fetch --help");
    assert.equal(error.message, "missing required argument 'pool'");
    assert.equal(error.hint, "see cairn fetch --help");
  });
});

describe("shellQuote", () => {
  it("leaves plain words alone and single-quotes the rest", () => {
    assert.equal(shellQuote("-la"), "-la");
    assert.equal(shellQuote("./a/b.txt"), "./a/b.txt");
    assert.equal(shellQuote("two words"), "'two words'");
    assert.equal(shellQuote("it's"), "'it'\\''s'");
  });
});
