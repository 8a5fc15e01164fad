/**
 * The first day, black-box: a fresh `git clone` of this repository (its committed HEAD) and
 * a fresh HOME, then the README's set-up commands exactly as README.md writes them (parsed
 * from its first sh block, so this test breaks when the README changes). Checks that they
 * leave `cairn` resolving on the PATH they set up, that the server they start answers
 * /healthz and /ui/, and that every command Cairn hints at along the way works as printed:
 * setup's PATH line, the web UI's empty-state commands, and the "create it with" / "quote
 * the JSON" / "put -- before the command" hints of a new user's first mistakes.
 *
 * The clone's global npm prefix is a fresh directory that is not on the PATH, as for a user
 * whose global prefix is not theirs, so setup takes its ~/.local/bin fallback; a second
 * setup run with the prefix's bin on the PATH checks the `npm link`-like path. `npm ci` in
 * the clone reads packages from this machine's npm cache (prefer-offline). The one change to
 * the commands as written: `npm start` gets `-- --port 0`, so parallel runs never collide on
 * port 9700.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, before, describe, it } from "node:test";
import { repoRoot, tempDir } from "../helpers/tmp.js";

/** The README's set-up block: the first ```sh block, one command per line, comments cut. */
function readmeSetupCommands(readme: string): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  assert.ok(block, "README.md has an sh block");
  return (block[1] as string)
    .split("\n")
    .map((line) => line.replace(/\s+#\s.*$/, "").trim())
    .filter((line) => line.length > 0 && !line.startsWith("#"));
}

const SYSTEM_PATH = [
  path.dirname(process.execPath),
  "/usr/local/sbin",
  "/usr/local/bin",
  "/usr/sbin",
  "/usr/bin",
  "/sbin",
  "/bin",
].join(":");

/** The environment of a new user: a fresh HOME and npm prefix, no npm variables of this run. */
function freshEnv(home: string, prefix: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith("npm_") || key === "CAIRN_DIR" || key === "INIT_CWD") continue;
    env[key] = value;
  }
  env.PATH = SYSTEM_PATH;
  env.HOME = home;
  env.npm_config_prefix = prefix;
  env.npm_config_cache = process.env.npm_config_cache ?? path.join(os.homedir(), ".npm");
  env.npm_config_prefer_offline = "true";
  env.npm_config_audit = "false";
  env.npm_config_fund = "false";
  env.npm_config_update_notifier = "false";
  // fs-ext builds against local headers when they are there (as .ci/run does), not a download.
  const nodedir = process.env.npm_config_nodedir ?? (fs.existsSync("/usr/include/node") ? "/usr" : undefined);
  if (nodedir !== undefined) env.npm_config_nodedir = nodedir;
  return env;
}

interface Shell {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sh(script: string, cwd: string, env: Record<string, string>, timeoutMs = 60_000): Shell {
  const r = spawnSync("sh", ["-c", script], { cwd, env, encoding: "utf8", timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** A command in a hint: from `cairn …` to the end of the hint. */
function commandIn(hint: string | undefined): string {
  const match = /\bcairn .*$/.exec(hint ?? "");
  assert.ok(match, `a command in the hint: ${hint}`);
  return match[0];
}

function hintOf(result: Shell): string | undefined {
  const line = result.stderr.split("\n").find((l) => l.startsWith('{"error"'));
  assert.ok(line, `an error on stderr: ${result.stderr}`);
  return (JSON.parse(line) as { error: { hint?: string } }).error.hint;
}

describe("the first day: the README's set-up from a fresh clone", { timeout: 600_000 }, () => {
  const work = tempDir("cairn-first-day-");
  const clone = path.join(work, "clone");
  const home = path.join(work, "home");
  const prefix = path.join(work, "npm-prefix");
  let env: Record<string, string> = {};
  let setupOutput = "";
  let server: ChildProcess | null = null;
  let url = "";
  let serverOutput = "";

  before(async () => {
    fs.mkdirSync(home);
    fs.mkdirSync(path.join(prefix, "bin"), { recursive: true });
    const cloned = spawnSync("git", ["clone", "-q", repoRoot, clone], { encoding: "utf8" });
    assert.equal(cloned.status, 0, cloned.stderr);
    env = freshEnv(home, prefix);
    const commands = readmeSetupCommands(fs.readFileSync(path.join(clone, "README.md"), "utf8"));
    const startIndex = commands.findIndex((c) => /^npm (run )?start\b/.test(c));
    assert.ok(startIndex > 0, `the README starts the server after its set-up: ${commands.join(" | ")}`);
    // The set-up lines run in one shell, as a user types them; the PATH they leave is kept.
    const setup = `set -e\n${commands.slice(0, startIndex).join("\n")}\nprintf 'PATH=%s\\n' "$PATH"\n`;
    const ran = sh(setup, clone, env, 540_000);
    assert.equal(ran.code, 0, `README set-up failed:\n${ran.stdout}\n${ran.stderr}`);
    setupOutput = ran.stdout;
    const pathLine = ran.stdout.split("\n").findLast((l) => l.startsWith("PATH="));
    env = { ...env, PATH: (pathLine as string).slice("PATH=".length) };

    server = spawn("sh", ["-c", `${commands[startIndex]} -- --port 0`], { cwd: clone, env, detached: true });
    server.stderr?.on("data", (d: Buffer) => {
      serverOutput += d.toString();
    });
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not start: ${serverOutput}`)), 60_000);
      server?.stdout?.on("data", (d: Buffer) => {
        serverOutput += d.toString();
        const line = serverOutput.split("\n").find((l) => l.startsWith('{"listening"'));
        if (line) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { listening: { url: string } }).listening.url);
        }
      });
    });
  });

  after(() => {
    if (server?.pid !== undefined) process.kill(-server.pid, "SIGTERM");
  });

  const cairn = (command: string) => sh(command, home, env);

  it("leaves cairn on the PATH the README's commands set up, in ~/.local/bin for this user", () => {
    const which = cairn("command -v cairn");
    assert.equal(which.code, 0, `cairn is not on the PATH: ${env.PATH}\n${setupOutput}`);
    assert.equal(which.stdout.trim(), path.join(home, ".local", "bin", "cairn"));
    const version = cairn("cairn -V");
    assert.equal(version.code, 0, version.stderr);
    const pkg = JSON.parse(fs.readFileSync(path.join(clone, "package.json"), "utf8")) as { version: string };
    assert.equal(version.stdout.trim(), pkg.version);
  });

  it("prints a PATH line that works as printed", () => {
    const exportLine = setupOutput.split("\n").find((l) => l.trim().startsWith("export PATH="));
    assert.ok(exportLine, setupOutput);
    const r = sh(`${exportLine.trim()}\ncommand -v cairn`, home, { ...env, PATH: SYSTEM_PATH });
    assert.equal(r.code, 0, r.stderr);
  });

  it("starts a server that answers /healthz and serves the web UI at /ui/", async () => {
    const health = await fetch(`${url}/healthz`);
    assert.equal(health.status, 200);
    const ui = await fetch(`${url}/ui/`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /<html/i);
  });

  it("every command the web UI shows works as printed", () => {
    const commands = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.name.endsWith(".js") || entry.name.endsWith(".html")) {
          const text = fs.readFileSync(file, "utf8");
          // Every JS string literal (escapes included) that is a cairn command.
          for (const m of text.matchAll(/(["'`])((?:\\.|(?!\1)[^\\\n])*)\1/g)) {
            const literal = (m[2] as string).replace(/\\(.)/g, "$1");
            if (/^cairn (feed|follow|pool|fetch|tap)\b/.test(literal))
              commands.add(literal.replace(/\$\{[^}]+\}/g, "demo"));
          }
        }
      }
    };
    walk(path.join(clone, "ui"));
    assert.ok(commands.size > 0, "the UI shows at least one command");
    // Commands that create what they need first, as a user following the empty states would.
    const ordered = [...commands].sort((a, b) => Number(b.includes("--create")) - Number(a.includes("--create")));
    for (const command of ordered) {
      const r = cairn(command);
      assert.equal(r.code, 0, `${command}\n${r.stderr}`);
    }
  });

  it("every hint in a new user's first mistakes is a command that works as printed", () => {
    const missing = cairn("cairn follow builds --no-wait");
    assert.equal(missing.code, 3);
    const create = commandIn(hintOf(missing));
    assert.equal(cairn(create).code, 0, create);
    assert.equal(cairn("cairn follow builds --no-wait").code, 0);

    const feedMissing = cairn("cairn feed logs '{\"a\":1}'");
    assert.equal(feedMissing.code, 3);
    assert.equal(cairn(commandIn(hintOf(feedMissing))).code, 0);

    const unquoted = cairn("cairn feed builds {ok:true}");
    assert.equal(unquoted.code, 2);
    assert.equal(cairn(commandIn(hintOf(unquoted))).code, 0);

    const tap = cairn("cairn tap builds ls -la");
    assert.equal(tap.code, 2);
    const fixed = cairn(commandIn(hintOf(tap)));
    assert.equal(fixed.code, 0, fixed.stderr);
  });

  it("links into npm's global bin instead when that is writable and on the PATH (as npm link would)", () => {
    const globalBin = path.join(prefix, "bin");
    const withGlobal = { ...env, PATH: `${globalBin}:${SYSTEM_PATH}` };
    const r = sh("npm run setup && command -v cairn && cairn -V", clone, withGlobal);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.includes(path.join(globalBin, "cairn")), r.stdout);
    assert.ok(!r.stdout.includes("export PATH"), r.stdout);
  });
});
