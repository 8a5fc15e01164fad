/**
 * `feed --tags-from PATH`: a jq path evaluated on each input record; its string or array of
 * strings become that message's tags, after the --tag ones. A record whose value there is
 * something else is a bad record (--errors decides); a PATH that is not a path is Usage.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createPool, errorOf, jsonLines, newPoolDir, runCli } from "./cli-harness.js";

const tagsOf = (text: string) => jsonLines(text).map((m) => (m.meta as { tags: string[] }).tags);

describe("cairn feed --tags-from", () => {
  it("tags each message from its own record, in addition to --tag", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const input = [
      { msg: "a", tags: ["api", "prod"] },
      { msg: "b", tags: "worker" },
      { msg: "c" },
      { msg: "d", tags: null },
      { msg: "e", tags: ["ci", "ci"] },
    ];
    const fed = await runCli(["feed", "p", "--tag", "ci", "--tags-from", ".tags"], {
      dir,
      input: input.map((r) => JSON.stringify(r)).join("\n"),
    });
    assert.equal(fed.code, 0, fed.stderr);
    assert.deepEqual(tagsOf(fed.stdout), [["ci", "api", "prod"], ["ci", "worker"], ["ci"], ["ci"], ["ci"]]);
    const followed = await runCli(["follow", "p", "--tail", "1", "-t", "worker", "--no-wait"], { dir });
    assert.deepEqual(
      jsonLines(followed.stdout).map((m) => m.seq),
      [2],
    );
  });

  it("takes nested paths, bracketed keys and indexes, and works with DATA too", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const nested = await runCli(["feed", "p", "--tags-from", ".meta.labels"], {
      dir,
      input: '{"meta":{"labels":["x","y"]}}\n',
    });
    assert.deepEqual(tagsOf(nested.stdout), [["x", "y"]]);
    const bracket = await runCli(
      ["feed", "p", '{"my-tags":["k"],"list":["first","second"]}', "--tags-from", '.["my-tags"]'],
      { dir },
    );
    assert.deepEqual(tagsOf(bracket.stdout), [["k"]]);
    const index = await runCli(["feed", "p", '{"list":["first","second"]}', "--tags-from", ".list[1]"], { dir });
    assert.deepEqual(tagsOf(index.stdout), [["second"]]);
  });

  it("refuses a record whose tags are not strings (skip reports it), and a PATH that is not one", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    const skipped = await runCli(["feed", "p", "--tags-from", ".tags", "--errors", "skip"], {
      dir,
      input: '{"tags":["ok"]}\n{"tags":42}\n{"tags":["fine"]}\n',
    });
    assert.equal(skipped.code, 1);
    assert.deepEqual(tagsOf(skipped.stdout), [["ok"], ["fine"]]);
    assert.match(skipped.stderr, /line 2: .*--tags-from \.tags.*number/);
    const bad = await runCli(["feed", "p", "--tags-from", "tags | map(.)"], { dir, input: "{}\n" });
    assert.equal(bad.code, 2);
    assert.match(errorOf(bad).message, /--tags-from/);
  });
});
