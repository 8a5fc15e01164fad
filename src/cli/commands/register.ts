/** Registers every command on the program. Each action imports its implementation lazily. */
import type { Command } from "commander";

export function registerPoolCommands(program: Command): void {
  program
    .command("version")
    .description("print the version")
    .action(async () => {
      const { VERSION } = await import("../../version.js");
      process.stdout.write(`cairn ${VERSION}\n`);
    });
}
