/**
 * The Command class of every `cairn` command (subcommands inherit it through
 * `createCommand`). It changes two of commander's habits:
 * - a group run without a subcommand (`cairn`, `cairn pool`) prints its help to stdout and
 *   succeeds; commander prints that help as an error (to stderr, exit 1);
 * - usage errors become CairnErrors (Usage, exit 2) with a hint: commander's suggestion
 *   (`did you mean follow?`), the `--` a command like `tap` needs before the command line it
 *   runs, or where to find the usage. main presents them like any other error.
 */
import { Command, type ErrorOptions, type HelpContext } from "commander";
import { shellQuote, usageErrorFromCommander } from "./usage-errors.js";

/** Commands whose last argument is a command line to run (`cairn tap POOL -- CMD ARGS…`). */
const commandLineRunners = new WeakSet<Command>();

/** Marks a command whose last (variadic) argument is a command line, so its unknown options get the `--` hint. */
export function runsCommandLine<C extends Command>(command: C): C {
  commandLineRunners.add(command);
  return command;
}

export class CairnCommand extends Command {
  override createCommand(name?: string): CairnCommand {
    return new CairnCommand(name);
  }

  override help(context?: HelpContext): never;
  /** @deprecated commander's callback form, kept for the base class's signature. */
  override help(cb: (str: string) => string): never;
  override help(context?: HelpContext | ((str: string) => string)): never {
    if (typeof context === "function") return super.help(context);
    // `cairn help NAME` with a NAME that is no command also ends here: that is a usage error.
    if (context?.error && this.args.length > 0)
      this.error(`error: unknown command '${this.args.at(-1)}'`, { code: "commander.unknownCommand" });
    // Otherwise commander asks for help "as an error" only when a group got no subcommand:
    // for Cairn that is a request for help, so it goes to stdout and the exit code stays 0.
    return super.help({ error: false });
  }

  override error(message: string, options?: ErrorOptions): never {
    const hint =
      options?.code === "commander.unknownOption" && commandLineRunners.has(this)
        ? commandLineHint(this)
        : `see ${["cairn", ...commandPath(this), "--help"].join(" ")}`;
    throw usageErrorFromCommander(message, hint);
  }
}

/** Names from the root's first subcommand down to `command` (`["pool", "create"]`). */
function commandPath(command: Command): string[] {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names;
}

/**
 * `cairn tap builds ls -la` reads `-la` as tap's option. The hint repeats the user's own
 * words with `--` inserted before the command line (found after the command's name and its
 * own operands), so it can be pasted as it is.
 */
function commandLineHint(command: Command): string {
  const ownCount = Math.max(0, command.registeredArguments.length - 1);
  const operands = command.args.slice(0, ownCount);
  const commandLine = command.args.slice(ownCount);
  const userArgs = process.argv.slice(2);
  let at = userArgs.indexOf(command.name());
  for (const word of [...operands, commandLine[0]])
    at = at === -1 || word === undefined ? -1 : userArgs.indexOf(word, at + 1);
  const words =
    at === -1
      ? [...commandPath(command), ...operands, "--", ...commandLine]
      : [...userArgs.slice(0, at), "--", ...userArgs.slice(at)];
  return `put -- before the command to run: ${["cairn", ...words].map(shellQuote).join(" ")}`;
}
