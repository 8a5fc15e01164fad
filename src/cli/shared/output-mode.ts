/**
 * The CLI's one output convention: JSON (one document, or JSON lines for streams) when
 * `--json` is given or stdout is not a terminal, readable text on a terminal. Every command
 * decides through `wantsJson`, so `cairn … | jq` works whatever the command.
 */

/**
 * True when a command should print JSON. `options` are the command's options with the
 * global `--json` merged in (command-kit's `lazy` does that), or the global options.
 */
export function wantsJson(options: { json?: boolean } = {}, stdout: NodeJS.WriteStream = process.stdout): boolean {
  return options.json === true || stdout.isTTY !== true;
}
