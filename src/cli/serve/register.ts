/** Registers `cairn serve` and its subcommands `init` and `check`; each loads lazily. */
import { type Command, Option } from "commander";
import { collect } from "../shared/arguments.js";
import { examples, lazy } from "../shared/command-kit.js";
function addServerOptions(command: Command): Command {
  return command
    .option("--bind <host>", "address to listen on (default 127.0.0.1)")
    .option("--port <port>", "port (default 9700; 0 picks a free one)")
    .option("--token-file <path>", "require this bearer token (file holds the token)")
    .addOption(new Option("--access <mode>", "what clients may do").choices(["read-only", "write-only", "read-write"]))
    .option("--tls-cert <path>", "TLS certificate (PEM)")
    .option("--tls-key <path>", "TLS private key (PEM)")
    .option("--tls-self-signed", "serve HTTPS with a certificate generated at start-up")
    .option("--cors-origin <origin>", "allow this exact browser origin (repeatable)", collect)
    .option("--allowed-host <name>", "answer requests for this host name besides loopback ones (repeatable)", collect)
    .option("--allow-non-loopback", "allow a --bind address reachable from other machines")
    .option("--insecure-no-tls", "allow writes on a non-loopback bind without TLS")
    .option("--body-limit <size>", "largest request body (default 1M)")
    .option("--max-tails <n>", "most concurrent tail/SSE streams (default 64)")
    .option("--pool-size-max <size>", "largest pool a client may create over HTTP (default 1G)");
}

export function registerServeCommands(program: Command): void {
  const serve = examples(
    addServerOptions(program.command("serve").description("serve the pool directory over HTTP, with a web UI at /ui")),
    [
      "cairn serve                                   # http://127.0.0.1:9700, web UI at /ui/",
      "cairn serve --dir ./pools --port 9800 --access read-only",
      "cairn serve init && cairn serve --token-file ~/.cairn/serve/token \\\n      --tls-cert ~/.cairn/serve/cert.pem --tls-key ~/.cairn/serve/key.pem",
    ],
  ).action(
    lazy(async () => {
      const { runServe } = await import("./serve-command.js");
      return (_options: unknown, command: Command) => runServe(command.optsWithGlobals());
    }),
  );
  examples(
    serve
      .command("init")
      .description("write a bearer token and a self-signed TLS certificate (files 0600)")
      .option("--output-dir <dir>", "where to write them (default ~/.cairn/serve)")
      .option("--host <name>", "extra host name or IP for the certificate (repeatable)", collect)
      .option("--force", "replace existing files")
      .option("--json", "print JSON (the default when stdout is not a terminal)")
      .action(lazy(async () => (await import("./init-command.js")).runServeInit)),
    ["cairn serve init --output-dir ./serve-creds --host build-box.local"],
  );
  examples(
    addServerOptions(serve.command("check").description("report the configuration `cairn serve` would run with"))
      .option("--json", "print JSON (the default when stdout is not a terminal)")
      .action(
        lazy(async () => {
          const { runServeCheck } = await import("./check-command.js");
          return (_options: unknown, command: Command) => runServeCheck(command.optsWithGlobals());
        }),
      ),
    ["cairn serve check --bind 0.0.0.0 --allow-non-loopback --access read-only"],
  );
}
