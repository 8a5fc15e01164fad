/**
 * Count phrases read as English: "1 phase", "1 verify command", "dropped 1 message" (never
 * "1 phases"), through one helper, `plural` in src/cli/shared/plural.ts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { plural } from "../../src/cli/shared/plural.js";
import { createPool, feedLines, hasScript, newPoolDir, runInTty } from "./cli-harness.js";

const ONE_PHASE_DOC = `# Audit: One step

One phase with one check.

=== AUDIT SETUP START ===

\`\`\`bash
true
\`\`\`

=== AUDIT SETUP END ===

## Phase 1: Touch

### Verify

\`\`\`bash
true
\`\`\`
`;

describe("count phrases", () => {
  it("plural picks the singular for exactly one, the plural otherwise", () => {
    assert.equal(plural(1, "phase"), "1 phase");
    assert.equal(plural(0, "phase"), "0 phases");
    assert.equal(plural(2, "verify command"), "2 verify commands");
    assert.equal(plural(1, "entry", "entries"), "1 entry");
    assert.equal(plural(3, "entry", "entries"), "3 entries");
    assert.equal(plural(12345, "message", undefined, { grouped: true }), "12,345 messages");
  });

  it("audit validate says 1 phase and 1 verify command", { skip: !hasScript }, () => {
    const dir = newPoolDir();
    const doc = path.join(dir, "AUDIT.md");
    fs.writeFileSync(doc, ONE_PHASE_DOC);
    const r = runInTty(["audit", "validate", doc], dir, { NO_COLOR: "1" });
    assert.equal(r.code, 0, r.output);
    assert.match(r.output, /, 1 phase\n/);
    assert.match(r.output, /\(1 verify command\)/);
  });

  it("pool truncate says 1 message", { skip: !hasScript }, async () => {
    const dir = newPoolDir();
    await createPool(dir, "p");
    await feedLines(dir, "p", [{ a: 1 }, { a: 2 }]);
    const truncated = runInTty(["pool", "truncate", "p", "--before", "2"], dir, { NO_COLOR: "1" });
    assert.match(truncated.output, /dropped 1 message from p/);
  });
});
