/**
 * `cairn serve`, `serve init` and `serve check` as a user runs them: the real CLI in a
 * child process, a real port, SIGTERM to stop; credentials files with mode 0600; the
 * non-loopback rules refuse unsafe configurations before a socket opens.
 */
import * as assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { type CliResult, newPoolDir, runCli } from "../cli/cli-harness.js";
import { cliPath, tempDir } from "../helpers/tmp.js";
import { post, request } from "./harness.js";

/** The real CLI, one command; `env` may name its pool directory (CAIRN_DIR). */
function run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { dir: env.CAIRN_DIR ?? newPoolDir(), env });
}

/** Starts `cairn serve … --port 0` and resolves with its URL from the JSON start-up line. */
function serve(args: string[]): Promise<{ child: ChildProcess; url: string; stopped: Promise<number | null> }> {
  const child = spawn(process.execPath, [cliPath, ...args, "--port", "0"], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stopped = new Promise<number | null>((r) => child.on("close", (code) => r(code)));
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 20_000);
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line) {
        clearTimeout(timer);
        resolve({ child, url: JSON.parse(line).listening.url, stopped });
      }
    });
    child.on("close", () => reject(new Error(`serve exited: ${stderr}`)));
  });
}

describe("cairn serve", () => {
  test("serves the pool directory and the UI, and stops cleanly on SIGTERM", async () => {
    const dir = tempDir();
    const { child, url, stopped } = await serve(["--dir", dir, "serve"]);
    try {
      assert.equal((await post(url, "/v0/pools", { pool: "cli" })).status, 200);
      assert.ok(fs.existsSync(path.join(dir, "cli.cairn")));
      const ui = await request(url, "/ui/");
      assert.equal(ui.status, 200);
      assert.match(ui.text, /<title>Cairn<\/title>/);
      assert.match(String(ui.headers["content-security-policy"]), /default-src 'none'/);
      assert.equal((await request(url, "/ui/app.js")).status, 200);
      assert.equal((await request(url, "/ui/%2e%2e/package.json")).status, 404);
      assert.equal((await request(url, "/ui/..%2fpackage.json")).status, 404);
    } finally {
      child.kill("SIGTERM");
    }
    assert.equal(await stopped, 0);
  });

  test("--token-file and --tls-self-signed give an https server that wants the token", async () => {
    const dir = tempDir();
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, "file-token\n");
    const { child, url, stopped } = await serve([
      "--dir",
      dir,
      "serve",
      "--token-file",
      tokenFile,
      "--tls-self-signed",
    ]);
    try {
      assert.match(url, /^https:/);
      const https = await import("node:https");
      const status = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          https
            .get(`${url}/v0/pools`, { rejectUnauthorized: false, headers, agent: false }, (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            })
            .on("error", reject);
        });
      assert.equal(await status({}), 401);
      assert.equal(await status({ authorization: "Bearer file-token" }), 200);
    } finally {
      child.kill("SIGTERM");
    }
    await stopped;
  });
});

describe("cairn serve init and check", () => {
  test("init writes a token, a certificate and a key with mode 0600, and refuses to overwrite them", async () => {
    const out = path.join(tempDir(), "creds");
    const r = await run(["serve", "init", "--output-dir", out]);
    assert.equal(r.code, 0, r.stderr);
    const info = JSON.parse(r.stdout).init;
    for (const file of [info.token_file, info.tls_cert, info.tls_key]) {
      assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
    }
    assert.equal(fs.statSync(out).mode & 0o777, 0o700, "the directory is private too");
    assert.ok(fs.readFileSync(info.token_file, "utf8").trim().length >= 32);
    assert.match(fs.readFileSync(info.tls_cert, "utf8"), /BEGIN CERTIFICATE/);
    const again = await run(["serve", "init", "--output-dir", out]);
    assert.equal(again.code, 4);
    assert.equal(JSON.parse(again.stderr).error.kind, "AlreadyExists");
    assert.equal((await run(["serve", "init", "--output-dir", out, "--force"])).code, 0);
  });

  test("check reports the configuration and passes a safe one", async () => {
    const dir = tempDir();
    const r = await run(["--dir", dir, "serve", "check", "--cors-origin", "https://a.example"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout).check;
    assert.equal(report.ok, true);
    assert.equal(report.url, "http://127.0.0.1:9700");
    assert.equal(report.access, "read-write");
    assert.deepEqual(report.cors_origins, ["https://a.example"]);
    assert.equal(report.limits.body_bytes_max, 1024 * 1024);
    assert.equal(report.limits.concurrent_streams_max, 64);
    const tuned = await run(["--dir", dir, "serve", "check", "--body-limit", "4M", "--max-tails", "8"]);
    assert.deepEqual(
      [
        JSON.parse(tuned.stdout).check.limits.body_bytes_max,
        JSON.parse(tuned.stdout).check.limits.concurrent_streams_max,
      ],
      [4 * 1024 * 1024, 8],
    );
    for (const flags of [
      ["--body-limit", "1G"],
      ["--body-limit", "10"],
      ["--max-tails", "0"],
      ["--port", "70000"],
    ]) {
      const bad = await run(["--dir", dir, "serve", "check", ...flags]);
      assert.equal(bad.code, 2, flags.join(" "));
      assert.equal(JSON.parse(bad.stderr).error.kind, "Usage");
    }
  });

  test("a non-loopback bind needs --allow-non-loopback, then a token and TLS for writes, unless waived", async () => {
    const dir = tempDir();
    const tokenFile = path.join(dir, "token");
    fs.writeFileSync(tokenFile, "t0ken");
    const refused = await run(["--dir", dir, "serve", "--bind", "0.0.0.0"]);
    assert.equal(refused.code, 2);
    assert.match(JSON.parse(refused.stderr).error.message, /allow-non-loopback/);
    const noToken = await run(["--dir", dir, "serve", "check", "--bind", "0.0.0.0", "--allow-non-loopback"]);
    assert.equal(noToken.code, 2);
    const errors: string[] = JSON.parse(noToken.stdout).check.errors;
    assert.ok(errors.some((e) => /token/.test(e)) && errors.some((e) => /TLS/.test(e)), errors.join("; "));
    const readOnly = await run([
      "--dir",
      dir,
      "serve",
      "check",
      "--bind",
      "0.0.0.0",
      "--allow-non-loopback",
      "--access",
      "read-only",
    ]);
    assert.equal(readOnly.code, 0, readOnly.stdout);
    const waived = await run([
      "--dir",
      dir,
      "serve",
      "check",
      "--bind",
      "0.0.0.0",
      "--allow-non-loopback",
      "--token-file",
      tokenFile,
      "--insecure-no-tls",
    ]);
    assert.equal(waived.code, 0, waived.stdout);
    assert.ok(JSON.parse(waived.stdout).check.warnings.length > 0);
    const badOrigin = await run(["--dir", dir, "serve", "check", "--cors-origin", "https://a.example/*"]);
    assert.equal(badOrigin.code, 2);
  });

  test("--token (the remote-pool flag) is refused, never ignored into a server without a token", async () => {
    const dir = tempDir();
    for (const args of [
      ["serve", "--token", "abc"],
      ["serve", "check", "--token", "abc"],
      ["--token", "abc", "serve"],
    ]) {
      const r = await run(["--dir", dir, ...args]);
      assert.equal(r.code, 2, args.join(" "));
      const error = JSON.parse(r.stderr).error;
      assert.equal(error.kind, "Usage");
      assert.match(error.message, /--token-file/);
    }
  });
});
