/** Registers `cairn serve` and its subcommands (issue 5). */
import type { Command } from "commander";

export function registerServeCommands(_program: Command): void {}
