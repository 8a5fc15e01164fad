/**
 * Issue 9, findings 1–5: a Verify section runs exactly the commands it states. Fenced blocks
 * are split the way bash reads them; unfenced sections follow the bare rule and never run
 * prose; placeholders and empty Verify sections are refused with their lines.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseAuditDocument } from "../../src/audit/documents/document.js";
import { splitShellCommands } from "../../src/audit/documents/shell/split-commands.js";

const setupDoc = (verify: string) =>
  [
    "# Demo",
    "=== AUDIT SETUP START ===",
    "===FILE: .audit/phases/01-one.md===",
    "# Phase 1: One",
    "",
    "## Verify",
    verify,
    "",
    "## Rollback",
    "git checkout .",
    "===END FILE===",
    "=== AUDIT SETUP END ===",
  ].join("\n");

const bridgeDoc = (verify: string) =>
  [
    "# Document 1: Demo",
    "=== AUDIT SETUP START ===",
    "=== AUDIT SETUP END ===",
    "## Phase 1: One",
    "### Verify",
    verify,
  ].join("\n");

describe("Verify sections", () => {
  test("prose in an unfenced setup-block Verify section is refused, naming its lines, and nothing of it runs", () => {
    const r = parseAuditDocument(
      setupDoc("Commands that must succeed for this phase.\ntest -f a.txt\nAll must exit 0."),
    );
    assert.equal(r.document, null);
    assert.deepEqual(
      r.errors.map((e) => e.line),
      [7, 9],
    );
    assert.match(r.errors[0]?.message ?? "", /phase 1: Verify line reads as a sentence/);
  });

  test("bare command lines (the setup-block convention) still run, one command per complete command", () => {
    const r = parseAuditDocument(
      setupDoc('test -f a.txt\ngrep -q x a.txt && echo ok\nfor f in *.txt; do\n  test -s "$f"\ndone'),
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.document?.phases[0]?.verify, [
      "test -f a.txt",
      "grep -q x a.txt && echo ok",
      'for f in *.txt; do\n  test -s "$f"\ndone',
    ]);
  });

  test("a prose line starting with a backtick is not a command, in either format", () => {
    const prose = "`echo hi > pwned.txt` must not be run";
    assert.equal(
      parseAuditDocument(bridgeDoc(`${prose}\n\`\`\`bash\ntrue\n\`\`\``)).document?.phases[0]?.verify[0],
      "true",
    );
    assert.deepEqual(parseAuditDocument(bridgeDoc(`${prose}\n\`\`\`bash\ntrue\n\`\`\``)).document?.phases[0]?.verify, [
      "true",
    ]);
    const bare = parseAuditDocument(setupDoc(prose));
    assert.equal(bare.document, null);
    assert.match(bare.errors[0]?.message ?? "", /reads as prose/);
  });

  test("multi-line commands in a fence stay whole: python -c, continuations, for, if, heredocs", () => {
    const fence = [
      "```bash",
      'python3 -c "',
      "import sys",
      "print(1)",
      '"',
      "ls \\",
      "  -la",
      "for f in a b; do",
      '  echo "$f"',
      "done",
      "if true; then",
      "  echo yes",
      "fi",
      "cat <<'EOF' > out.txt",
      "text with ' and \"",
      "EOF",
      "```",
    ].join("\n");
    const r = parseAuditDocument(bridgeDoc(fence));
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.document?.phases[0]?.verify, [
      'python3 -c "\nimport sys\nprint(1)\n"',
      "ls \\\n  -la",
      'for f in a b; do\n  echo "$f"\ndone',
      "if true; then\n  echo yes\nfi",
      "cat <<'EOF' > out.txt\ntext with ' and \"\nEOF",
    ]);
  });

  test("template placeholders are refused, naming the line", () => {
    const r = parseAuditDocument(bridgeDoc("```bash\ntrue\n<evaluation_suite>\n```"));
    assert.equal(r.document, null);
    assert.equal(r.errors[0]?.line, 8);
    assert.match(r.errors[0]?.message ?? "", /template placeholder <evaluation_suite>/);
    assert.match(parseAuditDocument(bridgeDoc("```bash\n{test_command}\n```")).errors[0]?.message ?? "", /placeholder/);
    assert.deepEqual(parseAuditDocument(bridgeDoc('```bash\ngrep -q "<html>" index.html\n```')).errors, []);
  });

  test("bulleted commands are not dropped silently: the phase is refused at validate", () => {
    const r = parseAuditDocument(setupDoc("- `test -f x`\n- `test -f y`"));
    assert.equal(r.document, null);
    assert.match(r.errors[0]?.message ?? "", /reads as prose/);
  });

  test("a phase without runnable Verify is an error, or a warning when allowed", () => {
    const text = bridgeDoc("Check by hand that it works.\n```python\nprint(1)\n```");
    const r = parseAuditDocument(text);
    assert.match(r.errors[0]?.message ?? "", /phase 1 has no runnable Verify command/);
    const allowed = parseAuditDocument(text, undefined, { allowEmptyVerify: true });
    assert.deepEqual(allowed.errors, []);
    assert.match(allowed.warnings[0]?.message ?? "", /no runnable Verify/);
  });

  test("unbalanced quotes and compound commands in a fence are clear errors with their lines", () => {
    const quote = parseAuditDocument(bridgeDoc("```bash\necho 'unbalanced\n```"));
    assert.equal(quote.document, null);
    assert.match(quote.errors[0]?.message ?? "", /single quote opened here is never closed/);
    assert.equal(quote.errors[0]?.line, 7);
    const ifOpen = parseAuditDocument(bridgeDoc("```bash\nif true; then\n  echo x\n```"));
    assert.match(ifOpen.errors[0]?.message ?? "", /"if" opened here is never closed by "fi"/);
  });

  test("the splitter reads case, subshells, command substitution and trailing operators like bash", () => {
    const { commands, problems } = splitShellCommands(
      'case "$x" in\n  a) echo a;;\n  *) echo other;;\nesac\n(cd sub && make)\necho "$(date\n)" |\n  wc -l\nx=1 # comment',
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      commands.map((c) => c.line),
      [1, 5, 6, 9],
    );
    assert.equal(splitShellCommands("fi").problems[0]?.message, '"fi" closes nothing that is open');
  });
});
