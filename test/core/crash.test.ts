import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { describe, it } from "node:test";
import { CairnError } from "../../src/core/errors.js";
import { PoolHandle } from "../../src/core/pool.js";
import { bodyFor } from "../fixtures/bodies.js";
import { intBetween, rng } from "../helpers/rng.js";
import { tempDir } from "../helpers/tmp.js";

const worker = path.join(path.dirname(new URL(import.meta.url).pathname), "..", "fixtures", "pool-worker.js");

interface Ack {
  seq: number;
  w: number;
  i: number;
}

/** Starts a writer storm, kills it with SIGKILL after `killAfterMs`, returns what it acknowledged. */
function stormAndKill(file: string, writer: number, durability: string, killAfterMs: number): Promise<Ack[]> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [worker, "write", file, String(writer), "100000000", durability, "ack"], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    let started = false;
    child.stdout.on("data", (d) => {
      out += d;
      if (!started) {
        started = true;
        setTimeout(() => child.kill("SIGKILL"), killAfterMs);
      }
    });
    child.on("close", () => {
      const acks = out
        .split("\n")
        .filter((line) => /^\d+ \d+ \d+$/.test(line))
        .map((line) => {
          const [seq, w, i] = line.split(" ").map(Number) as [number, number, number];
          return { seq, w, i };
        });
      resolve(acks);
    });
  });
}

function checkPool(file: string, acks: Ack[], mustReadAcks: boolean): number {
  const pool = PoolHandle.open(file);
  try {
    const report = pool.validate();
    assert.equal(report.status, "ok", JSON.stringify(report.issues));
    const bounds = pool.bounds();
    let read = 0;
    if (bounds.oldestSeq !== null) {
      const cursor = pool.cursor(bounds.oldestSeq, "error");
      for (let step = cursor.next(); step.kind === "message"; step = cursor.next()) {
        const d = step.message.data as { w: number; i: number; body: string };
        assert.equal(d.body, bodyFor(d.w, d.i), `message ${step.message.seq} is intact`);
        read++;
      }
      assert.equal(read, (bounds.newestSeq as number) - bounds.oldestSeq + 1);
    }
    if (mustReadAcks) {
      for (const ack of acks) {
        if (bounds.oldestSeq === null || ack.seq < bounds.oldestSeq) continue;
        const m = pool.get(ack.seq);
        assert.deepEqual(
          [(m.data as Ack).w, (m.data as Ack).i],
          [ack.w, ack.i],
          `acknowledged seq ${ack.seq} is readable`,
        );
      }
    }
    return read;
  } finally {
    pool.close();
  }
}

for (const durability of ["fast", "flush"] as const) {
  describe(`writers killed with SIGKILL mid-storm (${durability})`, { timeout: 300_000 }, () => {
    it(`leaves a valid pool in 50 trials, with every acknowledged message readable and none torn`, async () => {
      const next = rng(durability === "fast" ? 101 : 202);
      const file = path.join(tempDir(), `crash-${durability}.cairn`);
      PoolHandle.create(file, { sizeBytes: 64 * 1024 });
      let allAcks: Ack[] = [];
      let observed = 0;
      for (let trial = 0; trial < 50; trial++) {
        // A reader in this process follows during the storm: it must never see a torn message.
        const reader = PoolHandle.open(file);
        const cursor = reader.cursor(reader.bounds().nextSeq);
        let reading = true;
        const readLoop = (async () => {
          while (reading) {
            try {
              for (let step = cursor.next(); step.kind !== "none"; step = cursor.next()) {
                if (step.kind !== "message") continue;
                const d = step.message.data as { w: number; i: number; body: string };
                assert.equal(d.body, bodyFor(d.w, d.i));
                observed++;
              }
            } catch (err) {
              assert.ok(err instanceof CairnError && err.kind === "RetentionGap", String(err));
            }
            await new Promise((r) => setTimeout(r, 1));
          }
        })();
        const acks = await stormAndKill(file, trial, durability, intBetween(next, 5, 120));
        reading = false;
        await readLoop;
        reader.close();
        allAcks = allAcks.concat(acks);
        checkPool(file, acks, true);
      }
      assert.ok(allAcks.length > 50, "the storms did append");
      assert.ok(observed > 0, "the concurrent reader saw messages");
      checkPool(file, allAcks, true);
    });
  });
}
