/** Registers the audit, phase, events, config, manifest and diff commands (issue 4). */
import type { Command } from "commander";

export function registerAuditCommands(_program: Command): void {}
