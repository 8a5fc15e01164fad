/**
 * Hints that work (issue 10 finding 20, issue 11): doctor on a directory does not talk about
 * a pool header, and a non-pool file is never advised to be deleted (pool delete refuses it).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { errorOf, newPoolDir, runCli } from "./cli-harness.js";

describe("hints for things that are not pools", () => {
  it("doctor on a directory reports it as not a pool file, without header advice", async () => {
    const dir = newPoolDir();
    const sub = path.join(dir, "sub");
    fs.mkdirSync(sub);
    const r = await runCli(["doctor", sub, "--json"], { dir });
    const report = (JSON.parse(r.stdout) as { reports: { status: string; remediation_hints: string[] }[] }).reports[0];
    assert.equal(report?.status, "error", r.stdout);
    assert.doesNotMatch(JSON.stringify(report), /header/);
  });

  it("pool info on a short non-pool file advises nothing pool delete would refuse", async () => {
    const dir = newPoolDir();
    const file = path.join(dir, "notes.cairn");
    fs.writeFileSync(file, "hello");
    const info = await runCli(["pool", "info", file], { dir });
    assert.equal(info.code, 7, info.stderr);
    const error = errorOf(info);
    assert.match(error.message, /not a pool file/);
    assert.doesNotMatch(error.hint ?? "", /delete/);
    const del = await runCli(["pool", "delete", file], { dir });
    assert.notEqual(del.code, 0, "pool delete refuses it, so no hint may suggest it");
  });
});
