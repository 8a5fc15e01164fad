/**
 * HTTP lanes: appends through `cairn serve` with a keep-alive client (1 KiB messages) and
 * tail throughput in JSON lines per second, each beside the local API doing the same
 * work in the same run. The server runs in its own process (as users run it), so client
 * and server each have a core, as on a developer machine.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as path from "node:path";
import { Client } from "../../src/api/client.js";
import { messageToJsonLine } from "../../src/api/wire/message.js";
import { type BenchContext, type LaneResult, median } from "../types.js";

const PAYLOAD = { blob: "x".repeat(1024 - 12) }; // about 1 KiB of JSON
const IN_FLIGHT = 16;

async function startServe(ctx: BenchContext, dir: string): Promise<{ child: ChildProcess; url: string }> {
  const cli = path.join(ctx.root, "dist", "src", "cli", "main.js");
  const child = spawn(process.execPath, [cli, "--dir", dir, "serve", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] as string).listening.url);
    });
    child.on("close", () => reject(new Error("cairn serve exited")));
  });
  return { child, url };
}

/**
 * A bare node:http server answering each POST with a small JSON body: the ceiling any
 * node:http server reaches on this machine with the same client, measured in the same run.
 */
const BARE_SERVER = `
const http = require("node:http");
const s = http.createServer((req, res) => {
  const chunks = [];
  req.on("data", (d) => chunks.push(d));
  req.on("end", () => {
    const t = JSON.stringify({ ok: Buffer.concat(chunks).length });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(t) });
    res.end(t);
  });
});
s.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ listening: { url: "http://127.0.0.1:" + s.address().port } })));
`;

async function startBare(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["-e", BARE_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] as string).listening.url);
    });
    child.on("close", () => reject(new Error("bare server exited")));
  });
  return { child, url };
}

function postJson(agent: http.Agent, url: string, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

/** Appends `count` messages over keep-alive connections with `inFlight` requests outstanding. */
async function httpAppends(target: string, count: number, inFlight: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const body = JSON.stringify({ data: PAYLOAD });
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < count) {
        next += 1;
        await postJson(agent, target, body);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return count / seconds;
}

/** True when `wrk` (Debian package) is installed: a C load generator, far lighter than a node client. */
function haveWrk(): boolean {
  return spawnSync("wrk", ["--version"], { stdio: "ignore" }).error === undefined;
}

/** Requests per second that wrk reaches POSTing `body` with 16 keep-alive connections. */
function wrkPostRate(ctx: BenchContext, target: string, body: string, seconds: number): number {
  const script = path.join(ctx.tmpDir, "post.lua");
  fs.writeFileSync(
    script,
    `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = ${JSON.stringify(body)}\n`,
  );
  const out = execFileSync("wrk", ["-t1", `-c${IN_FLIGHT}`, `-d${seconds}s`, "-s", script, target], {
    encoding: "utf8",
  });
  if (/Non-2xx/.test(out)) throw new Error(`wrk saw errors:\n${out}`);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  if (!m) throw new Error(`cannot read wrk output:\n${out}`);
  return Number(m[1]);
}

/** Reads a whole tail (timeout_ms=0) and counts its lines. */
function httpTailLines(url: string, pool: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    let lines = 0;
    http
      .get(`${url}/v0/pools/${pool}/tail?from=oldest&timeout_ms=0`, { agent: false }, (res) => {
        res.on("data", (chunk: Buffer) => {
          for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines += 1;
        });
        res.on("end", () => resolve(lines / (Number(process.hrtime.bigint() - started) / 1e9)));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

export async function run(ctx: BenchContext): Promise<LaneResult[]> {
  const rounds = ctx.quick ? 1 : 3;
  const appendCount = ctx.quick ? 3_000 : 20_000;
  const tailCount = ctx.quick ? 20_000 : 200_000;
  const dir = path.join(ctx.tmpDir, "http-pools");
  const client = new Client({ dir });

  // Local API baselines, same machine, same run.
  const localAppend: number[] = [];
  const localRead: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const pool = await client.create(`local-append-${round}`, { size: "64M" });
    const started = process.hrtime.bigint();
    for (let i = 0; i < appendCount; i++) await pool.append(PAYLOAD);
    localAppend.push(appendCount / (Number(process.hrtime.bigint() - started) / 1e9));
    await pool.close();
  }
  const tailPool = await client.create("tail-source", { size: "64M" });
  const small = { event: "tick", ok: true, n: 0 };
  for (let i = 0; i < tailCount; i += 1000) {
    await tailPool.appendBatch(
      Array.from({ length: 1000 }, (_, j) => ({ data: { ...small, n: i + j }, tags: ["bench"] })),
    );
  }
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    let bytes = 0;
    for await (const m of tailPool.read()) bytes += messageToJsonLine(m).length + 1;
    localRead.push(tailCount / (Number(process.hrtime.bigint() - started) / 1e9));
    if (bytes === 0) throw new Error("nothing read");
  }
  await tailPool.close();

  const { child, url } = await startServe(ctx, dir);
  const useWrk = haveWrk();
  const body = JSON.stringify({ data: PAYLOAD });
  const wrkSeconds = ctx.quick ? 2 : 5;
  const httpAppend: number[] = [];
  const httpAppendWrk: number[] = [];
  const httpTail: number[] = [];
  const remoteRead: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const name = `http-append-${round}`;
      await client.create(name, { size: "64M" });
      httpAppend.push(await httpAppends(`${url}/v0/pools/${name}/append`, appendCount, IN_FLIGHT));
      if (useWrk) httpAppendWrk.push(wrkPostRate(ctx, `${url}/v0/pools/${name}/append`, body, wrkSeconds));
      httpTail.push(await httpTailLines(url, "tail-source"));
      const remote = await new Client().open(`${url}/tail-source`);
      const started = process.hrtime.bigint();
      let n = 0;
      for await (const _ of remote.read()) n += 1;
      remoteRead.push(n / (Number(process.hrtime.bigint() - started) / 1e9));
    }
  } finally {
    child.kill("SIGTERM");
  }
  const bare = await startBare();
  const bareAppend: number[] = [];
  const bareAppendWrk: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      bareAppend.push(await httpAppends(`${bare.url}/`, appendCount, IN_FLIGHT));
      if (useWrk) bareAppendWrk.push(wrkPostRate(ctx, `${bare.url}/`, body, wrkSeconds));
    }
  } finally {
    bare.child.kill("SIGTERM");
  }

  return [
    {
      name: "local_api_append_1k_per_s",
      value: median(localAppend),
      unit: "msg/s",
      note: "LocalPool.append, 1 KiB, fast",
    },
    {
      name: "http_append_per_s",
      value: median(useWrk ? httpAppendWrk : httpAppend),
      unit: "msg/s",
      baseline: "local_api_append_1k_per_s",
      target: ">= 10000",
      note: `POST /append, 1 KiB, keep-alive, 16 in flight, server in its own process, client: ${useWrk ? "wrk" : "node:http (wrk not installed)"}; ceiling: ${useWrk ? "bare_node_http_post_wrk_per_s" : "bare_node_http_post_per_s"}`,
    },
    {
      name: "http_append_node_client_per_s",
      value: median(httpAppend),
      unit: "msg/s",
      baseline: "bare_node_http_post_per_s",
      note: "the same with a node:http client in the bench process (the client is the bottleneck)",
    },
    {
      name: "bare_node_http_post_per_s",
      value: median(bareAppend),
      unit: "req/s",
      baseline: "local_api_append_1k_per_s",
      note: "ceiling: a bare node:http server echoing a small JSON body, node:http client",
    },
    ...(useWrk
      ? [
          {
            name: "bare_node_http_post_wrk_per_s",
            value: median(bareAppendWrk),
            unit: "req/s",
            note: "ceiling: the bare node:http server under wrk",
          },
        ]
      : []),
    {
      name: "local_api_read_lines_per_s",
      value: median(localRead),
      unit: "lines/s",
      note: "LocalPool.read + JSON line",
    },
    {
      name: "http_tail_lines_per_s",
      value: median(httpTail),
      unit: "lines/s",
      baseline: "local_api_read_lines_per_s",
      target: ">= 100000",
      note: "GET /tail?timeout_ms=0, small messages, lines counted by the client",
    },
    {
      name: "http_remote_read_msgs_per_s",
      value: median(remoteRead),
      unit: "msg/s",
      baseline: "local_api_read_lines_per_s",
      note: "api Client on an http:// ref: read() parsed into Messages",
    },
  ];
}
