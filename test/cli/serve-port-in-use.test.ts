/**
 * `cairn serve` on a port that is taken: a one-line Busy error whose hint is a command that
 * works as printed (the same command line with --port 0, which picks a free port).
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { collect, errorOf, newPoolDir, runCli, spawnCli, waitForOutput } from "./cli-harness.js";
import { hasScript, runInTty } from "./cli-harness.js";

function occupiedPort(): Promise<{ port: number; close: () => void }> {
  const blocker = net.createServer();
  return new Promise((resolve) => {
    blocker.listen(0, "127.0.0.1", () => {
      resolve({ port: (blocker.address() as net.AddressInfo).port, close: () => blocker.close() });
    });
  });
}

describe("cairn serve on a port in use", () => {
  it("fails with Busy and a hint naming --port that works as printed", async () => {
    const dir = newPoolDir();
    const taken = await occupiedPort();
    try {
      const r = await runCli(["serve", "--port", String(taken.port), "--access", "read-only"], { dir });
      assert.equal(r.code, 5, r.stderr);
      const error = errorOf(r);
      assert.equal(error.kind, "Busy");
      assert.match(error.message, new RegExp(`${taken.port} is already in use`));
      const command = /\bcairn (.*)$/.exec(error.hint ?? "");
      assert.ok(command, `a command in the hint: ${error.hint}`);
      const args = (command[1] as string).split(" ");
      assert.ok(args.includes("--port") && args.includes("read-only"), error.hint);
      const retried = spawnCli(args, { dir });
      const done = collect(retried, 20_000);
      const line = await waitForOutput(retried, (t) => t.includes("\n"), 20_000);
      assert.match(line, /"listening"/);
      retried.kill("SIGTERM");
      await done;
    } finally {
      taken.close();
    }
  });

  it("is one line on a terminal, with the hint below it and no stack trace", { skip: !hasScript }, async () => {
    const taken = await occupiedPort();
    try {
      const r = runInTty(["serve", "--port", String(taken.port)], newPoolDir(), { NO_COLOR: "1" });
      assert.equal(r.code, 5);
      assert.match(r.output, /^error: .*already in use\n +hint: .*cairn serve --port 0\n$/);
    } finally {
      taken.close();
    }
  });
});
