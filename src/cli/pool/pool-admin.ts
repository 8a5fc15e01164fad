/**
 * `cairn pool create|list|info|delete|truncate`. As JSON (piped, or --json) the shapes follow
 * the reference: `{"created":[PoolInfo]}`, `{"pools":[…]}`, PoolInfo, `{"deleted":[…],"failed":[…]}`,
 * `{"pool","dropped"}`; on a terminal, short human lines.
 */
import * as fs from "node:fs";
import type { Command } from "commander";
import { isRemoteRef } from "../../api/pool-ref.js";
import type { PoolInfo } from "../../api/types.js";
import { isFilePoolInfo, poolListingToWire } from "../../api/wire/pool-info.js";
import { CairnError, ErrorKind, toCairnError } from "../../core/errors.js";
import { formatBytes } from "../../core/size.js";
import { parseCount, parseSeq } from "../shared/arguments.js";
import { clientFor, globalOptionsOf, openPool } from "../shared/client-factory.js";
import { relativeTime } from "../shared/message-format.js";
import { paint, printJson, printLine } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";
import { plural } from "../shared/plural.js";

function seqRange(info: PoolInfo): string {
  const { oldest, newest } = info.bounds;
  return oldest === null ? "empty" : `${oldest}..${newest}`;
}

export async function runPoolCreate(
  names: string[],
  options: { size?: string; indexCapacity?: string },
  command: Command,
): Promise<void> {
  const client = clientFor(command);
  const createOptions = {
    ...(options.size === undefined ? {} : { size: options.size }),
    ...(options.indexCapacity === undefined
      ? {}
      : { indexCapacity: parseCount(options.indexCapacity, "--index-capacity", { allowZero: true }) }),
  };
  const created: PoolInfo[] = [];
  try {
    for (const name of names) {
      const pool = await client.create(name, createOptions);
      try {
        created.push(await pool.info());
      } finally {
        await pool.close();
      }
      if (!wantsJson(globalOptionsOf(command))) {
        const info = created[created.length - 1] as PoolInfo;
        const where = isFilePoolInfo(info) ? ` (${formatBytes(info.file_size)}) ${paint("dim", info.path)}` : "";
        printLine(`created ${paint("bold", name)}${where}`);
      }
    }
  } finally {
    if (wantsJson(globalOptionsOf(command)) && created.length > 0) printJson({ created });
  }
}

export async function runPoolList(at: string | undefined, _options: unknown, command: Command): Promise<void> {
  // A directory the user names (the argument or --dir) must exist: a typo is not "no pools".
  // The default one ($CAIRN_DIR or ~/.cairn/pools) may not exist yet: it lists as empty.
  const named = at ?? globalOptionsOf(command).dir;
  if (named !== undefined && !isRemoteRef(named) && !fs.existsSync(named))
    throw new CairnError(ErrorKind.NotFound, `no such directory ${named}`, { path: named });
  const listings = await clientFor(command).list(at);
  if (wantsJson(globalOptionsOf(command))) {
    printJson({ pools: listings.map(poolListingToWire) });
    return;
  }
  if (listings.length === 0) {
    printLine(`no pools in ${at ?? clientFor(command).dir}`);
    return;
  }
  const rows = [["NAME", "SIZE", "MESSAGES", "SEQS", "USED", "NEWEST"]];
  for (const l of listings) {
    if (!l.info) {
      rows.push([l.name, "-", "-", "-", "-", `${l.error?.kind}: ${l.error?.message}`]);
      continue;
    }
    const m = l.info.metrics;
    rows.push([
      l.name,
      isFilePoolInfo(l.info) ? formatBytes(l.info.file_size) : "-",
      String(m.message_count),
      seqRange(l.info),
      `${m.utilization.used_percent}%`,
      m.age.newest_age_ms === null ? "-" : relativeTime(m.age.newest_age_ms),
    ]);
  }
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  for (const [index, row] of rows.entries()) {
    const line = row
      .map((cell, i) => cell.padEnd(widths[i] as number))
      .join("  ")
      .trimEnd();
    printLine(index === 0 ? paint("bold", line) : line);
  }
}

export async function runPoolInfo(name: string, _options: unknown, command: Command): Promise<void> {
  const pool = await openPool(command, name);
  let info: PoolInfo;
  try {
    info = await pool.info();
  } finally {
    await pool.close();
  }
  if (wantsJson(globalOptionsOf(command))) {
    printJson(info);
    return;
  }
  const m = info.metrics;
  const u = m.utilization;
  const file = isFilePoolInfo(info) ? info : null;
  const lines = [[paint("bold", info.name), paint("dim", file?.path ?? "")]];
  if (file) {
    const layout = `ring ${formatBytes(file.ring_size)}, index ${file.index_capacity} slots`;
    lines.push(["size", `${formatBytes(file.file_size)} (${layout})`]);
  }
  if (info.format_version !== undefined) lines.push(["format", `v${info.format_version}, codec ${info.codec}`]);
  lines.push(["messages", `${m.message_count} (seq ${seqRange(info)})`]);
  lines.push([
    "used",
    `${formatBytes(u.used_bytes)} of ${formatBytes(u.used_bytes + u.free_bytes)} (${u.used_percent}%)`,
  ]);
  if (m.age.oldest_time !== null)
    lines.push(["oldest", `${m.age.oldest_time} (${relativeTime(m.age.oldest_age_ms ?? 0)})`]);
  if (m.age.newest_time !== null)
    lines.push(["newest", `${m.age.newest_time} (${relativeTime(m.age.newest_age_ms ?? 0)})`]);
  printLine(lines[0]?.join("  "));
  for (const [label, value] of lines.slice(1)) printLine(`  ${(label as string).padEnd(9)}${value}`);
}

export async function runPoolDelete(names: string[], _options: unknown, command: Command): Promise<void> {
  const client = clientFor(command);
  const deleted: string[] = [];
  const failed: { pool: string; error: ReturnType<CairnError["toJSON"]> }[] = [];
  let firstError: CairnError | null = null;
  for (const name of names) {
    try {
      await client.delete(name);
      deleted.push(name);
      if (!wantsJson(globalOptionsOf(command))) printLine(`deleted ${name}`);
    } catch (err) {
      const error = toCairnError(err);
      firstError ??= error;
      failed.push({ pool: name, error: error.toJSON() });
    }
  }
  // The document says what was deleted; a failure is also an error (stderr, exit code), as everywhere.
  if (wantsJson(globalOptionsOf(command))) printJson({ deleted, failed });
  if (firstError) {
    if (failed.length === 1) throw firstError;
    throw new CairnError(
      firstError.kind,
      `${failed.length} pools were not deleted: ${failed.map((f) => `${f.pool} (${f.error.message})`).join("; ")}`,
    );
  }
}

export async function runPoolTruncate(name: string, options: { before: string }, command: Command): Promise<void> {
  const beforeSeq = parseSeq(options.before, "--before");
  const pool = await openPool(command, name);
  try {
    const dropped = await pool.truncate(beforeSeq);
    if (wantsJson(globalOptionsOf(command))) printJson({ pool: name, before: beforeSeq, dropped });
    else printLine(`dropped ${plural(dropped, "message")} from ${name} (seq < ${beforeSeq})`);
  } finally {
    await pool.close();
  }
}
