#!/usr/bin/env node
// A short tour of Cairn's main job on the default pool directory ($CAIRN_DIR or
// ~/.cairn/pools): create a pool, let two writer processes append, follow it live.
import { spawn } from "node:child_process";
import { Client } from "../dist/src/index.js";

const client = new Client();
const pool = await client.openOrCreate("demo", { size: "1M" });
console.log(`pool "demo" at ${client.resolve("demo").path}`);

const writer = (name) =>
  spawn(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { Client } from ${JSON.stringify(new URL("../dist/src/index.js", import.meta.url).href)};
       const pool = await new Client().open("demo");
       for (let i = 1; i <= 5; i++) {
         await pool.append({ writer: ${JSON.stringify(name)}, step: i }, { tags: ["demo", ${JSON.stringify(name)}] });
         await new Promise((r) => setTimeout(r, 40));
       }`,
    ],
    { stdio: "inherit" },
  );

const follower = pool.follow({ idleTimeoutMs: 1500 });
const writers = [writer("alpha"), writer("beta")].map((w) => new Promise((r) => w.on("exit", r)));
for await (const m of follower) {
  console.log(`#${m.seq}  ${m.time}  [${m.tags.join(",")}]  ${JSON.stringify(m.data)}`);
}
await Promise.all(writers);
const info = await pool.info();
console.log(
  `${info.metrics.message_count} messages retained, ${info.metrics.utilization.used_percent}% of the ring used`,
);
await pool.close();
