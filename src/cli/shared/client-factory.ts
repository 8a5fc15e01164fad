/**
 * Builds the api Client a command uses from the global flags: the pool directory
 * (`--dir`, else $CAIRN_DIR, else ~/.cairn/pools) and the remote options for URL refs
 * (`--token`/`--token-file`/$CAIRN_TOKEN, `--tls-ca`, `--tls-skip-verify`).
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { Client, type RemoteOptions } from "../../api/client.js";
import { checkCaCertificates } from "../../api/tls-ca.js";
import type { Pool } from "../../api/types.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import type { GlobalOptions } from "./global-options.js";

export function globalOptionsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals() as GlobalOptions;
}

function readTextFile(path: string, what: string): string {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (err) {
    throw toCairnError(err, { path, what: `cannot read ${what}` });
  }
}

export function remoteOptionsFrom(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): RemoteOptions {
  const remote: RemoteOptions = {};
  if (options.token !== undefined && options.tokenFile !== undefined)
    throw new CairnError(ErrorKind.Usage, "use either --token or --token-file, not both");
  const token =
    options.token ??
    (options.tokenFile === undefined ? undefined : readTextFile(options.tokenFile, "token file").trim()) ??
    (env.CAIRN_TOKEN || undefined);
  if (token !== undefined) remote.token = token;
  if (options.tlsCa !== undefined) {
    remote.tlsCa = readTextFile(options.tlsCa, "CA certificate");
    checkCaCertificates(remote.tlsCa, `--tls-ca ${options.tlsCa}`);
  }
  if (options.tlsSkipVerify) remote.tlsSkipVerify = true;
  return remote;
}

/**
 * Opens a pool for a command. A pool that does not exist is NotFound with a hint on how to
 * make it (the engine states the fact; saying what to do about it is the CLI's part).
 */
export async function openPool(
  command: Command,
  ref: string,
  hint = `create it with: cairn pool create ${ref}`,
): Promise<Pool> {
  try {
    return await clientFor(command).open(ref);
  } catch (err) {
    const error = toCairnError(err);
    if (error.kind !== ErrorKind.NotFound || error.hint !== undefined) throw err;
    throw new CairnError(ErrorKind.NotFound, error.message, {
      hint,
      ...(error.path === undefined ? {} : { path: error.path }),
      cause: err,
    });
  }
}

/** The Client for this invocation of the CLI. */
export function clientFor(command: Command): Client {
  const options = globalOptionsOf(command);
  const clientOptions: { dir?: string; remote: RemoteOptions } = { remote: remoteOptionsFrom(options) };
  if (options.dir !== undefined) clientOptions.dir = options.dir;
  return new Client(clientOptions);
}
