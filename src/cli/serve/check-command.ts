/**
 * `cairn serve check`: builds the configuration `cairn serve` would use from the same
 * flags and reports it (JSON when piped or with --json), with errors and warnings.
 * Exits with Usage when `serve` would refuse to start.
 */
import * as fs from "node:fs";
import { TAIL_TIMEOUT_MS_MAX } from "../../api/wire/limits.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { formatBytes } from "../../core/size.js";
import { POOL_SIZE_MAX_DEFAULT, checkServeConfig, isLoopback } from "../../server/config.js";
import { defaultUiDir } from "../../server/ui-assets.js";
import { paint, printJson, printLine } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";
import { type ServeFlags, serveConfigFrom } from "./serve-config.js";

export async function runServeCheck(flags: ServeFlags & { json?: boolean }): Promise<void> {
  const config = serveConfigFrom(flags);
  const { errors, warnings } = checkServeConfig(config);
  const scheme = config.tls ? "https" : "http";
  const report = {
    ok: errors.length === 0,
    url: `${scheme}://${config.bind.includes(":") ? `[${config.bind}]` : config.bind}:${config.port}`,
    dir: config.dir,
    dir_exists: fs.existsSync(config.dir),
    bind: config.bind,
    loopback: isLoopback(config.bind),
    port: config.port,
    access: config.access,
    token: config.token !== null,
    tls: config.tls === null ? null : { source: config.tls.source },
    cors_origins: config.corsOrigins,
    allowed_hosts: config.allowedHosts ?? [],
    limits: {
      body_bytes_max: config.bodyBytesMax,
      concurrent_streams_max: config.streamSlotsMax,
      pool_size_max: config.poolBytesMax ?? POOL_SIZE_MAX_DEFAULT,
      tail_timeout_ms_max: TAIL_TIMEOUT_MS_MAX,
    },
    ui_dir_exists: fs.existsSync(defaultUiDir()),
    errors,
    warnings,
  };
  if (wantsJson(flags)) printJson({ check: report });
  else {
    const line = (label: string, value: string) => printLine(`  ${paint("dim", label.padEnd(8))} ${value}`);
    printLine(`${paint("bold", "cairn serve")} would listen on ${paint("cyan", report.url)}`);
    line("pools", `${config.dir}${report.dir_exists ? "" : " (created on first pool)"}`);
    line("access", config.access);
    line("token", config.token ? "required" : "off");
    line("tls", config.tls ? config.tls.source : "off");
    line("hosts", ["loopback", ...(config.allowedHosts ?? [])].join(" "));
    line("cors", config.corsOrigins.length > 0 ? config.corsOrigins.join(" ") : "off");
    line(
      "limits",
      `body ${formatBytes(config.bodyBytesMax)}, ${config.streamSlotsMax} concurrent streams, pools up to ${formatBytes(config.poolBytesMax ?? POOL_SIZE_MAX_DEFAULT)}`,
    );
    for (const warning of warnings) printLine(`${paint("yellow", "warning:")} ${warning}`);
    for (const error of errors) printLine(`${paint("red", "error:")} ${error}`);
  }
  if (errors.length > 0) {
    throw new CairnError(ErrorKind.Usage, `serve would refuse to start: ${errors[0]}`);
  }
}
