import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { tempDir } from "../helpers/tmp.js";

const fuzzer = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures", "corruption-fuzz.js");

describe("damaged pool files", { timeout: 200_000 }, () => {
  it("1,200 mutated files: every open and read returns intact data or a Cairn error, never a crash, hang or wrong payload", () => {
    const run = spawnSync(process.execPath, [fuzzer, tempDir(), "4242", "1200"], {
      encoding: "utf8",
      timeout: 180_000,
    });
    assert.equal(run.signal, null, "the fuzzer finished in time (no hang)");
    assert.equal(run.status, 0, run.stderr);
    const summary = JSON.parse(run.stdout) as {
      mutations: number;
      opened: number;
      openFailed: number;
      messagesChecked: number;
      cairnErrors: Record<string, number>;
      failures: string[];
    };
    assert.deepEqual(summary.failures.slice(0, 5), []);
    assert.equal(summary.mutations, 1200);
    assert.ok(summary.opened > 300, "many damaged files still open (damage outside the header)");
    assert.ok(summary.openFailed > 100, "damaged headers are refused");
    assert.ok(summary.messagesChecked > 20_000, "reads returned data that was checked");
    assert.ok((summary.cairnErrors.Corrupt ?? 0) > 0);
  });
});
