import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, test } from "node:test";
import { parseAuditDocument, slugify } from "../../src/audit/documents/document.js";
import { fixturesDir } from "./helpers.js";

const setupBlockDoc = `# Security hardening

=== AUDIT SETUP START ===
===FILE: .audit/CONTEXT.md===
# Context
===END FILE===
===FILE: .audit/phases/01-input-validation.md===
# Phase 1: Input validation

## Context
Inputs are unchecked.

## Verify
test -f src/validate.py
grep -q "def validate" src/validate.py

## Acceptance Criteria
- [ ] validated
===END FILE===
===FILE: .audit/phases/02-headers.md===
# Phase 2: Auth headers

## Verify
\`\`\`bash
# Expected: exit 0
grep -q Authorization src/http.py
\`\`\`
===END FILE===
=== AUDIT SETUP END ===
`;

describe("audit documents", () => {
  test("the bridge fixture from Python Phaser parses with its phase, files table and verify command", () => {
    const text = fs.readFileSync(path.join(fixturesDir, "audit-document-minimal.md"), "utf8");
    const { document, errors } = parseAuditDocument(text);
    assert.deepEqual(errors, []);
    assert.ok(document);
    assert.equal(document.format, "bridge");
    assert.equal(document.title, "Test Document");
    assert.equal(document.slug, "test-document");
    assert.equal(document.phases.length, 1);
    assert.deepEqual(document.phases[0]?.verify, ["python test.py"]);
    assert.deepEqual(document.phases[0]?.files, [{ path: "test.py", action: "CREATE" }]);
  });

  test("a setup-block document yields its phases from the .audit/phases files", () => {
    const { document, errors } = parseAuditDocument(setupBlockDoc);
    assert.deepEqual(errors, []);
    assert.ok(document);
    assert.equal(document.format, "setup-block");
    assert.deepEqual(
      document.phases.map((p) => [p.number, p.title, p.file]),
      [
        [1, "Input validation", ".audit/phases/01-input-validation.md"],
        [2, "Auth headers", ".audit/phases/02-headers.md"],
      ],
    );
    assert.deepEqual(document.phases[0]?.verify, ["test -f src/validate.py", 'grep -q "def validate" src/validate.py']);
    assert.deepEqual(document.phases[1]?.verify, ["grep -q Authorization src/http.py"]);
    assert.equal(document.setupFiles.length, 3);
    assert.equal(document.phases[1]?.line, 21, "phase lines are document lines");
    const broken = parseAuditDocument(setupBlockDoc.replace("grep -q Authorization src/http.py\n```", "grep -q x"));
    assert.equal(broken.errors[0]?.line, 24);
  });

  test("phase headings inside fenced code are ignored, whatever the fence length or character", () => {
    const text = [
      "# Document 2: Fences",
      "=== AUDIT SETUP START ===",
      "=== AUDIT SETUP END ===",
      "## Phase 1: Real",
      "### Verify",
      "````markdown",
      "## Phase 9: Not a phase",
      "```",
      "## Phase 8: Still inside",
      "````",
      "~~~",
      "## Phase 7: Tilde fenced",
      "~~~",
      "## Phase 2: Also real",
    ].join("\n");
    const { document, errors } = parseAuditDocument(text, undefined, { allowEmptyVerify: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      document?.phases.map((p) => p.number),
      [1, 2],
    );
  });

  test("problems carry line numbers: no setup block, no phases, unclosed fence, duplicate phase", () => {
    assert.match(parseAuditDocument("# Title\n\n## Phase 1: A\n").errors[0]?.message ?? "", /Setup block not found/);
    const noPhases = parseAuditDocument("# T\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n");
    assert.equal(noPhases.errors[0]?.message, "No phases found");
    const unclosed = parseAuditDocument(
      "# T\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: A\n```bash\nls\n",
      undefined,
      { allowEmptyVerify: true },
    );
    assert.equal(unclosed.errors[0]?.line, 5);
    assert.match(unclosed.errors[0]?.message ?? "", /never closed/);
    const dup = parseAuditDocument(
      "# T\n=== AUDIT SETUP START ===\n=== AUDIT SETUP END ===\n## Phase 1: A\n## Phase 1: B\n",
      undefined,
      { allowEmptyVerify: true },
    );
    assert.equal(dup.errors[0]?.line, 5);
    assert.match(dup.errors[0]?.message ?? "", /defined twice \(first at line 4\)/);
  });

  test("setup files may not escape the project", () => {
    const text =
      "# T\n=== AUDIT SETUP START ===\n===FILE: ../evil.md===\nx\n===END FILE===\n=== AUDIT SETUP END ===\n## Phase 1: A\n";
    const { errors } = parseAuditDocument(text);
    assert.equal(errors[0]?.line, 3);
    assert.match(errors[0]?.message ?? "", /stay inside the project/);
  });

  test("a setup-block checksum is checked; the title never comes from inside the setup block", async () => {
    const { createHash } = await import("node:crypto");
    const body = ["=== AUDIT SETUP START ===", "===FILE: .audit/phases/01-a.md===", "# Phase 1: A", "===END FILE==="];
    const sum = createHash("sha256").update(body.join("\n")).digest("hex");
    const good = [...body, `CHECKSUM: sha256:${sum}`, "=== AUDIT SETUP END ==="].join("\n");
    const parsed = parseAuditDocument(good, "nightly-checks", { allowEmptyVerify: true });
    assert.deepEqual(parsed.errors, []);
    assert.equal(parsed.document?.title, "nightly-checks");
    const bad = good.replace("# Phase 1: A", "# Phase 1: B");
    assert.match(parseAuditDocument(bad).errors[0]?.message ?? "", /checksum does not match/);
  });

  test("slugs follow Phaser's name rules", () => {
    assert.equal(slugify("  v1.2 Infrastructure!! "), "v1-2-infrastructure");
    assert.ok(slugify("x".repeat(80)).length <= 50);
    assert.equal(slugify("***"), "audit");
  });
});
