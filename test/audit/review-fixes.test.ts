/** Black-box regressions from the user's-eye review: config values, storage root, verify runs. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import fsModule from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import * as path from "node:path";
import { after, describe, test } from "node:test";
import { captureManifest } from "../../src/audit/manifests/manifest.js";
import {
  auditProject,
  cli,
  cliBackground,
  cliPath,
  errorOf,
  jsonLines,
  removeDir,
  tempDir,
  waitForOutput,
} from "./helpers.js";

const cleanup: string[] = [];
after(() => {
  for (const d of cleanup) removeDir(d);
});

const setup = (label: string) => auditProject(label, cleanup);

/** A bridge document whose phases (one unless told) each run `verify`. */
function writeDocument(repo: string, verify: string, phases = 1): string {
  const doc = path.join(repo, "doc.md");
  const body = ["# Document 1: Review", "", "=== AUDIT SETUP START ===", "=== AUDIT SETUP END ===", ""];
  for (let n = 1; n <= phases; n++)
    body.push(`## Phase ${n}: Step ${n}`, "", "### Verify", "", "```bash", verify, "```", "");
  fs.writeFileSync(doc, body.join("\n"));
  return doc;
}

describe("config set", () => {
  test("audit.test_command is kept exactly as typed, never read as YAML", () => {
    const { opts } = setup("cfgcmd");
    for (const command of ["[ -f x ] && make", "echo a: b", "true", "42"]) {
      const set = cli(["config", "set", "audit.test_command", command], opts);
      assert.equal(set.status, 0, set.stderr);
      const get = cli(["config", "get", "audit.test_command"], opts);
      assert.equal(JSON.parse(get.stdout), command);
    }
  });

  test("a number setting refuses text, zero and negatives with a Usage error and keeps the old value", () => {
    const { opts } = setup("cfgnum");
    for (const [key, value] of [
      ["audit.max_attempts", "abc"],
      ["audit.max_attempts", "0"],
      ["audit.verify_timeout_seconds", "-5"],
      ["display.verbose", "1"],
    ] as const) {
      const r = cli(["config", "set", key, value], opts);
      assert.equal(r.status, 2, `${key}=${value}`);
      assert.equal(errorOf(r.stderr).kind, "Usage");
    }
    assert.equal(JSON.parse(cli(["config", "get", "audit.max_attempts"], opts).stdout), 3);
    assert.equal(cli(["config", "set", "audit.verify_timeout_seconds", "2.5"], opts).status, 0);
  });
});

describe("config set into a value", () => {
  test("a key below a scalar is a Usage error (was Internal); a recursive alias in config.yaml is Corrupt", () => {
    const { storage, opts } = setup("cfgscalar");
    let r = cli(["config", "set", "version.x", "1"], opts);
    assert.equal(r.status, 2, r.stderr);
    assert.match(errorOf(r.stderr).message, /version holds a value, not a section/);
    fs.mkdirSync(storage, { recursive: true });
    fs.writeFileSync(path.join(storage, "config.yaml"), "audit: 5\n");
    r = cli(["config", "set", "audit.max_attempts", "4"], opts);
    assert.equal(errorOf(r.stderr).kind, "Usage");
    assert.equal(fs.readFileSync(path.join(storage, "config.yaml"), "utf8"), "audit: 5\n");
    fs.writeFileSync(path.join(storage, "config.yaml"), "a: &x [*x]\n");
    r = cli(["config", "get"], opts);
    assert.equal(r.status, 7, r.stderr);
    assert.equal(errorOf(r.stderr).kind, "Corrupt");
  });
});

describe("storage root", () => {
  test("PHASER_STORAGE_DIR naming a file is one Usage error, not NotFound", () => {
    const { repo } = setup("rootfile");
    const file = path.join(repo, "not-a-dir");
    fs.writeFileSync(file, "x");
    for (const storage of [file, path.join(file, "sub")]) {
      const r = cli(["audit", "list"], { cwd: repo, storage });
      assert.equal(r.status, 2, r.stderr);
      const error = errorOf(r.stderr);
      assert.equal(error.kind, "Usage");
      assert.match(error.message, /not a directory/);
    }
    assert.equal(fs.readFileSync(file, "utf8"), "x");
  });
});

describe("phase verify", () => {
  test("a background child holding the output open does not turn a pass into a timeout", () => {
    const { repo, opts } = setup("bgchild");
    writeDocument(repo, "(sleep 30 &) ; echo started");
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    assert.equal(cli(["config", "set", "audit.verify_timeout_seconds", "20"], opts).status, 0);
    const r = cli(["phase", "verify", "1"], opts);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.passed, true);
    assert.equal(result.commands[0].exit_code, 0);
  });

  test("a second concurrent verify of the same audit answers Busy; one phase_started, one phase_completed", async () => {
    const { repo, storage, opts } = setup("concverify");
    const marker = path.join(repo, "running");
    writeDocument(
      repo,
      `touch ${JSON.stringify(marker)}; while [ -f ${JSON.stringify(marker)} ]; do sleep 0.05; done`,
      2,
    );
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    const first = cliBackground(["phase", "verify", "1"], { cwd: repo, storage });
    const firstOut = waitForOutput(first.stdout as NodeJS.ReadableStream, /"passed"/, 30_000);
    for (let i = 0; i < 600 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(marker), "the first verify never started its command");
    const second = cli(["phase", "verify", "1"], opts);
    const start = cli(["phase", "start", "1"], opts);
    const otherPhase = cli(["phase", "start", "2"], opts);
    fs.rmSync(marker);
    assert.equal(second.status, 5, second.stderr);
    assert.equal(errorOf(second.stderr).kind, "Busy");
    assert.equal(errorOf(start.stderr).kind, "Busy");
    assert.equal(otherPhase.status, 0, otherPhase.stderr);
    assert.equal(JSON.parse(await firstOut).passed, true);
    const events = jsonLines(cli(["events", "list"], opts).stdout).filter((e) => e.phase === 1);
    const types = events.map((e) => e.type);
    assert.equal(types.filter((t) => t === "phase_started").length, 1);
    assert.equal(types.filter((t) => t === "phase_completed").length, 1);
    const again = cli(["phase", "verify", "1"], opts);
    assert.equal(errorOf(again.stderr).message, "phase 1 is already completed");
  });
});

describe("setup files", () => {
  test("a setup block never writes through a symlink out of the project, and writes nothing when refused", () => {
    const { repo, opts } = setup("setuplink");
    const outside = tempDir("setuplink-outside");
    cleanup.push(outside);
    fs.symlinkSync(outside, path.join(repo, ".audit"));
    const doc = [
      "# Document 1: Setup",
      "",
      "=== AUDIT SETUP START ===",
      "===FILE: notes/first.md===",
      "first",
      "===END FILE===",
      "===FILE: .audit/phases/01-a.md===",
      "# Phase 1: A",
      "",
      "## Verify",
      "",
      "```bash",
      "true",
      "```",
      "===END FILE===",
      "=== AUDIT SETUP END ===",
      "",
    ];
    fs.writeFileSync(path.join(repo, "setup.md"), doc.join("\n"));
    // Issue 10, finding 1 changes validate: a target through a symlink is refused there too.
    assert.equal(cli(["audit", "validate", "setup.md"], opts).status, 2);
    const r = cli(["audit", "start", "setup.md"], opts);
    assert.equal(r.status, 2, r.stdout + r.stderr);
    assert.match(errorOf(r.stderr).message, /symlink/);
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.equal(fs.existsSync(path.join(repo, "notes")), false);
    fs.rmSync(path.join(repo, ".audit"));
    assert.equal(cli(["audit", "start", "setup.md"], opts).status, 0);
    assert.ok(fs.existsSync(path.join(repo, ".audit", "phases", "01-a.md")));
  });
});

describe("hand-edited audits.json", () => {
  test("a damaged phase list or an audit without id is Corrupt (exit 7), never an Internal error or a false pass", () => {
    const { repo, storage, opts } = setup("handedit");
    writeDocument(repo, "false");
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    const file = path.join(storage, "audits.json");
    const good = fs.readFileSync(file, "utf8");
    const edits: ((audit: Record<string, unknown>) => void)[] = [
      (a) => {
        a.phases = [null];
      },
      (a) => {
        (a.phases as Record<string, unknown>[])[0]!.verify = "true"; // would run t, r, u, e
      },
      (a) => {
        delete a.id;
      },
    ];
    for (const edit of edits) {
      const data = JSON.parse(good) as { audits: Record<string, unknown>[] };
      edit(data.audits[0]!);
      const damaged = JSON.stringify(data);
      fs.writeFileSync(file, damaged);
      for (const args of [
        ["audit", "status"],
        ["phase", "verify", "1"],
      ]) {
        const r = cli(args, opts);
        assert.equal(r.status, 7, `${args.join(" ")}: ${r.stdout}${r.stderr}`);
        assert.equal(errorOf(r.stderr).kind, "Corrupt");
      }
      assert.equal(fs.readFileSync(file, "utf8"), damaged);
    }
    const data = JSON.parse(good) as { audits: Record<string, unknown>[] };
    data.audits[0]!.phases = [null];
    fs.writeFileSync(file, JSON.stringify(data));
    assert.equal(cli(["audit", "abandon", "--reason", "damaged"], opts).status, 0);
  });
});

describe(".gitignore bracket expressions", () => {
  test("a malformed class matches nothing (no Internal error); POSIX classes and `[]x]` match as in git", () => {
    const { repo, opts } = setup("ignoreclass");
    for (const name of ["a.txt", "b.log", "9.c", "x]y", "Z.md"]) fs.writeFileSync(path.join(repo, name), "1\n");
    const manifestPaths = (ignore: string) => {
      fs.writeFileSync(path.join(repo, ".gitignore"), ignore);
      const r = cli(["manifest", "."], opts);
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path).sort();
    };
    assert.deepEqual(manifestPaths("[z-a]\n*.log\n"), [".gitignore", "9.c", "README.md", "Z.md", "a.txt", "x]y"]);
    assert.deepEqual(manifestPaths("[[:alpha:]].txt\n[[:digit:]].c\n[]x]*\n"), [
      ".gitignore",
      "README.md",
      "Z.md",
      "b.log",
    ]);
  });
});

describe("audit documents that are not text", () => {
  test("an endless device is refused after 16 MiB and a NUL-holding file is binary: Usage, never a hang", () => {
    const { repo, opts } = setup("notext");
    fs.writeFileSync(path.join(repo, "nul.md"), "# Document 1: X\n\0\n");
    for (const [args, pattern] of [
      [["audit", "validate", "/dev/zero"], /larger than 16 MiB/],
      [["audit", "start", "/dev/zero"], /larger than 16 MiB/],
      [["audit", "validate", "nul.md"], /binary file/],
      [["audit", "start", "nul.md"], /binary file/],
    ] as const) {
      const r = cli([...args], opts);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(errorOf(r.stderr).kind, "Usage");
      assert.match(errorOf(r.stderr).message, pattern);
    }
  });
});

describe("verify output", () => {
  test("a multi-byte character split across two pipe reads reaches verification_failed intact", () => {
    const { repo, opts } = setup("utf8split");
    // 2 + 3 × 22,000 bytes in one write: a 64 KiB read boundary falls inside a "€".
    const script = `process.stdout.write("aa" + "€".repeat(22000)); process.exitCode = 1`;
    writeDocument(repo, `${JSON.stringify(process.execPath)} -e '${script}'`);
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    assert.equal(cli(["phase", "verify", "1"], opts).status, 1);
    const failed = jsonLines(cli(["events", "list", "--type", "verification_failed"], opts).stdout);
    const output = String((failed[0]?.data as { output?: unknown } | undefined)?.output);
    assert.ok(output.length > 100, output);
    assert.equal(output.includes("\ufffd"), false, "output holds U+FFFD replacement characters");
  });
});

describe("reads create nothing", () => {
  test("events list / export / audit list on storage that does not exist leave it absent", () => {
    const { repo, storage, opts } = setup("noread");
    for (const args of [
      ["events", "list"],
      ["events", "export", "-o", path.join(repo, "out.json")],
      ["audit", "list"],
      ["config", "get"],
    ]) {
      const r = cli(args, opts);
      assert.equal(r.status, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    assert.equal(fs.existsSync(storage), false, "the storage directory was created by a read");
    assert.deepEqual(JSON.parse(fs.readFileSync(path.join(repo, "out.json"), "utf8")).events, []);
  });
});

describe("manifest scans of a changing tree", () => {
  test("a file deleted between listing and reading is left out, not a NotFound that fails the scan", async () => {
    const { repo, opts } = setup("vanish");
    fs.writeFileSync(path.join(repo, "gone.txt"), "soon gone\n");
    const mutableFs = fsModule as unknown as { statSync: typeof fs.statSync };
    const realStat = mutableFs.statSync;
    // The file disappears right after the directory was listed (as an editor's swap file does).
    mutableFs.statSync = ((p: fs.PathLike, o?: fs.StatSyncOptions) => {
      if (String(p).endsWith("gone.txt")) throw Object.assign(new Error("ENOENT: gone"), { code: "ENOENT" });
      return realStat(p, o);
    }) as typeof fs.statSync;
    syncBuiltinESMExports();
    try {
      const manifest = await captureManifest(repo);
      assert.deepEqual(
        manifest.files.map((f) => f.path),
        ["README.md"],
      );
    } finally {
      mutableFs.statSync = realStat;
      syncBuiltinESMExports();
    }
    const notDir = cli(["manifest", "README.md"], opts);
    assert.equal(notDir.status, 2, notDir.stderr);
    assert.match(errorOf(notDir.stderr).message, /is not a directory/);
  });
});

describe("documents from Windows editors", () => {
  test("a byte-order mark does not hide the document title (nor change the slug)", () => {
    const { repo, opts } = setup("bom");
    writeDocument(repo, "true", 2);
    const text = fs.readFileSync(path.join(repo, "doc.md"), "utf8").replace(/\n/g, "\r\n");
    fs.writeFileSync(path.join(repo, "bom.md"), `\uFEFF${text}`);
    const v = cli(["audit", "validate", "bom.md"], opts);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).title, "Review");
    const s = cli(["audit", "start", "bom.md"], opts);
    assert.equal(JSON.parse(s.stdout).slug, "review");
  });
});

describe("skip or abandon during a verify", () => {
  test("a phase skipped while its commands run stays skipped; no phase_completed follows phase_skipped", async () => {
    const { repo, storage, opts } = setup("skipduring");
    const marker = path.join(repo, "running");
    writeDocument(repo, `touch ${JSON.stringify(marker)}; while [ -f ${JSON.stringify(marker)} ]; do sleep 0.05; done`);
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    const verify = cliBackground(["phase", "verify", "1"], { cwd: repo, storage });
    const verifyErr = waitForOutput(verify.stderr as NodeJS.ReadableStream, /"error"/, 30_000);
    for (let i = 0; i < 600 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(marker), "the verify never started its command");
    assert.equal(cli(["phase", "skip", "1", "--reason", "user_request"], opts).status, 0);
    fs.rmSync(marker);
    assert.match(errorOf(await verifyErr).message, /was skipped while it was being verified/);
    const types = jsonLines(cli(["events", "list"], opts).stdout).map((e) => e.type);
    assert.equal(types.includes("phase_completed"), false, types.join(" "));
    const status = JSON.parse(cli(["audit", "status"], opts).stdout);
    assert.equal(status.phases[0].status, "skipped");
  });
});

describe("--json on a terminal", () => {
  const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;
  test("audit status/list --json print JSON even when stdout is a TTY", {
    skip: !hasScript && "needs script(1)",
  }, () => {
    const { repo, storage, opts } = setup("jsontty");
    writeDocument(repo, "true");
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    for (const args of [
      ["audit", "status", "--json"],
      ["audit", "list", "--json"],
    ]) {
      const command = [process.execPath, cliPath, ...args].map((a) => `'${a}'`).join(" ");
      const r = spawnSync("script", ["-qec", command, "/dev/null"], {
        cwd: repo,
        env: { ...process.env, NO_COLOR: "1", PHASER_STORAGE_DIR: storage },
        encoding: "utf8",
        timeout: 60_000,
      });
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const first = r.stdout.split(/\r?\n/)[0] ?? "";
      assert.doesNotThrow(() => JSON.parse(first), `not JSON: ${first}`);
    }
  });
});

describe("reasons", () => {
  test("phase skip and audit abandon refuse an empty --reason and change nothing", () => {
    const { repo, opts } = setup("emptyreason");
    writeDocument(repo, "true");
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    for (const args of [
      ["phase", "skip", "1", "--reason", ""],
      ["audit", "abandon", "--reason", "  "],
    ]) {
      const r = cli(args, opts);
      assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(errorOf(r.stderr).kind, "Usage");
    }
    const status = JSON.parse(cli(["audit", "status"], opts).stdout);
    assert.equal(status.status, "in_progress");
    assert.equal(status.phases[0].status, "pending");
  });
});

describe("concurrent audit start", () => {
  test("four simultaneous starts in one project leave exactly one audit in progress; the rest are AlreadyExists", async () => {
    const { repo, storage, opts } = setup("concstart");
    writeDocument(repo, "true");
    for (let round = 0; round < 3; round++) {
      const children = [1, 2, 3, 4].map(() => cliBackground(["audit", "start", "doc.md"], { cwd: repo, storage }));
      const codes = await Promise.all(
        children.map((child) => new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)))),
      );
      assert.deepEqual(codes.sort(), [0, 4, 4, 4], `round ${round}`);
      const open = jsonLines(cli(["audit", "list"], opts).stdout).filter((a) => a.status === "in_progress");
      assert.equal(open.length, 1, `round ${round}`);
      assert.equal(cli(["audit", "abandon", "--reason", "next round"], opts).status, 0);
    }
  });
});

describe("abandon during complete", () => {
  test("an audit abandoned while its completion tests run stays abandoned: no audit_completed, no report", async () => {
    const { repo, storage, opts } = setup("abandoncomplete");
    const marker = path.join(repo, "testing");
    writeDocument(repo, "true");
    assert.equal(cli(["audit", "start", "doc.md"], opts).status, 0);
    assert.equal(cli(["phase", "skip", "1", "--reason", "user_request"], opts).status, 0);
    const tests = `touch ${JSON.stringify(marker)}; while [ -f ${JSON.stringify(marker)} ]; do sleep 0.05; done`;
    const complete = cliBackground(["audit", "complete", "--test-command", tests], { cwd: repo, storage });
    const completeErr = waitForOutput(complete.stderr as NodeJS.ReadableStream, /"error"/, 30_000);
    for (let i = 0; i < 600 && !fs.existsSync(marker); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(fs.existsSync(marker), "the completion tests never started");
    assert.equal(cli(["audit", "abandon", "--reason", "changed my mind"], opts).status, 0);
    fs.rmSync(marker);
    assert.match(errorOf(await completeErr).message, /is abandoned, not in progress/);
    const types = jsonLines(cli(["events", "list"], opts).stdout).map((e) => e.type);
    assert.equal(types.includes("audit_completed"), false, types.join(" "));
    const audit = jsonLines(cli(["audit", "list"], opts).stdout)[0];
    assert.equal(audit?.status, "abandoned");
    assert.deepEqual(
      fs.existsSync(path.join(storage, "reports")) ? fs.readdirSync(path.join(storage, "reports")) : [],
      [],
    );
  });
});
