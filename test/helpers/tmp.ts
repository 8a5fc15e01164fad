/** Temporary directories for tests, removed when the process exits. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const created: string[] = [];
process.on("exit", () => {
  for (const dir of created) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = "cairn-test-"): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Repository root (the folder with package.json), from dist/test/helpers. */
export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..", "..", "..");
export const cliPath = path.join(repoRoot, "dist", "src", "cli", "main.js");
export const sharedDir = path.resolve(repoRoot, "..", "shared");
