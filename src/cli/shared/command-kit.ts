/**
 * What every register file uses to declare commands: `examples` for the help text and
 * `lazy` actions, which import a command's implementation only when it runs (start-up pays
 * for registration only) and hand it the global `--json` as its own option.
 */
import type { Command } from "commander";

/** Adds an `Example:` (or `Examples:`) section to the command's help; every command has one. */
export function examples<C extends Command>(command: C, lines: string[]): C {
  const title = lines.length > 1 ? "Examples" : "Example";
  return command.addHelpText("after", `\n${title}:\n${lines.map((l) => `  $ ${l}`).join("\n")}\n`);
}

/** Wraps a lazily imported action so registration costs nothing at start-up. */
export function lazy<A extends unknown[]>(load: () => Promise<(...args: A) => Promise<void> | void>) {
  return async (...args: A) => {
    honourGlobalJson(args);
    const run = await load();
    await run(...args);
  };
}

/**
 * The root program declares `--json` and takes the flag wherever it appears, so a
 * subcommand never sees it among its own options; commander passes (…arguments, options,
 * command), and the global flag is copied into options so `wantsJson(options)` sees it.
 */
function honourGlobalJson(args: unknown[]): void {
  const command = args[args.length - 1] as { optsWithGlobals?: () => Record<string, unknown> } | undefined;
  const options = args[args.length - 2];
  if (typeof command?.optsWithGlobals !== "function" || options === null || typeof options !== "object") return;
  if (command.optsWithGlobals().json === true) (options as { json?: boolean }).json = true;
}
