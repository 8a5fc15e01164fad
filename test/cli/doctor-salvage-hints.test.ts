/**
 * Doctor's hints work as printed (issue 10 finding 15): a pool damaged in the middle gets
 * hints whose commands, run one by one in a shell with the pool directory set, save every
 * readable message — those before the damage and those after it — and never touch the
 * damaged file before it has been salvaged.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cliPath, tempDir } from "../helpers/tmp.js";
import { createPool, feedLines, newPoolDir, runCli } from "./cli-harness.js";

const MESSAGES = 300;
const DAMAGED_SEQ = 8;

/** The data of message n: its seq in the source, and a marker a test can find in the file. */
function dataOf(n: number): { n: number; mark: string } {
  return { n, mark: `M${String(n).padStart(4, "0")}` };
}

/** A directory holding a `cairn` executable that runs this build, for shells to find on PATH. */
function cairnOnPath(): string {
  const bin = tempDir("cairn-bin-");
  const script = path.join(bin, "cairn");
  fs.writeFileSync(script, `#!/bin/sh\nexec '${process.execPath}' '${cliPath}' "$@"\n`);
  fs.chmodSync(script, 0o755);
  return bin;
}

/** Every `command` quoted in backticks in the hints, in order. */
function commandsIn(hints: string[]): string[] {
  return hints.flatMap((hint) => [...hint.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string));
}

describe("doctor's hints on a pool damaged in the middle", () => {
  it("are commands that work as printed, and salvage every readable message", async () => {
    const dir = newPoolDir();
    await createPool(dir, "events");
    const fed = await feedLines(
      dir,
      "events",
      Array.from({ length: MESSAGES }, (_, i) => dataOf(i + 1)),
      ["--tag", "t1"],
    );
    assert.equal(fed.code, 0, fed.stderr);
    const file = path.join(dir, "events.cairn");
    const bytes = fs.readFileSync(file);
    const at = bytes.indexOf(Buffer.from(dataOf(DAMAGED_SEQ).mark));
    bytes[at] = (bytes[at] as number) ^ 0x20;
    fs.writeFileSync(file, bytes);
    const damaged = fs.readFileSync(file);

    const doctor = await runCli(["doctor", "events", "--json"], { dir });
    assert.equal(doctor.code, 7, doctor.stderr);
    const report = (JSON.parse(doctor.stdout) as { reports: { remediation_hints: string[] }[] }).reports[0];
    const commands = commandsIn(report?.remediation_hints ?? []);
    assert.ok(
      commands.some((c) => c.includes("pool salvage")),
      `doctor offers salvage: ${JSON.stringify(report?.remediation_hints)}`,
    );
    const bin = cairnOnPath();
    let replaced = false; // after a hint deletes the damaged pool, its path names a new one
    for (const command of commands) {
      const salvaging = command.includes("pool salvage");
      const run = spawnSync("sh", ["-c", command], {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}`, CAIRN_DIR: dir, NO_COLOR: "1" },
        timeout: 60_000,
      });
      assert.equal(run.status, 0, `hint \`${command}\` works as printed: ${run.stderr}`);
      if (salvaging && !replaced) assert.ok(fs.readFileSync(file).equals(damaged), "the source is only read");
      if (command.includes("pool delete")) replaced = true;
    }

    // Whatever pool the hints saved into, one of them now holds seqs 1..7 and 9..300.
    const expected = Array.from({ length: MESSAGES }, (_, i) => dataOf(i + 1)).filter((d) => d.n !== DAMAGED_SEQ);
    const pools = fs.readdirSync(dir).filter((f) => f.endsWith(".cairn"));
    let found = false;
    for (const pool of pools) {
      const read = await runCli(["follow", path.join(dir, pool), "--from", "1", "--no-wait"], { dir });
      if (read.code !== 0) continue;
      const lines = read.stdout
        .split("\n")
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as { data: unknown; meta: { tags: string[] } });
      if (lines.length !== expected.length) continue;
      assert.deepEqual(
        lines.map((l) => l.data),
        expected,
      );
      assert.ok(lines.every((l) => l.meta.tags.join() === "t1"));
      found = true;
    }
    assert.ok(found, `a pool holds every readable message (pools: ${pools.join(", ")})`);
  });
});
