import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { PoolHandle } from "../../src/core/pool.js";
import { tempDir } from "../helpers/tmp.js";

const MIB = 1024 * 1024;
const clientModule = fileURLToPath(new URL("../../src/api/client.js", import.meta.url));

/**
 * Follows the pool from its oldest message to the newest in a fresh process and reports
 * how far resident memory grew (sampled every 1,000 messages) and what it read.
 */
const FOLLOWER = `
import { Client } from ${JSON.stringify(clientModule)};
const [dir, newest] = process.argv.slice(2);
const pool = await new Client({ dir }).open("big");
const base = process.memoryUsage().rss;
let peak = base, count = 0, bytes = 0, last = 0;
const follower = pool.follow({ from: "oldest" });
for await (const m of follower) {
  count++; bytes += m.data.s.length; last = m.seq;
  if (count % 1000 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  if (m.seq === Number(newest)) break;
}
follower.close();
await pool.close();
peak = Math.max(peak, process.memoryUsage().rss);
console.log(JSON.stringify({ growth: peak - base, count, bytes, last }));
`;

describe("memory", { timeout: 120_000 }, () => {
  it("follows a 64 MiB pool from its oldest message with resident memory growth under 64 MiB", (t) => {
    const dir = tempDir();
    const pool = PoolHandle.create(path.join(dir, "big.cairn"), { sizeBytes: 64 * MIB });
    const filler = "m".repeat(1000);
    // 80 MiB of messages: the ring wraps and holds a full 64 MiB.
    for (let i = 0; i < 160; i++)
      pool.appendBatch(Array.from({ length: 512 }, (_, j) => ({ data: { n: i * 512 + j, s: filler } })));
    const { oldestSeq, newestSeq } = pool.bounds() as { oldestSeq: number; newestSeq: number };
    pool.close();
    assert.ok(oldestSeq > 1, "the ring wrapped");

    const script = path.join(dir, "follow.mjs");
    fs.writeFileSync(script, FOLLOWER);
    const r = spawnSync(process.execPath, [script, dir, String(newestSeq)], { encoding: "utf8", timeout: 100_000 });
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { growth: number; count: number; bytes: number; last: number };
    assert.equal(report.count, newestSeq - oldestSeq + 1, "every retained message was delivered");
    assert.equal(report.last, newestSeq);
    assert.ok(report.bytes > 55 * MIB, `read ${report.bytes} bytes of data`);
    t.diagnostic(`resident memory growth ${(report.growth / MIB).toFixed(1)} MiB`);
    assert.ok(report.growth < 64 * MIB, `resident memory grew by ${(report.growth / MIB).toFixed(1)} MiB`);
  });
});
