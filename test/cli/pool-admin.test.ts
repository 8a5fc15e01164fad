/** Black-box tests of `cairn pool create|list|info|delete|truncate`. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { createPool, errorOf, feedLines, hasScript, newPoolDir, runCli, runInTty } from "./cli-harness.js";

describe("cairn pool", () => {
  it("creates pools and reports them in the reference's --json shape", async () => {
    const dir = newPoolDir();
    const r = await runCli(["pool", "create", "alpha", "beta", "--size", "64K", "--index-capacity", "16", "--json"], {
      dir,
    });
    assert.equal(r.code, 0, r.stderr);
    const { created } = JSON.parse(r.stdout) as { created: Record<string, unknown>[] };
    assert.deepEqual(
      created.map((c) => c.name),
      ["alpha", "beta"],
    );
    assert.equal(created[0]?.file_size, 65536);
    assert.equal(created[0]?.index_capacity, 16);
    assert.deepEqual(created[0]?.bounds, { oldest: null, newest: null });
    assert.ok(fs.existsSync(path.join(dir, "alpha.cairn")));
  });

  it("prints a human line on a terminal", { skip: !hasScript }, () => {
    const dir = newPoolDir();
    const r = runInTty(["--color", "never", "pool", "create", "gamma"], dir);
    assert.equal(r.code, 0);
    assert.match(r.output, /^created gamma \(1\.0 MiB\)/);
  });

  it("prints JSON when stdout is piped, without --json", async () => {
    const dir = newPoolDir();
    const r = await runCli(["pool", "create", "gamma"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { created: { name: string }[] }).created[0]?.name, "gamma");
  });

  it("refuses to create a pool that exists (AlreadyExists, exit 4)", async () => {
    const dir = newPoolDir();
    await createPool(dir, "dup");
    const r = await runCli(["pool", "create", "dup"], { dir });
    assert.equal(r.code, 4);
    assert.equal(errorOf(r).kind, "AlreadyExists");
  });

  it("rejects bad sizes and hostile names with Usage (exit 2)", async () => {
    const dir = newPoolDir();
    for (const args of [
      ["pool", "create", "x", "--size", "lots"],
      ["pool", "create", "..evil"],
      ["pool", "create", "x", "--index-capacity", "-3"],
    ]) {
      const r = await runCli(args, { dir });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(errorOf(r).kind, "Usage");
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("lists pools by name with info, as a table (on a terminal) or JSON", async () => {
    const dir = newPoolDir();
    await createPool(dir, "one");
    await createPool(dir, "two");
    await feedLines(dir, "one", [{ a: 1 }, { a: 2 }]);
    const json = await runCli(["pool", "list", "--json"], { dir });
    const { pools } = JSON.parse(json.stdout) as { pools: { name: string; metrics: { message_count: number } }[] };
    assert.deepEqual(
      pools.map((p) => [p.name, p.metrics.message_count]),
      [
        ["one", 2],
        ["two", 0],
      ],
    );
    const piped = await runCli(["pool", "list"], { dir });
    assert.deepEqual(
      (JSON.parse(piped.stdout) as { pools: { name: string }[] }).pools.map((p) => p.name),
      ["one", "two"],
      "piped: the --json output",
    );
    if (!hasScript) return;
    const table = runInTty(["--color", "never", "pool", "list"], dir);
    assert.match(table.output, /^NAME\s+SIZE\s+MESSAGES/);
    assert.match(table.output, /\none\s+1\.0 MiB\s+2\s+1\.\.2/);
  });

  it("pool list WHERE: a directory that does not exist is NotFound (3), not an empty listing", async () => {
    const dir = newPoolDir();
    await createPool(dir, "one");
    const typo = await runCli(["pool", "list", path.join(dir, "typo")], { dir });
    assert.equal(typo.code, 3, typo.stderr);
    assert.equal(errorOf(typo).kind, "NotFound");
    assert.equal(typo.stdout, "");
    const named = await runCli(["pool", "list", dir, "--json"], { dir: path.join(dir, "not-yet") });
    assert.equal(named.code, 0, named.stderr);
    assert.equal(JSON.parse(named.stdout).pools[0].name, "one");
    const fresh = await runCli(["pool", "list"], { dir: path.join(dir, "not-yet") });
    assert.equal(fresh.code, 0, "the default directory may not exist yet");
  });

  it("shows info with bounds and metrics, and NotFound (exit 3) with a path for a missing pool", async () => {
    const dir = newPoolDir();
    await createPool(dir, "info");
    await feedLines(dir, "info", [{ a: 1 }]);
    const r = await runCli(["pool", "info", "info", "--json"], { dir });
    const info = JSON.parse(r.stdout) as Record<string, unknown> & { metrics: { age: Record<string, unknown> } };
    assert.deepEqual(info.bounds, { oldest: 1, newest: 1 });
    for (const key of ["file_size", "index_offset", "index_capacity", "index_size_bytes", "ring_offset", "ring_size"])
      assert.equal(typeof info[key], "number", key);
    assert.equal(typeof info.metrics.age.newest_time, "string");
    if (hasScript) {
      const human = runInTty(["--color", "never", "pool", "info", "info"], dir);
      assert.match(human.output, /messages 1 \(seq 1\.\.1\)/);
    }
    const missing = await runCli(["pool", "info", "nope"], { dir });
    assert.equal(missing.code, 3);
    assert.equal(errorOf(missing).kind, "NotFound");
    assert.ok(errorOf(missing).path?.endsWith("nope.cairn"));
  });

  it("deletes pools, reporting deleted and failed ones", async () => {
    const dir = newPoolDir();
    await createPool(dir, "d1");
    await createPool(dir, "d2");
    const r = await runCli(["pool", "delete", "d1", "ghost", "--json"], { dir });
    assert.equal(r.code, 3);
    const out = JSON.parse(r.stdout) as { deleted: string[]; failed: { pool: string; error: { kind: string } }[] };
    assert.deepEqual(out.deleted, ["d1"]);
    assert.equal(out.failed[0]?.pool, "ghost");
    assert.equal(out.failed[0]?.error.kind, "NotFound");
    assert.ok(!fs.existsSync(path.join(dir, "d1.cairn")));
    if (!hasScript) return;
    const plain = runInTty(["pool", "delete", "d2"], dir);
    assert.equal(plain.code, 0);
    assert.equal(plain.output, "deleted d2\n");
  });

  it("refuses to delete a file that is not a pool", async () => {
    const dir = newPoolDir();
    const file = path.join(dir, "notes.cairn");
    fs.writeFileSync(file, "just some text, not a pool at all".repeat(200));
    const r = await runCli(["pool", "delete", file], { dir });
    assert.notEqual(r.code, 0);
    assert.ok(fs.existsSync(file));
  });

  it("truncates below a seq", async () => {
    const dir = newPoolDir();
    await createPool(dir, "tr");
    await feedLines(dir, "tr", [{ i: 1 }, { i: 2 }, { i: 3 }, { i: 4 }]);
    const r = await runCli(["pool", "truncate", "tr", "--before", "3", "--json"], { dir });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { pool: "tr", before: 3, dropped: 2 });
    const info = JSON.parse((await runCli(["pool", "info", "tr", "--json"], { dir })).stdout) as { bounds: unknown };
    assert.deepEqual(info.bounds, { oldest: 3, newest: 4 });
    const bad = await runCli(["pool", "truncate", "tr", "--before", "zero"], { dir });
    assert.equal(bad.code, 2);
    const missingFlag = await runCli(["pool", "truncate", "tr"], { dir });
    assert.equal(missingFlag.code, 2);
  });

  it("takes pool paths as well as names, and --dir over CAIRN_DIR", async () => {
    const dir = newPoolDir();
    const other = newPoolDir();
    const byPath = path.join(other, "nested", "p.cairn");
    assert.equal((await runCli(["pool", "create", byPath], { dir })).code, 0);
    assert.ok(fs.existsSync(byPath));
    assert.equal((await runCli(["--dir", other, "pool", "create", "named"], { dir })).code, 0);
    assert.ok(fs.existsSync(path.join(other, "named.cairn")));
    assert.ok(!fs.existsSync(path.join(dir, "named.cairn")));
  });
});
