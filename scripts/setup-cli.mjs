#!/usr/bin/env node
// `npm run setup`: puts `cairn` on the PATH for this clone, as `npm link` would but without
// npm's global install (no rebuild, no root needed). It links scripts/cairn into the first of
// these directories that is writable and on the PATH: npm's global bin (`npm prefix -g`/bin,
// where `npm link` would put it; writable as root or with a user-level npm prefix), then
// ~/.local/bin (the XDG user bin that Debian, Ubuntu and Fedora put on the PATH at login).
// When neither is on the PATH it links into ~/.local/bin and prints the one `export` line
// that the README also shows. Re-running it is safe; `rm "$(command -v cairn)"` undoes it.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const wrapper = path.join(root, "scripts", "cairn");
const entry = path.join(root, "dist", "src", "cli", "main.js");

if (!fs.existsSync(entry)) {
  console.error("setup: dist/src/cli/main.js is missing; build first with: npm run build");
  process.exit(1);
}
// A copy made without file modes (a zip, say) still works; a clone already has the bit.
if ((fs.statSync(wrapper).mode & 0o111) === 0) fs.chmodSync(wrapper, 0o755);

const onPath = new Set(
  (process.env.PATH ?? "")
    .split(path.delimiter)
    .filter(Boolean)
    .map((d) => path.resolve(d)),
);
const localBin = path.join(os.homedir(), ".local", "bin");
const candidates = [npmGlobalBin(), localBin].filter((d) => d !== null);

function npmGlobalBin() {
  try {
    const prefix = execFileSync("npm", ["prefix", "-g"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return path.join(prefix.trim(), "bin");
  } catch {
    return null;
  }
}

function writable(dir) {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Links `dir/cairn` to the wrapper; refuses to replace a `cairn` that is not a link to it. */
function linkInto(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const link = path.join(dir, "cairn");
  let existing = null;
  try {
    existing = fs.readlinkSync(link);
  } catch (err) {
    if (err.code === "EINVAL") {
      console.error(`setup: ${link} exists and is not a link; remove it, then run npm run setup again`);
      process.exit(1);
    }
  }
  if (existing !== wrapper) {
    if (existing !== null) fs.unlinkSync(link);
    fs.symlinkSync(wrapper, link);
  }
  return link;
}

const chosen = candidates.find((d) => onPath.has(path.resolve(d)) && writable(d)) ?? localBin;
let link;
try {
  link = linkInto(chosen);
} catch (err) {
  console.error(`setup: cannot link cairn into ${chosen}: ${err.message}`);
  process.exit(1);
}
console.log(`setup: cairn -> ${link}`);
if (!onPath.has(path.resolve(chosen))) {
  console.log(`setup: ${chosen} is not on your PATH; add it (also in ~/.profile to keep it):`);
  console.log('  export PATH="$PATH:$HOME/.local/bin"');
}
