/**
 * `cairn serve`: checks the configuration, starts the server, prints where it listens,
 * and runs until SIGINT/SIGTERM, then closes every connection and pool handle.
 */
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { checkServeConfig } from "../../server/config.js";
import { startServer } from "../../server/server.js";
import { paint, printJson, printLine } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";
import { type ServeFlags, serveConfigFrom } from "./serve-config.js";

export async function runServe(flags: ServeFlags & { json?: boolean }): Promise<void> {
  const config = serveConfigFrom(flags);
  const { errors, warnings } = checkServeConfig(config);
  if (errors.length > 0) {
    throw new CairnError(ErrorKind.Usage, errors[0] as string, {
      hint: errors.length > 1 ? errors.slice(1).join("; ") : "see `cairn serve check`",
    });
  }
  const server = await startServer(config).catch((err: unknown) => {
    throw withPortHint(err);
  });
  const err = process.stderr;
  for (const warning of warnings) err.write(`${paint("yellow", "warning:", err)} ${warning}\n`);
  const facts = [
    `pools in ${config.dir}`,
    `access ${config.access}`,
    config.token ? "token required" : "no token",
    config.tls ? "TLS" : "no TLS",
  ].join(", ");
  if (wantsJson(flags)) {
    const listening = { url: server.url, ui: `${server.url}/ui/`, dir: config.dir, access: config.access };
    printJson({ listening: { ...listening, token: config.token !== null, tls: config.tls !== null } });
  } else {
    printLine(`${paint("bold", "cairn serve")} listening on ${paint("cyan", server.url)} (${facts})`);
    printLine(`  web UI: ${paint("cyan", `${server.url}/ui/`)}   stop: Ctrl-C`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
}

/**
 * A port in use (Busy from the server) gets a hint that works as printed: this same command
 * line with --port 0, which picks a free port (the URL is printed on start).
 */
function withPortHint(err: unknown): unknown {
  const error = toCairnError(err);
  if (error.kind !== ErrorKind.Busy || error.hint !== undefined) return err;
  const args: string[] = [];
  const given = process.argv.slice(2);
  for (let i = 0; i < given.length; i++) {
    const arg = given[i] as string;
    if (arg === "--port") i += 1;
    else if (!arg.startsWith("--port="))
      args.push(/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`);
  }
  return new CairnError(ErrorKind.Busy, error.message, {
    hint: `choose another port with --port (0 picks a free one): cairn ${[...args, "--port", "0"].join(" ")}`,
    cause: err,
  });
}
