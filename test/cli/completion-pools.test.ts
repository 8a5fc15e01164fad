/**
 * Shell completion completes pool names where a command takes a pool (`cairn follow b<TAB>`
 * offers `builds`, not the `bin/` folder): the generated bash function run in a real bash.
 * zsh runs the same function through bashcompinit.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cliPath } from "../helpers/tmp.js";
import { createPool, newPoolDir } from "./cli-harness.js";

const hasBash = spawnSync("bash", ["--version"]).status === 0;

function complete(words: string[], dir: string, cwd: string): string[] {
  const script = `eval "$("${process.execPath}" "${cliPath}" completion bash)"
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}
_cairn; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["-c", script], { cwd, encoding: "utf8", env: { ...process.env, CAIRN_DIR: dir } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).sort();
}

describe("shell completion of pool names", { skip: !hasBash }, () => {
  it("offers the pools of CAIRN_DIR after a command that takes a pool, not files", async () => {
    const dir = newPoolDir();
    await createPool(dir, "builds");
    await createPool(dir, "bench");
    await createPool(dir, "events");
    const cwd = newPoolDir();
    fs.mkdirSync(path.join(cwd, "bin"));
    assert.deepEqual(complete(["cairn", "follow", "b"], dir, cwd), ["bench", "builds"]);
    assert.deepEqual(complete(["cairn", "pool", "info", "ev"], dir, cwd), ["events"]);
    const all = complete(["cairn", "feed", ""], dir, cwd).filter((w) => !w.startsWith("-"));
    assert.deepEqual(all, ["bench", "builds", "events"]);
    assert.ok(complete(["cairn", "follow", "--ta"], dir, cwd).includes("--tail"));
  });
});
