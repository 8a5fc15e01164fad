/**
 * Registers the audit commands (issue 4): `audit`, `phase`, `events`, `config`,
 * `manifest` and `diff`. Every command has an example; actions load lazily.
 */
import { type Command, Option } from "commander";
import { collect } from "../shared/arguments.js";
import { examples, lazy } from "../shared/command-kit.js";

const jsonOption = () => new Option("--json", "print JSON (the default when stdout is not a terminal)");
const allowEmptyVerifyOption = () =>
  new Option("--allow-empty-verify", "accept phases without a runnable Verify command (they prove nothing)");
const auditOption = () => new Option("--audit <id>", "the audit (id or prefix); default: the one in progress here");
const commitOption = () =>
  new Option("--commit", "commit the audit's changes (all but .audit/ and .phaser/) in a commit naming the audit");
const keepAuditDirOption = () =>
  new Option("--keep-audit-dir", "keep the .audit/ working folder (by default it is deleted once the audit completes)");
const gitTagHelp = "create the annotated git tag audit/{date}-{slug} (an existing tag is refused)";

export function registerAuditCommands(program: Command): void {
  registerAudit(program);
  registerPhase(program);
  registerEvents(program);
  registerConfig(program);
  registerDiff(program);
}

function registerAudit(program: Command): void {
  const audit = examples(
    program.command("audit").description("run audits from Phaser documents; history lives in .phaser/"),
    [
      "cairn audit validate examples/audits/bridge.md",
      "cairn audit run examples/audits/setup-block.md --no-tests",
      "cairn audit status",
    ],
  );
  const load = () => import("./audit-commands.js");
  examples(
    audit
      .command("validate")
      .description("check an audit document (setup-block or bridge format) without running it")
      .argument("<doc>", "audit document (Markdown)")
      .addOption(allowEmptyVerifyOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runValidate)),
    ["cairn audit validate audit.md", "cairn audit validate audit.md --json | jq .errors"],
  );
  examples(
    audit
      .command("start")
      .description("start an audit: record it, emit audit_started, capture the pre-manifest")
      .argument("<doc>", "audit document")
      .option("--project <name>", "project name (default: the git top-level directory's name)")
      .option("--slug <slug>", "audit slug (default: from the document title)")
      .option("--tag <tag>", "tag the audit (repeatable)", collect)
      .option(
        "--no-setup-files",
        "do not write the setup block's files (or a bridge document's phase files) into the project",
      )
      .addOption(allowEmptyVerifyOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runStart)),
    ["cairn audit start security-audit.md --tag security"],
  );
  examples(
    audit
      .command("status")
      .description("the current audit: phase checklist, durations, stale warning")
      .addOption(auditOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runStatus)),
    ["cairn audit status", "cairn audit status --json | jq .phases"],
  );
  examples(
    audit
      .command("complete")
      .description("finish the audit: run the test command, emit audit_completed with totals, archive the report")
      .addOption(auditOption())
      .option("--test-command <cmd>", "command that must pass (default: config audit.test_command)")
      .option("--no-tests", "do not run a test command")
      .addOption(commitOption())
      .option("--tag", gitTagHelp)
      .addOption(keepAuditDirOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runComplete)),
    [
      "cairn audit complete --test-command 'npm test'",
      "cairn audit complete --commit --tag   # commit, tag audit/2026-11-22-feature-hardening, delete .audit/",
      "cairn audit complete --keep-audit-dir",
    ],
  );
  examples(
    audit
      .command("abandon")
      .description("stop the audit early (audit_abandoned with phases completed and remaining)")
      .requiredOption("--reason <reason>", "why: user_request, error, timeout or your own words")
      .addOption(auditOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runAbandon)),
    ["cairn audit abandon --reason user_request"],
  );
  examples(
    audit
      .command("run")
      .description("run a whole audit unattended (CI): every phase's verify steps, then complete; exit 1 on failure")
      .argument("<doc>", "audit document")
      .option("--project <name>", "project name")
      .option("--slug <slug>", "audit slug")
      .option("--tag <tag>", "tag the audit (repeatable)", collect)
      .option("--max-attempts <n>", "attempts per phase before phase_failed (default: config audit.max_attempts)")
      .option("--timeout <seconds>", "timeout per verify command (default: config audit.verify_timeout_seconds)")
      .option("--test-command <cmd>", "command that must pass at completion")
      .option("--no-tests", "do not run a test command")
      .addOption(commitOption())
      .option("--git-tag", `${gitTagHelp}; --tag <tag> labels the record, as in audit start`)
      .addOption(keepAuditDirOption())
      .addOption(allowEmptyVerifyOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runRun)),
    [
      "cairn audit run audit.md --max-attempts 1 --json > events.ndjson",
      "cairn audit run audit.md --no-tests --commit --git-tag",
    ],
  );
  examples(
    audit
      .command("resume")
      .description(
        "continue an interrupted `audit run` (Ctrl-C, kill -9): the interrupted phase and those after it, then complete",
      )
      .argument("[audit]", "audit id, id prefix or slug; default: the one in progress here")
      .option("--max-attempts <n>", "attempts per phase before phase_failed (default: config audit.max_attempts)")
      .option("--timeout <seconds>", "timeout per verify command (default: config audit.verify_timeout_seconds)")
      .option("--test-command <cmd>", "command that must pass at completion")
      .option("--no-tests", "do not run a test command")
      .addOption(commitOption())
      .option("--tag", gitTagHelp)
      .addOption(keepAuditDirOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runResume)),
    ["cairn audit resume", "cairn audit resume feature-hardening --no-tests --commit"],
  );
  examples(
    audit
      .command("list")
      .description("audits in audits.json, newest first")
      .option("--project <name>", "only this project")
      .option("--status <status>", "only this status (pending, in_progress, completed, abandoned, failed)")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runList)),
    ["cairn audit list --status completed"],
  );
  examples(
    audit
      .command("show")
      .description("one audit's record (and its events with --events)")
      .argument("<audit>", "audit id, id prefix or slug")
      .option("--events", "include the audit's events")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runShow)),
    ["cairn audit show 550e8400 --events"],
  );
  examples(
    audit
      .command("watch")
      .description("print audit events live as any process emits them (Ctrl-C to stop)")
      .argument("[audit]", "only this audit (id or prefix); its history is shown first")
      .option("--from-start", "show every retained event first")
      .option("--until-done", "exit after audit_completed or audit_abandoned")
      .option("--idle-timeout <seconds>", "exit after this long without an event")
      .addOption(jsonOption())
      .action(lazy(async () => (await import("./watch-command.js")).runWatch)),
    ["cairn audit watch", "cairn audit watch 550e8400 --until-done --json"],
  );
}

function registerPhase(program: Command): void {
  const phase = examples(program.command("phase").description("start, verify or skip a phase of the current audit"), [
    "cairn phase start 1",
    "cairn phase verify 1",
  ]);
  const load = () => import("./phase-commands.js");
  examples(
    phase
      .command("start")
      .description("start phase N: phase_started and a manifest to diff against")
      .argument("<n>", "phase number")
      .addOption(auditOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runPhaseStart)),
    ["cairn phase start 2"],
  );
  examples(
    phase
      .command("verify")
      .description("run phase N's Verify commands; on success file events and phase_completed; exit 1 on failure")
      .argument("<n>", "phase number")
      .option("--timeout <seconds>", "timeout per command (default: config audit.verify_timeout_seconds)")
      .addOption(auditOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runPhaseVerify)),
    ["cairn phase verify 2 --timeout 120"],
  );
  examples(
    phase
      .command("skip")
      .description("skip phase N (phase_skipped)")
      .argument("<n>", "phase number")
      .requiredOption("--reason <reason>", "why: user_request, dependency_failed or your own words")
      .addOption(auditOption())
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runPhaseSkip)),
    ["cairn phase skip 3 --reason dependency_failed"],
  );
}

function registerEvents(program: Command): void {
  const events = examples(program.command("events").description("audit events stored in .phaser/ (a Cairn pool)"), [
    "cairn events list --type phase_failed --since 7d",
  ]);
  const load = () => import("./events-commands.js");
  const filters = (c: Command) =>
    c
      .option("--audit <id>", "only this audit (id or prefix)")
      .option("--type <type>", "only this event type")
      .option(
        "--since <when>",
        "only events at or after: RFC 3339 time or date, or 30m, 12h, 7d, 4w, 3mo ago (m = minutes)",
      );
  examples(
    filters(events.command("list").description("events in time order (JSON lines when piped)"))
      .option("--limit <n>", "only the newest N")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runEventsList)),
    ["cairn events list --audit 550e8400", "cairn events list --type verification_failed | jq .data.command"],
  );
  examples(
    filters(events.command("export").description("write events in Phaser's events.json format"))
      .option("-o, --output <file>", "file to write (default: stdout)")
      .action(lazy(async () => (await load()).runEventsExport)),
    ["cairn events export -o events.json"],
  );
  examples(
    events
      .command("import")
      .description("add the events of a Phaser events.json file (events already present are skipped)")
      .argument("<file>", "events.json")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runEventsImport)),
    ["cairn events import old-project/.phaser/events.json"],
  );
  examples(
    events
      .command("clear")
      .description("drop old events (the oldest run of events before --before), or all with --all")
      .option("--before <when>", "RFC 3339 time or date, or 30d, 4w, 3mo … ago")
      .option("--all", "drop every event")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runEventsClear)),
    ["cairn events clear --before 90d"],
  );
}

function registerConfig(program: Command): void {
  const config = examples(program.command("config").description(".phaser/config.yaml (comments are kept)"), [
    "cairn config get storage.max_events",
  ]);
  const load = () => import("./config-commands.js");
  examples(
    config
      .command("get")
      .description("print the merged config, or one dot-path key")
      .argument("[key]", "dot path, e.g. storage.retention_days")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runConfigGet)),
    ["cairn config get", "cairn config get audit.test_command"],
  );
  examples(
    config
      .command("set")
      .description("set a dot-path key (values are YAML scalars: 5000, true, null, text)")
      .argument("<key>", "dot path")
      .argument("<value>", "new value")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runConfigSet)),
    ["cairn config set storage.max_events 5000", "cairn config set audit.test_command 'npm test'"],
  );
  examples(
    config
      .command("reset")
      .description("restore the defaults")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runConfigReset)),
    ["cairn config reset"],
  );
}

function registerDiff(program: Command): void {
  const load = () => import("./diff-commands.js");
  const captureFlags = (c: Command) =>
    c
      .option("--exclude <name>", "also exclude this path component or glob (repeatable)", collect)
      .option("--no-gitignore", "do not honour .gitignore files")
      .option(
        "--content-max-bytes <n>",
        "store text contents only up to this size (default: config diff.content_max_bytes)",
      );
  examples(
    captureFlags(
      program.command("manifest").description("describe a directory tree: path, type, size, sha256 per file"),
    )
      .argument("[dir]", "directory (default: .)")
      .addOption(jsonOption())
      .action(lazy(async () => (await load()).runManifest)),
    ["cairn manifest src", "cairn manifest --json | jq .file_count"],
  );
  const diff = examples(program.command("diff").description("capture manifests and compare them"), [
    "cairn diff capture . -o before.yaml",
  ]);
  examples(
    captureFlags(diff.command("capture").description("write a manifest (YAML for .yaml/.yml, else JSON)"))
      .argument("<dir>", "directory")
      .requiredOption("-o, --output <file>", "manifest file to write")
      .action(lazy(async () => (await load()).runDiffCapture)),
    ["cairn diff capture . -o before.yaml"],
  );
  examples(
    diff
      .command("compare")
      .description("compare two manifests: added, modified, deleted")
      .argument("<before>", "manifest file")
      .argument("<after>", "manifest file")
      .addOption(
        new Option("--format <format>", "output (default: summary on a terminal, json when piped)").choices([
          "summary",
          "json",
          "detailed",
        ]),
      )
      .action(lazy(async () => (await load()).runDiffCompare)),
    ["cairn diff compare before.yaml after.yaml --format detailed"],
  );
}
