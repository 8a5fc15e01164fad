/**
 * Registers the pool commands on the program: names, flags, help with an example each.
 * Each action imports its implementation lazily, so `cairn version` loads almost nothing
 * and jq-wasm is loaded only by `follow --where`.
 */
import { type Command, Option } from "commander";
import { collect } from "../shared/arguments.js";
import { runsCommandLine } from "../shared/cairn-command.js";
import { examples, lazy } from "../shared/command-kit.js";
import { guardStdout } from "../shared/stdout-writer.js";

export function registerPoolCommands(program: Command): void {
  guardStdout();
  examples(
    program
      .command("version")
      .description("print the version")
      .action(lazy(async () => (await import("../version-command.js")).runVersion)),
    ["cairn version", "cairn version --json"],
  );

  const pool = examples(
    program.command("pool").description("create, list, inspect, delete, truncate and salvage pools"),
    ["cairn pool create builds --size 4M", "cairn pool list"],
  );
  examples(
    pool
      .command("create")
      .description("create pools (bare names live in the pool directory; a name with / is a path)")
      .argument("<names...>", "pool names or paths")
      .option("--size <size>", "file size: bytes or 64K, 1M, 2G", "1M")
      .option("--index-capacity <n>", "seq index slots (0 disables the index)")
      .action(lazy(async () => (await import("./pool-admin.js")).runPoolCreate)),
    ["cairn pool create events", "cairn pool create logs metrics --size 16M --json"],
  );
  examples(
    pool
      .command("list")
      .description("list the pools in the pool directory, another directory, or on a server")
      .argument("[where]", "a directory, or a server URL such as http://127.0.0.1:9700")
      .action(lazy(async () => (await import("./pool-admin.js")).runPoolList)),
    [
      "cairn pool list",
      "cairn --dir ./pools pool list --json",
      "cairn pool list http://127.0.0.1:9700 --token-file token",
    ],
  );
  examples(
    pool
      .command("info")
      .description("show a pool's geometry, bounds, usage and message ages")
      .argument("<name>", "pool name, path or URL")
      .action(lazy(async () => (await import("./pool-admin.js")).runPoolInfo)),
    ["cairn pool info events", "cairn pool info events | jq .bounds"],
  );
  examples(
    pool
      .command("delete")
      .description("delete pools (refuses files that are not pools)")
      .argument("<names...>", "pool names or paths")
      .action(lazy(async () => (await import("./pool-admin.js")).runPoolDelete)),
    ["cairn pool delete scratch", "cairn pool delete a b --json"],
  );
  examples(
    pool
      .command("truncate")
      .description("drop every message with seq below --before")
      .argument("<name>", "pool name, path or URL")
      .requiredOption("--before <seq>", "first seq to keep")
      .action(lazy(async () => (await import("./pool-admin.js")).runPoolTruncate)),
    ["cairn pool truncate events --before 1000"],
  );
  examples(
    pool
      .command("salvage")
      .description("copy every readable message of a damaged pool, before and after the damage, into a new pool")
      .argument("<src>", "the damaged pool (name or path; only read)")
      .argument("<dst>", "the new pool to create (name or path)")
      .option("--size <size>", "size of the new pool (default: the source's)")
      .action(lazy(async () => (await import("./salvage.js")).runPoolSalvage)),
    ["cairn pool salvage events events-salvaged", "cairn pool salvage ./old.cairn fresh --size 16M --json"],
  );

  examples(
    program
      .command("feed")
      .description("append JSON messages from DATA, a file or stdin; prints one receipt per message")
      .argument("<pool>", "pool name, path or URL")
      .argument("[data]", "one JSON message")
      .option("-f, --file <file>", "read messages from a file ('-' for stdin)")
      .addOption(
        new Option(
          "--in <format>",
          "input format: auto (JSON lines, SSE data:, RS records, pretty JSON), jsonl, json, seq",
        )
          .choices(["auto", "jsonl", "json", "seq"])
          .default("auto"),
      )
      .option("-t, --tag <tag>", "tag every message (repeatable)", collect)
      .option(
        "--tags-from <path>",
        "also tag each message with the string(s) at this jq path of its record, e.g. .tags",
      )
      .addOption(
        new Option("--durability <mode>", "fast, or flush (fdatasync before the receipt)")
          .choices(["fast", "flush"])
          .default("fast"),
      )
      .option("--create", "create the pool if it does not exist")
      .option("--size <size>", "size of a pool made by --create (default 1M)")
      .addOption(
        new Option("--errors <policy>", "on a bad record: stop (exit 2), or skip it with a notice (exit 1 at the end)")
          .choices(["stop", "skip"])
          .default("stop"),
      )
      .action(lazy(async () => (await import("./feed.js")).runFeed)),
    [
      `cairn feed events '{"level":"info","msg":"deployed"}' --tag deploy`,
      "tail -F app.log.jsonl | cairn feed logs --create --size 16M",
      "curl -N https://example.com/stream | cairn feed events --in auto --errors skip",
    ],
  );

  examples(
    program
      .command("fetch")
      .description("print one message by seq")
      .argument("<pool>", "pool name, path or URL")
      .argument("<seq>", "message seq")
      .option("--data-only", "print only the message data")
      .addOption(
        new Option(
          "--format <format>",
          "pretty (default on a TTY), compact (one line) or jsonl (default when piped)",
        ).choices(["pretty", "compact", "jsonl"]),
      )
      .action(lazy(async () => (await import("./fetch.js")).runFetch)),
    ["cairn fetch events 42", "cairn fetch events 42 --data-only | jq .msg"],
  );

  examples(
    program
      .command("follow")
      .description("print messages as they arrive (from the live edge unless told otherwise)")
      .argument("<pool>", "pool name, path or URL")
      .option("-n, --tail <n>", "start with the newest N retained messages")
      .option("--since <when>", "start at a time: a duration ago (30s, 5m, 2h, 7d) or RFC 3339")
      .option("--from <seq>", "start at this seq")
      .option("-t, --tag <tag>", "only messages with this tag (repeatable: all must match)", collect)
      .option(
        "-w, --where <expr>",
        "only messages for which this jq expression is true (repeatable: all must hold)",
        collect,
      )
      .option("-1, --one", "exit after the first matching message")
      .option("--limit <n>", "exit after N matching messages")
      .option("--no-wait", "stop at the current end instead of waiting for new messages")
      .option("--timeout <seconds>", "exit with code 124 after this long without a message")
      .option("--data-only", "print only the message data")
      .addOption(
        new Option(
          "--format <format>",
          "compact (one line per message, default on a TTY), pretty (a block each) or jsonl (default when piped)",
        ).choices(["compact", "pretty", "jsonl"]),
      )
      .option("--replay <speed>", "replay history at its recorded pace times SPEED (with --tail or --since)")
      .addOption(
        new Option("--gap <policy>", "when unread messages leave the pool: continue (with a notice) or error (exit 9)")
          .choices(["continue", "error"])
          .default("continue"),
      )
      .option("--quiet-drops", "no notice when messages were dropped before being read")
      .action(lazy(async () => (await import("./follow.js")).runFollow)),
    [
      "cairn follow events",
      "cairn follow events -n 20 --tag deploy",
      `cairn follow logs --since 10m --where '.data.level == "error"' --one --timeout 30`,
      "cairn follow events --from 1 --no-wait --data-only > all.jsonl",
    ],
  );

  examples(
    runsCommandLine(program.command("tap"))
      .description("run a command and record its start, output lines and exit in a pool")
      .argument("<pool>", "pool name, path or URL")
      .argument("<command...>", "the command and its arguments, after --")
      .option("-t, --tag <tag>", "tag every message (repeatable)", collect)
      .action(lazy(async () => (await import("./tap.js")).runTap)),
    ["cairn tap builds -- npm test", "cairn tap builds --tag ci -- make -j4"],
  );

  examples(
    program
      .command("doctor")
      .description("validate pools: status, issues with offsets, last good seq, hints (exit 7 if corrupt)")
      .argument("[pools...]", "pool names or paths")
      .option("--all", "check every pool in the pool directory")
      .action(lazy(async () => (await import("./doctor.js")).runDoctor)),
    ["cairn doctor events", "cairn doctor --all --json"],
  );

  examples(
    program
      .command("completion")
      .description("print a shell completion script")
      .argument("<shell>", "bash, zsh or fish")
      .action(lazy(async () => (await import("../completion.js")).runCompletion)),
    ["cairn completion bash > ~/.local/share/bash-completion/completions/cairn", "cairn completion fish | source"],
  );
}
