/**
 * `--where` runs under budgets: a filter that never ends, grows jq's memory without bound
 * or stops jq (`halt`) is a clear error — Busy naming the budget, or Usage — never a hang
 * or a raw `Aborted()`. The CLI cases run the real follow; the api cases use small budgets.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { WhereFilter } from "../../src/api/filter/where-filter.js";
import { createPool, errorOf, feedLines, newPoolDir, runCli } from "./cli-harness.js";

describe("follow --where budgets", () => {
  let dir: string;
  before(async () => {
    dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ a: 1 }, { a: 2 }]);
  });

  const follow = (where: string) =>
    runCli(["follow", "p", "--from", "1", "--timeout", "2", "--where", where], { dir, killAfterMs: 60_000 });

  for (const where of ["last(repeat(1)) == 1", "def f: f; f"]) {
    it(`an endless filter (${where}) is Busy naming the time budget, even while following`, async () => {
      const r = await follow(where);
      assert.equal(r.signal, null, "killed by the test's safety net: the filter was never stopped");
      assert.equal(r.code, 5, r.stderr);
      const error = errorOf(r);
      assert.equal(error.kind, "Busy");
      assert.match(error.message, /time budget \(\d+ ms per message\) on message 1/);
      assert.ok(error.message.includes(JSON.stringify(where)));
    });
  }

  for (const where of ["repeat(1)", '.data.a as $n | ("x" * ($n * 1e9) | length) > 0', '("x" * 1e9 | length) > 0']) {
    it(`a filter that grows without bound (${where}) is Busy, never a raw Aborted()`, async () => {
      const r = await follow(where);
      assert.equal(r.code, 5, r.stderr);
      assert.equal(errorOf(r).kind, "Busy");
      assert.match(errorOf(r).message, /budget/);
      assert.doesNotMatch(r.stderr, /Aborted\(\)/);
    });
  }

  for (const where of ["halt", "halt_error", '.data.a == 2 or ("bye\\n" | halt_error(0))']) {
    it(`${where} is a Usage error naming the filter`, async () => {
      const r = await follow(where);
      assert.equal(r.code, 2, r.stderr);
      const error = errorOf(r);
      assert.equal(error.kind, "Usage");
      assert.match(error.message, /halt/);
      assert.ok(error.message.includes(JSON.stringify(where)), error.message);
    });
  }

  it("a compile error shows the user's filter and position, not cairn's wrapper", async () => {
    for (const [where, detail] of [
      [".a |||", /unexpected '\|' at column 5$/],
      ["{", /at the end of the expression$/],
      ["foo(1)", /foo\/1 is not defined at column 1$/],
    ] as const) {
      const r = await follow(where);
      assert.equal(r.code, 2, r.stderr);
      const message = errorOf(r).message;
      assert.match(message, detail);
      assert.doesNotMatch(message, /reduce|__cairn|if false|not_boolean/);
    }
  });
});

describe("WhereFilter budgets (api)", () => {
  const wire = (i: number) => JSON.stringify({ data: { i }, meta: { tags: [] }, seq: i, time: "" });

  it("the time budget is per message: a batch that takes longer in total still passes", async () => {
    // A few ms of work per message, 300 messages: seconds for the batch, over its 1 s budget per message.
    const filter = await WhereFilter.compile(["[range(50000)] | length > 0"], {
      outputTimeMs: 1_000,
      heapBytesMax: 64 << 20,
    });
    try {
      const texts = Array.from({ length: 300 }, (_, i) => wire(i + 1));
      const verdicts = await filter.matches(texts, (i) => i + 1);
      assert.equal(verdicts.filter(Boolean).length, 300);
    } finally {
      filter.close();
    }
  });

  it("after a budget error the filter works again (a fresh jq)", async () => {
    const filter = await WhereFilter.compile(["if .data.i == 2 then last(repeat(1)) == 1 else true end"], {
      outputTimeMs: 1_000,
      heapBytesMax: 64 << 20,
    });
    try {
      await assert.rejects(
        filter.matches([wire(1), wire(2), wire(3)], (i) => i + 1),
        (err: Error & { kind?: string; seq?: number }) => {
          assert.equal(err.kind, "Busy");
          assert.equal(err.seq, 2, err.message);
          return true;
        },
      );
      assert.deepEqual(await filter.matches([wire(1), wire(3)], (i) => i + 1), [true, true]);
    } finally {
      filter.close();
    }
  });

  it("a memory budget below jq-wasm's ceiling is enforced", async () => {
    const filter = await WhereFilter.compile(["[range(.data.i)] | length > 0"], {
      outputTimeMs: 10_000,
      heapBytesMax: 32 << 20,
    });
    try {
      assert.deepEqual(await filter.matches([wire(1000)], () => 1), [true]);
      await assert.rejects(
        filter.matches([wire(5_000_000)], () => 7),
        /memory budget \(32 MiB\) on message 7/,
      );
    } finally {
      filter.close();
    }
  });
});
