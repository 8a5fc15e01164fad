/**
 * The CLI's conventions, black-box, for every command family: JSON when stdout is piped
 * (spawnSync pipes are not terminals), help for a bare command or group (stdout, exit 0),
 * and usage errors in Cairn's shape with commander's suggestion as a one-line hint.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { cliPath, tempDir } from "../helpers/tmp.js";
import { hasScript, runInTty } from "./cli-harness.js";

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `cairn ARGS…` with stdout and stderr piped, in `cwd`, with pools in `dir`. */
function cairn(args: string[], env: { dir: string; cwd?: string; input?: string }): Run {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: env.cwd ?? env.dir,
    env: { ...process.env, CAIRN_DIR: env.dir, NO_COLOR: "1", PHASER_STORAGE_DIR: path.join(env.dir, ".phaser") },
    input: env.input ?? "",
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every line of stdout parsed as JSON; fails naming the command and the line that is not. */
function jsonLinesOf(args: string[], run: Run): unknown[] {
  assert.equal(run.status, 0, `cairn ${args.join(" ")}: ${run.stderr}`);
  const lines = run.stdout.split("\n").filter((line) => line.length > 0);
  assert.ok(lines.length > 0, `cairn ${args.join(" ")} printed nothing`);
  return lines.map((line) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      return assert.fail(`cairn ${args.join(" ")} printed a line that is not JSON: ${line}`);
    }
  });
}

/** The `{"error":{…}}` envelope on a piped stderr, which must be its only line. */
function errorEnvelope(run: Run): { kind: string; message: string; hint?: string } {
  const lines = run.stderr.trim().split("\n");
  assert.equal(lines.length, 1, run.stderr);
  return (JSON.parse(lines[0] as string) as { error: { kind: string; message: string; hint?: string } }).error;
}

const AUDIT_DOC = `# Document 1: Conventions

> Phases 1-1

## Document Overview

One phase that checks a file.

=== AUDIT SETUP START ===

\`\`\`bash
true
\`\`\`

=== AUDIT SETUP END ===

## Phase 1: Check

### Verify

\`\`\`bash
true
\`\`\`
`;

/** A git repository holding an audit document, for the audit commands. */
function auditProject(dir: string): string {
  const repo = path.join(dir, "project");
  fs.mkdirSync(repo);
  const git = (...args: string[]) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("config", "user.email", "test@example.com");
  git("config", "user.name", "Cairn Test");
  fs.writeFileSync(path.join(repo, "audit.md"), AUDIT_DOC);
  git("add", ".");
  git("commit", "-q", "-m", "init");
  return repo;
}

describe("cairn output convention: JSON whenever stdout is piped", () => {
  it("every command family prints JSON lines when piped, without --json", () => {
    const dir = tempDir("cairn-conventions-");
    const cwd = auditProject(dir);
    const env = { dir, cwd };
    const commands: string[][] = [
      ["version"],
      ["pool", "create", "p", "scratch", "--size", "64K"],
      ["pool", "list"],
      ["pool", "info", "p"],
      ["feed", "p", '{"step":"build","ok":true}'],
      ["fetch", "p", "1"],
      ["follow", "p", "--from", "1", "--no-wait"],
      ["follow", "p", "--tail", "1", "--one", "--timeout", "5"],
      ["doctor", "p"],
      ["doctor", "--all"],
      ["pool", "truncate", "p", "--before", "1"],
      ["pool", "delete", "scratch"],
      ["tap", "p", "--", process.execPath, "-e", 'console.log(JSON.stringify({ from: "child" }))'],
      ["audit", "validate", "audit.md"],
      ["audit", "start", "audit.md", "--project", "demo"],
      ["audit", "status"],
      ["audit", "list"],
      ["events", "list"],
      ["config", "get"],
      ["config", "get", "audit.max_attempts"],
      ["serve", "check", "--port", "0"],
    ];
    for (const args of commands) jsonLinesOf(args, cairn(args, env));
    const [list] = jsonLinesOf(["pool", "list"], cairn(["pool", "list"], env)) as { pools: { name: string }[] }[];
    assert.deepEqual(
      list?.pools.map((p) => p.name),
      ["p"],
    );
  });

  it("on a terminal the same commands print text, and --json still prints JSON", { skip: !hasScript }, () => {
    const dir = tempDir("cairn-conventions-");
    assert.equal(cairn(["pool", "create", "p"], { dir }).status, 0);
    const text = runInTty(["--color", "never", "pool", "list"], dir);
    assert.match(text.output, /^NAME\s+SIZE/);
    const json = runInTty(["pool", "list", "--json"], dir);
    assert.equal((JSON.parse(json.output) as { pools: unknown[] }).pools.length, 1);
    const fetched = runInTty(["--json", "feed", "p", "{}"], dir);
    assert.match(fetched.output, /^\{"meta":/);
    const message = runInTty(["fetch", "p", "1", "--json"], dir);
    assert.match(message.output, /^\{"data":\{\},"meta":\{"tags":\[\]\},"seq":1,/);
  });
});

/** Commands outside the pool family (test/cli/surface.test.ts sweeps those). */
const AUDIT_AND_SERVE_COMMANDS = [
  ["audit"],
  ...["validate", "start", "status", "complete", "abandon", "run", "list", "show", "watch"].map((c) => ["audit", c]),
  ["phase"],
  ...["start", "verify", "skip"].map((c) => ["phase", c]),
  ["events"],
  ...["list", "export", "import", "clear"].map((c) => ["events", c]),
  ["config"],
  ...["get", "set", "reset"].map((c) => ["config", c]),
  ["manifest"],
  ["diff"],
  ["diff", "capture"],
  ["diff", "compare"],
  ["serve", "init"],
  ["serve", "check"],
];

describe("cairn help for a bare command", () => {
  it("every audit, events, config, diff and serve command has help with an example", () => {
    const dir = tempDir("cairn-conventions-");
    for (const command of AUDIT_AND_SERVE_COMMANDS) {
      const r = cairn([...command, "--help"], { dir });
      assert.equal(r.status, 0, `${command.join(" ")}: ${r.stderr}`);
      assert.match(r.stdout, /\nExamples?:\n {2}\$ cairn /, command.join(" "));
    }
  });

  for (const group of [[], ["pool"], ["audit"], ["events"], ["phase"], ["config"], ["diff"]]) {
    it(`"cairn ${group.join(" ")}" prints its help to stdout and exits 0`, () => {
      const r = cairn(group, { dir: tempDir("cairn-conventions-") });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: cairn${group.length > 0 ? ` ${group.join(" ")}` : ""} `));
      assert.match(r.stdout, /\nExamples?:\n {2}\$ cairn /);
      assert.equal(r.stderr, "");
    });
  }
});

describe("cairn usage errors", () => {
  const cases: { args: string[]; message: string; hint: string }[] = [
    { args: ["folow"], message: "unknown command 'folow'", hint: "did you mean follow?" },
    { args: ["pool", "lst"], message: "unknown command 'lst'", hint: "did you mean list?" },
    { args: ["follow", "p", "--tial", "3"], message: "unknown option '--tial'", hint: "did you mean --tail?" },
    {
      args: ["tap", "builds", "ls", "-la"],
      message: "unknown option '-la'",
      hint: "put -- before the command to run: cairn tap builds -- ls -la",
    },
    {
      args: ["tap", "builds", "--tag", "ci", "ls", "-la"],
      message: "unknown option '-la'",
      hint: "put -- before the command to run: cairn tap builds --tag ci -- ls -la",
    },
    { args: ["fetch"], message: "missing required argument 'pool'", hint: "see cairn fetch --help" },
    { args: ["help", "bogus"], message: "unknown command 'bogus'", hint: "see cairn --help" },
  ];
  for (const { args, message, hint } of cases) {
    it(`"cairn ${args.join(" ")}": ${message}, hint "${hint}" (Usage, exit 2)`, () => {
      const r = cairn(args, { dir: tempDir("cairn-conventions-") });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.deepEqual(errorEnvelope(r), { kind: "Usage", message, hint });
    });
  }

  it("on a terminal: one error line and the hint, with no escaped newline", { skip: !hasScript }, () => {
    const r = runInTty(["--color", "never", "folow"], tempDir("cairn-conventions-"));
    assert.equal(r.code, 2);
    assert.equal(r.output, "error: unknown command 'folow'\n  hint: did you mean follow?\n");
    assert.doesNotMatch(r.output, /\\u000a/);
  });
});
