#!/usr/bin/env node
/**
 * The `cairn` command line. Nothing calls process.exit: commands set process.exitCode, a
 * thrown error reaches this file and becomes its ErrorKind's exit code, and the process ends
 * when its work is done. Commands live in ./pool, ./audit and ./serve and are imported
 * lazily, so start-up pays only for what a command uses.
 */
import { type Command, Option } from "commander";
import { VERSION } from "../version.js";
import { CairnCommand } from "./shared/cairn-command.js";
import { examples } from "./shared/command-kit.js";
import { type ColorMode, reportError, setColorMode } from "./shared/output.js";
import { stdoutFailure, writeOutBuffered } from "./shared/stdout-writer.js";

function buildProgram(): Command {
  const program = new CairnCommand("cairn")
    .description("Cairn: durable JSON message pools, audits and traces for developer workflows")
    .version(VERSION, "-V, --version", "print the version")
    .addOption(new Option("--dir <dir>", "pool directory (default: $CAIRN_DIR or ~/.cairn/pools)"))
    .addOption(new Option("--color <when>", "colour output").choices(["auto", "always", "never"]).default("auto"))
    .addOption(new Option("--json", "print JSON (the default when stdout is not a terminal)"))
    .addOption(new Option("--token <token>", "bearer token for remote pools (default: $CAIRN_TOKEN)"))
    .addOption(new Option("--token-file <file>", "read the bearer token for remote pools from a file"))
    .addOption(new Option("--tls-ca <file>", "PEM CA certificate to trust for https pools"))
    .addOption(new Option("--tls-skip-verify", "accept any server certificate (testing only)"))
    .exitOverride()
    // Help and the version go through the EPIPE-safe writer; errors are CairnErrors that
    // main presents (CairnCommand), so commander itself writes nothing to stderr.
    .configureOutput({ writeOut: writeOutBuffered, writeErr: () => {}, outputError: () => {} });
  examples(program, [
    "cairn pool create builds --size 4M",
    `echo '{"step":"compile","ok":true}' | cairn feed builds --tag ci`,
    "cairn follow builds --tail 10 --where '.data.ok == false'",
    "cairn COMMAND --help",
  ]);
  program.hook("preAction", (cmd) => setColorMode(cmd.optsWithGlobals().color as ColorMode));
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  const [{ registerPoolCommands }, { registerAuditCommands }, { registerServeCommands }] = await Promise.all([
    import("./pool/register.js"),
    import("./audit/register.js"),
    import("./serve/register.js"),
  ]);
  registerPoolCommands(program);
  registerAuditCommands(program);
  registerServeCommands(program);
  try {
    await program.parseAsync(argv);
  } catch (err) {
    const code = (err as { code?: string }).code;
    const helpOrVersion =
      code === "commander.helpDisplayed" || code === "commander.version" || code === "commander.help";
    if (!helpOrVersion) {
      // A usage error stops parsing before preAction: `--color` may not be applied yet.
      const color = program.opts().color as string;
      if (color === "always" || color === "never") setColorMode(color);
      return reportError(err);
    }
  }
  // A failed write reports its error on a later tick; one turn of the loop lets it arrive.
  await new Promise((resolve) => setImmediate(resolve));
  const failure = stdoutFailure();
  if (failure) return reportError(failure);
  return process.exitCode === undefined ? 0 : Number(process.exitCode);
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.exitCode = reportError(err);
  },
);
