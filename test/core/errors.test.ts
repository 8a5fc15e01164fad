import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CairnError, ErrorKind, exitCodeFor, httpStatusFor, toCairnError } from "../../src/core/errors.js";

describe("ErrorKind", () => {
  it("pins every kind to its exit code and HTTP status", () => {
    const table = Object.values(ErrorKind).map((k) => [k, exitCodeFor(k), httpStatusFor(k)]);
    assert.deepEqual(table, [
      ["Internal", 1, 500],
      ["Usage", 2, 400],
      ["NotFound", 3, 404],
      ["AlreadyExists", 4, 409],
      ["Busy", 5, 423],
      ["Permission", 6, 403],
      ["Corrupt", 7, 500],
      ["Io", 8, 500],
      ["RetentionGap", 9, 410],
    ]);
  });

  it("maps Node fs errors by errno and everything else to Internal", () => {
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), {
      code: "ENOENT",
      path: "/x",
    });
    assert.equal(toCairnError(enoent).kind, "NotFound");
    assert.equal(toCairnError(enoent).path, "/x");
    assert.equal(toCairnError(Object.assign(new Error("x"), { code: "EACCES" })).kind, "Permission");
    assert.equal(toCairnError(Object.assign(new Error("x"), { code: "ENOSPC" })).kind, "Io");
    assert.equal(toCairnError(new TypeError("boom")).kind, "Internal");
    const own = new CairnError("Busy", "locked");
    assert.equal(toCairnError(own), own);
  });

  it("serialises to the error envelope body without empty fields", () => {
    assert.deepEqual(new CairnError("NotFound", "message 9 not found", { seq: 9 }).toJSON(), {
      kind: "NotFound",
      message: "message 9 not found",
      seq: 9,
    });
  });
});
