// Pins the on-disk layout to docs/format.md: the tables there are parsed and checked
// against the layout constants, the bytes of a freshly written pool, and Plasmite's own
// golden file.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { crc32 } from "node:zlib";
import { CairnError } from "../../src/core/errors.js";
import { inspectFrame } from "../../src/core/frame.js";
import { decodeHeader } from "../../src/core/header.js";
import { COMMIT_MARKER, F, H, defaultIndexCapacity } from "../../src/core/layout.js";
import { PoolHandle } from "../../src/core/pool.js";
import { repoRoot, sharedDir, tempDir } from "../helpers/tmp.js";

interface Row {
  off: number;
  size: number;
  field: string;
}

function tableAfter(heading: string): Row[] {
  const doc = fs.readFileSync(path.join(repoRoot, "docs", "format.md"), "utf8");
  const start = doc.indexOf(`\n## ${heading}\n`);
  assert.ok(start >= 0, `docs/format.md has a "## ${heading}" section`);
  const rows: Row[] = [];
  for (const line of doc.slice(start).split("\n").slice(2)) {
    if (line.startsWith("## ")) break;
    const m = /^\| (\d+) \| (\d+) \| (\w+) \|/.exec(line);
    if (m) rows.push({ off: Number(m[1]), size: Number(m[2]), field: m[3] as string });
  }
  assert.ok(rows.length > 5, `the ${heading} table has rows`);
  return rows;
}

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const headerKey = (field: string) => (field === "format_version" ? "version" : camel(field));

function readField(buf: Buffer, at: number, size: number): bigint | string {
  if (size === 1) return BigInt(buf.readUInt8(at));
  if (size === 4) return BigInt(buf.readUInt32LE(at));
  return buf.readBigUInt64LE(at);
}

describe("docs/format.md matches the code and the bytes", () => {
  const headerRows = tableAfter("Header");
  const frameRows = tableAfter("Frame header");

  it("every header field in the doc has the same offset in src/core/layout.ts", () => {
    assert.equal(headerRows.length, Object.keys(H).length);
    for (const row of headerRows) assert.equal(H[headerKey(row.field) as keyof typeof H], row.off, row.field);
  });

  it("every frame header field in the doc has the same offset in src/core/layout.ts", () => {
    assert.equal(frameRows.length, Object.keys(F).length);
    for (const row of frameRows) assert.equal(F[camel(row.field) as keyof typeof F], row.off, row.field);
  });

  it("a 1 MiB pool with one message has exactly the documented bytes", () => {
    const file = path.join(tempDir(), "bytes.cairn");
    const pool = PoolHandle.create(file, { sizeBytes: 1024 * 1024 });
    const message = pool.append({ data: { from: "alice", msg: "hi" }, tags: ["greeting"] });
    pool.close();
    const bytes = fs.readFileSync(file);
    const payload = Buffer.from(JSON.stringify({ data: { from: "alice", msg: "hi" }, meta: { tags: ["greeting"] } }));
    const frameBytes = Math.ceil((72 + payload.length) / 8) * 8;
    const expectedHeader: Record<string, bigint | string> = {
      magic: "PLSM",
      format_version: 1003n,
      endianness: 1n,
      file_size: 1048576n,
      index_offset: 4096n,
      index_capacity: 4096n,
      ring_offset: 69632n,
      ring_size: 978944n,
      flags: 0n,
      head_off: BigInt(frameBytes),
      tail_off: 0n,
      tail_next_off: BigInt(frameBytes),
      oldest_seq: 1n,
      newest_seq: 1n,
    };
    for (const row of headerRows) {
      const actual =
        row.field === "magic" ? bytes.toString("latin1", row.off, row.off + 4) : readField(bytes, row.off, row.size);
      assert.equal(actual, expectedHeader[row.field], `header ${row.field}`);
    }
    assert.ok(
      bytes.subarray(104, 4096).every((b) => b === 0),
      "the rest of the header is zero",
    );
    const ring = 69632;
    const expectedFrame: Record<string, bigint | string> = {
      magic: "FRM1",
      state: 2n,
      flags: 0n,
      header_len: 64n,
      seq: 1n,
      timestamp_ns: message.timeNs,
      payload_len: BigInt(payload.length),
      payload_len_xor: BigInt(~payload.length >>> 0),
      checksum: BigInt(crc32(payload, crc32(bytes.subarray(ring + 16, ring + 36)))),
    };
    for (const row of frameRows) {
      const at = ring + row.off;
      const actual = row.field === "magic" ? bytes.toString("latin1", at, at + 4) : readField(bytes, at, row.size);
      assert.equal(actual, expectedFrame[row.field], `frame ${row.field}`);
    }
    assert.ok(bytes.subarray(ring + 44, ring + 64).every((b) => b === 0));
    assert.deepEqual(bytes.subarray(ring + 64, ring + 64 + payload.length), payload);
    assert.deepEqual(bytes.subarray(ring + 64 + payload.length, ring + 72 + payload.length), COMMIT_MARKER);
    assert.equal(bytes.readBigUInt64LE(4096 + 16), 1n, "index slot 1 holds seq 1");
    assert.equal(bytes.readBigUInt64LE(4096 + 24), 0n, "…at ring offset 0");
    assert.equal(defaultIndexCapacity(1024 * 1024), 4096);
  });

  it("reads Plasmite's golden file with the same layout, and refuses its Lite3 payloads by version", () => {
    const golden = path.join(sharedDir, "interop", "plasmite-golden", "golden-1MiB-one-message.plasmite");
    const bytes = fs.readFileSync(golden);
    const header = decodeHeader(bytes.subarray(0, 104), golden, bytes.length);
    assert.equal(header.formatVersion, 3);
    assert.equal(header.ringOffset, 69632);
    assert.equal(header.ringSize, 978944);
    assert.equal(header.oldestSeq, 1);
    const view = inspectFrame(bytes.subarray(header.ringOffset), 0, header.ringSize, false);
    assert.equal(view.kind, "committed");
    if (view.kind === "committed") {
      assert.equal(view.seq, 1);
      assert.equal(view.timestampNs, 1700000000123456789n);
      assert.equal(view.payloadLen, 450);
    }
    assert.throws(
      () => PoolHandle.open(golden),
      (err: unknown) =>
        err instanceof CairnError &&
        err.kind === "Usage" &&
        /unsupported pool format version 3 \(supported: 1003\)/.test(err.message),
    );
  });
});
