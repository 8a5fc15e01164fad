/**
 * `cairn follow --where` against real jq: for each expression, the seqs cairn selects must
 * equal the seqs `jq 'select(EXPR) | .seq'` selects from the same messages as JSON lines
 * (a runtime error drops that input in both). Expressions are chosen to mean the same in
 * Debian's jq (1.6 here) and jq 1.8 (jq-wasm), so the comparison is about cairn's wiring.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, describe, it } from "node:test";
import { createPool, errorOf, feedLines, jsonLines, newPoolDir, runCli } from "./cli-harness.js";

const hasJq = spawnSync("jq", ["--version"]).status === 0;

const MESSAGES: { data: unknown; tags: string[] }[] = [
  { data: { level: "info", msg: "started", n: 1 }, tags: ["app"] },
  { data: { level: "error", msg: "disk full", n: 2, code: 28 }, tags: ["app", "disk"] },
  { data: { level: "warn", msg: "slow", n: 3, ms: 1500.5 }, tags: ["net"] },
  { data: { level: "error", msg: "timeout", n: 4, ms: 30000, retry: true }, tags: ["net", "app"] },
  { data: { level: "debug", n: 5, items: [1, 2, 3] }, tags: [] },
  { data: { level: "info", n: 6, items: [], user: { name: "Ada", roles: ["admin", "dev"] } }, tags: ["auth"] },
  { data: { level: "info", n: 7, user: { name: "bob", roles: [] } }, tags: ["auth"] },
  { data: { n: 8, msg: null, ok: false }, tags: ["misc"] },
  { data: { n: 9, msg: "Ünïcödé ✓", ok: true }, tags: ["misc", "i18n"] },
  { data: { n: 10, value: "42" }, tags: [] },
  { data: { n: 11, value: "not a number" }, tags: [] },
  { data: [1, "two", { three: 3 }], tags: ["array"] },
  { data: "just a string", tags: ["scalar"] },
  { data: 12.75, tags: ["scalar"] },
  { data: null, tags: ["scalar"] },
  { data: { n: 16, nested: { a: { b: { c: "deep" } } } }, tags: ["deep"] },
  { data: { n: 17, "key with space": 1, "x-y": 2 }, tags: [] },
  { data: { n: 18, level: "ERROR", msg: "Upper" }, tags: ["app"] },
  { data: { n: 19, items: [5, 10, 15], ok: true }, tags: ["app", "math"] },
  { data: { n: 20, time_ms: 0, neg: -5 }, tags: [] },
];

const EXPRESSIONS = [
  '.data.level == "error"',
  '.data.level != "info"',
  ".data.n > 10",
  ".data.n >= 3 and .data.n <= 6",
  ".data.n < 3 or .data.n == 20",
  "(.data.n // 0) % 2 == 0",
  '.meta.tags | index("app") != null',
  '.meta.tags | contains(["net", "app"])',
  ".meta.tags | length == 0",
  '.meta.tags | any(. == "auth")',
  '.meta.tags | all(startswith("a"))',
  ".seq > 15",
  ".seq % 3 == 1",
  '.data | type == "object"',
  '.data | type == "array"',
  '(.data | type) as $t | $t == "string" or $t == "number"',
  ".data == null",
  '.data | has("msg")',
  '.data.msg | test("^[a-z]+$")',
  '.data.msg | test("up"; "i")',
  '.data.msg | ascii_downcase | startswith("up")',
  '.data.msg | endswith("full")',
  ".data.items | length > 0",
  ".data.items | add > 10",
  ".data.items | map(. * 2) | max == 30",
  '.data.user.roles | index("admin") != null',
  '.data.user.name | ascii_downcase == "ada"',
  ".data.value | tonumber > 40",
  ".data.ok == true",
  ".data.ok == false",
  ".data.ok | not",
  '.data.nested.a.b.c == "deep"',
  '.data | getpath(["nested","a","b","c"]) != null',
  '.data["key with space"] == 1',
  ".data | to_entries | length >= 4",
  ".data.ms | floor > 1000",
  ".data.neg | fabs == 5",
  ".data.msg | length > 5",
  '.data.code | tostring == "28"',
  "[.data[]?] | length == 3",
  ".data.retry // false",
  "reduce (.data.items // [])[] as $x (0; . + $x) == 6",
  'if .data.level == "error" then .data.n > 2 else false end',
  '.time | test("^[0-9]{4}-")',
  '.data.msg | try test("✓") catch false',
  ".data | .. | numbers | select(. == 3) | true",
];

describe("cairn follow --where agrees with real jq", { skip: hasJq ? false : "jq is not installed" }, () => {
  const dir = newPoolDir();
  let envelopes = "";

  before(async () => {
    await createPool(dir, "w");
    for (const m of MESSAGES) {
      const r = await feedLines(
        dir,
        "w",
        [m.data],
        m.tags.flatMap((t) => ["--tag", t]),
      );
      assert.equal(r.code, 0, r.stderr);
    }
    const all = await runCli(["follow", "w", "--from", "1", "--no-wait"], { dir });
    envelopes = all.stdout;
    fs.writeFileSync(path.join(dir, "w.jsonl"), envelopes);
    assert.equal(jsonLines(envelopes).length, MESSAGES.length);
  });

  it(`covers at least 30 expressions (${EXPRESSIONS.length})`, () => {
    assert.ok(EXPRESSIONS.length >= 30);
  });

  for (const expression of EXPRESSIONS) {
    it(`selects the same messages as jq for ${expression}`, async () => {
      const jq = spawnSync("jq", ["-c", `select(${expression}) | .seq`, path.join(dir, "w.jsonl")], {
        encoding: "utf8",
      });
      const expected = [
        ...new Set(
          jq.stdout
            .split("\n")
            .filter((l) => l.length > 0)
            .map(Number),
        ),
      ];
      const r = await runCli(["follow", "w", "--from", "1", "--no-wait", "--where", expression], { dir });
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        jsonLines(r.stdout).map((m) => m.seq),
        expected,
      );
    });
  }
});

describe("cairn follow --where semantics", () => {
  it("ANDs repeated expressions", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [
      { a: 1, b: 1 },
      { a: 1, b: 2 },
      { a: 2, b: 2 },
    ]);
    const r = await runCli(["follow", "p", "--from", "1", "--no-wait", "-w", ".data.a == 1", "-w", ".data.b == 2"], {
      dir,
    });
    assert.deepEqual(
      jsonLines(r.stdout).map((m) => m.seq),
      [2],
    );
  });

  it("counts a runtime error as false for that message only", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ v: "text" }, { v: 5 }, { v: [] }, { v: 7 }]);
    const r = await runCli(["follow", "p", "--from", "1", "--no-wait", "--where", ".data.v + 1 > 3"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      jsonLines(r.stdout).map((m) => m.seq),
      [2, 4],
    );
  });

  it("rejects a compile error as Usage before reading anything (even a missing pool)", async () => {
    const dir = newPoolDir();
    const r = await runCli(["follow", "missing", "--where", ".data |||"], { dir });
    assert.equal(r.code, 2);
    assert.equal(errorOf(r).kind, "Usage");
    assert.match(errorOf(r).message, /invalid --where expression/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("rejects a non-boolean result as Usage, naming the message", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ v: 1 }]);
    const r = await runCli(["follow", "p", "--from", "1", "--no-wait", "--where", ".data.v"], { dir });
    assert.equal(r.code, 2);
    assert.match(errorOf(r).message, /not a boolean/);
    assert.equal(errorOf(r).seq, 1);
  });

  it("filters a live follow and combines with --tag and --one", async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ x: 1 }], ["--tag", "t"]);
    await feedLines(dir, "p", [{ x: 2 }]);
    await feedLines(dir, "p", [{ x: 3 }], ["--tag", "t"]);
    const r = await runCli(["follow", "p", "--from", "1", "--tag", "t", "--where", ".data.x > 1", "--one"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      jsonLines(r.stdout).map((m) => m.seq),
      [3],
    );
  });
});

describe("cairn follow --where with large messages", () => {
  it("filters messages too large for one jq argument, and large batches, correctly", async () => {
    const dir = newPoolDir();
    await createPool(dir, "big", "8M");
    const lines = [JSON.stringify({ big: "y".repeat(900_000), level: "error" })];
    for (let i = 0; i < 300; i++)
      lines.push(JSON.stringify({ i, pad: "p".repeat(5000), level: i % 2 ? "error" : "info" }));
    const fed = await runCli(["feed", "big"], { dir, input: `${lines.join("\n")}\n` });
    assert.equal(fed.code, 0, fed.stderr);
    const r = await runCli(
      ["follow", "big", "--from", "1", "--no-wait", "--where", '.data.level == "error"', "--data-only"],
      {
        dir,
      },
    );
    assert.equal(r.code, 0, r.stderr);
    const data = jsonLines(r.stdout) as { level: string; i?: number }[];
    assert.equal(data.length, 151);
    assert.ok(data.every((d) => d.level === "error"));
    assert.equal(data[1]?.i, 1);
  });
});
