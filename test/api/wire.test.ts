// The wire module: every shape that crosses HTTP is built and parsed in one place, so
// what the server writes the client reads back unchanged.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type PoolInfo, isFilePoolInfo, poolInfoFromWire, poolListingToWire } from "../../src/api/wire/pool-info.js";
import { poolLimitsFromWire, poolLimitsToWire } from "../../src/api/wire/pool-limits.js";
import { type TailQuery, tailQueryFromSearch, tailQueryToSearch } from "../../src/api/wire/tail-query.js";
import { validationReportFromWire, validationReportToWire } from "../../src/api/wire/validation-report.js";
import { CairnError } from "../../src/core/errors.js";
import type { ValidationReport } from "../../src/core/validate.js";

const common = {
  name: "p",
  bounds: { oldest: 1, newest: 2 },
  metrics: {
    message_count: 2,
    seq_span: 2,
    utilization: { used_bytes: 10, free_bytes: 90, used_percent: 10 },
    age: { oldest_time: null, newest_time: null, oldest_age_ms: null, newest_age_ms: null },
  },
};
const fileGroup = {
  path: "/p.cairn",
  file_size: 1024,
  index_offset: 4096,
  index_capacity: 0,
  index_size_bytes: 0,
  ring_offset: 4096,
  ring_size: 100,
};

describe("wire: tail query", () => {
  it("reads back every start position, filter and bound it writes", () => {
    const queries: TailQuery[] = [
      { from: "live", max: undefined, timeoutMs: undefined, tags: [], gap: "continue", notices: false },
      { from: "oldest", max: 3, timeoutMs: 0, tags: ["a", "b"], gap: "error", notices: true },
      { from: { seq: 7 }, max: 1, timeoutMs: 1500, tags: ["x"], gap: "continue", notices: true },
      { from: { last: 5 }, max: undefined, timeoutMs: undefined, tags: [], gap: "continue", notices: false },
      { from: { timeNs: 1700000000123456789n }, max: 2, timeoutMs: 30_000, tags: [], gap: "error", notices: false },
    ];
    for (const query of queries) {
      assert.deepEqual(tailQueryFromSearch(new URLSearchParams(tailQueryToSearch(query))), query);
    }
  });

  it("caps timeout_ms at the protocol's limit when writing and refuses more when reading", () => {
    const query: TailQuery = {
      from: "live",
      max: undefined,
      timeoutMs: 90_000,
      tags: [],
      gap: "continue",
      notices: false,
    };
    assert.match(tailQueryToSearch(query), /timeout_ms=30000/);
    assert.throws(
      () => tailQueryFromSearch(new URLSearchParams("timeout_ms=30001")),
      (e: unknown) => e instanceof CairnError && e.kind === "Usage",
    );
  });
});

describe("wire: validation report", () => {
  it("is snake_case on the wire and reads back to the same report", () => {
    const report: ValidationReport = {
      path: "/p.cairn",
      status: "corrupt",
      messageCount: 4,
      oldestSeq: 1,
      newestSeq: 4,
      lastGoodSeq: 2,
      issues: [{ code: "frame_checksum", severity: "error", message: "bad", offset: 4200, seq: 3 }],
      remediationHints: ["copy it aside"],
    };
    const wire = validationReportToWire(report);
    assert.deepEqual(Object.keys(wire), [
      "path",
      "status",
      "message_count",
      "oldest_seq",
      "newest_seq",
      "last_good_seq",
      "issues",
      "remediation_hints",
    ]);
    assert.deepEqual(validationReportFromWire(JSON.parse(JSON.stringify(wire))), report);
  });
});

describe("wire: PoolInfo", () => {
  it("keeps a complete file group at the top level and tells file pools apart", () => {
    const info = poolInfoFromWire({ ...common, ...fileGroup, codec: "json", format_version: 1003 });
    assert.equal(isFilePoolInfo(info), true);
    assert.equal(info.ring_size, 100);
  });

  it("drops a file group that is incomplete rather than keep half of it", () => {
    const { ring_size: _dropped, ...partial } = fileGroup;
    const info: PoolInfo = poolInfoFromWire({ ...common, ...partial });
    assert.equal(isFilePoolInfo(info), false);
    assert.equal(info.path, undefined);
    assert.equal(info.metrics.message_count, 2);
  });

  it("refuses a description without name, bounds and metrics as Io", () => {
    assert.throws(
      () => poolInfoFromWire({ name: "p" }),
      (e: unknown) => e instanceof CairnError && e.kind === "Io",
    );
  });

  it("lists an unreadable pool as its name, path and error", () => {
    const error = { kind: "Corrupt", message: "bad magic" };
    assert.deepEqual(poolListingToWire({ name: "p", path: "/p.cairn", error }), { name: "p", path: "/p.cairn", error });
    assert.deepEqual(poolListingToWire({ name: "p", error }), { name: "p", error });
  });
});

describe("wire: pool limits", () => {
  it("round-trips and refuses what is not four numbers", () => {
    const limits = { payloadBytesMax: 1000, batchItemsMax: 64, batchBytesMax: 250, messageOverheadBytes: 105 };
    assert.deepEqual(poolLimitsFromWire(poolLimitsToWire(limits)), limits);
    assert.throws(
      () => poolLimitsFromWire({ payload_bytes_max: 1 }),
      (e: unknown) => e instanceof CairnError,
    );
  });
});
