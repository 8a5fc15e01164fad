/**
 * `cairn pool salvage SRC DST [--size SIZE]`: copies every message of a damaged pool that
 * still checks out into a new pool, and says what was lost. As JSON (piped, or --json):
 * `{"copied":N,"lost_ranges":[{"from_seq","to_seq"}],"dst":PATH}`; on a terminal, a line or
 * two. Exits 0 when the copy is made, whatever was lost: the lost ranges are the report.
 */
import type { Command } from "commander";
import type { SalvageResult } from "../../api/types.js";
import { clientFor, globalOptionsOf } from "../shared/client-factory.js";
import { printJson, printLine } from "../shared/output.js";
import { wantsJson } from "../shared/output-mode.js";

function rangeText({ fromSeq, toSeq }: SalvageResult["lostRanges"][number]): string {
  return fromSeq === toSeq ? `${fromSeq}` : `${fromSeq}..${toSeq}`;
}

export async function runPoolSalvage(
  src: string,
  dst: string,
  options: { size?: string },
  command: Command,
): Promise<void> {
  const salvageOptions = options.size === undefined ? {} : { size: options.size };
  const result = await clientFor(command).salvage(src, dst, salvageOptions);
  if (wantsJson(globalOptionsOf(command))) {
    printJson({
      copied: result.copied,
      lost_ranges: result.lostRanges.map((r) => ({ from_seq: r.fromSeq, to_seq: r.toSeq })),
      dst: result.dst,
    });
    return;
  }
  printLine(`copied ${result.copied} message(s) from ${src} into ${result.dst}`);
  const lost = result.lostRanges.reduce((n, r) => n + r.toSeq - r.fromSeq + 1, 0);
  if (lost > 0) printLine(`lost ${lost} message(s): seq ${result.lostRanges.map(rangeText).join(", ")}`);
  else printLine("nothing was lost");
}
