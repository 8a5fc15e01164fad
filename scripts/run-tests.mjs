#!/usr/bin/env node
// Runs every compiled test file under dist/test with node:test. Node 20's `--test` neither
// expands globs nor finds .ts files, so the files are listed here explicitly, and the run
// fails when it finds no test at all. Usage: node scripts/run-tests.mjs [--fast] [filter…],
// where a filter is part of a test file's path, from the source tree (test/cli/follow) or
// dist/test, and --fast leaves out the slow tier (crash, corruption and multi-process
// storms, the browser, the jq agreement run) for the inner loop.
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const testDir = join(root, "dist", "test");
/** The slow tier: files that spawn storms of processes, a browser, or thousands of trials. */
const SLOW = [
  "core/crash",
  "core/corruption",
  "core/multiprocess",
  "core/validate-relock",
  "audit/concurrency",
  "audit/lock-and-stale",
  "api/memory",
  "cli/where",
  "cli/concurrent-feed",
  "cli/first-day",
  "ui/browser",
];
const args = process.argv.slice(2);
const fast = args.includes("--fast");
const filters = args
  .filter((a) => a !== "--fast")
  .map((f) => f.replace(/^(\.\/)?(dist\/)?test\//, "").replace(/\.ts$/, ""));

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (entry.endsWith(".test.js")) out.push(path);
  }
  return out;
}

const files = walk(testDir)
  .filter((f) => filters.length === 0 || filters.some((x) => relative(testDir, f).includes(x)))
  .filter((f) => !fast || !SLOW.some((x) => relative(testDir, f).startsWith(x)))
  .sort();
if (files.length === 0) {
  const which = filters.length > 0 ? ` matching ${filters.join(", ")}` : "";
  console.error(`no test files found under dist/test${which} (did the build run?)`);
  process.exit(1);
}

const child = spawn(
  process.execPath,
  ["--test", "--test-reporter=tap", `--test-concurrency=${process.env.CAIRN_TEST_CONCURRENCY ?? 2}`, ...files],
  { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NO_COLOR: "1" } },
);
let pass = 0;
let fail = 0;
let skip = 0;
let cancelled = 0;
let buffered = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  buffered += chunk;
  const lines = buffered.split("\n");
  buffered = lines.pop() ?? "";
  for (const line of lines) {
    const m = /^# (pass|fail|skipped|cancelled) (\d+)$/.exec(line);
    if (m?.[1] === "pass") pass = Number(m[2]);
    if (m?.[1] === "fail") fail = Number(m[2]);
    if (m?.[1] === "skipped") skip = Number(m[2]);
    if (m?.[1] === "cancelled") cancelled = Number(m[2]);
  }
});
child.on("close", (code) => {
  // A test cancelled by its timeout did not pass: count it as failed.
  console.log(`\n${pass} passed, ${fail + cancelled} failed, ${skip} skipped`);
  if (pass + fail === 0) {
    console.error("the run executed no test");
    process.exit(1);
  }
  process.exit(code ?? 1);
});
