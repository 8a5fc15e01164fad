/** `cairn fetch POOL SEQ`: prints one message (pretty on a TTY, a JSON line when piped). */
import type { Command } from "commander";
import { parseSeq } from "../shared/arguments.js";
import { globalOptionsOf, openPool } from "../shared/client-factory.js";
import { type MessageFormat, defaultFormat, formatMessage } from "../shared/message-format.js";
import { writeOut } from "../shared/stdout-writer.js";

export interface FetchOptions {
  dataOnly?: boolean;
  format?: MessageFormat;
}

export async function runFetch(ref: string, seqText: string, options: FetchOptions, command: Command): Promise<void> {
  const seq = parseSeq(seqText, "SEQ");
  const pool = await openPool(command, ref);
  try {
    const message = await pool.get(seq);
    await writeOut(
      formatMessage(message, {
        format: options.format ?? defaultFormat(globalOptionsOf(command)),
        dataOnly: options.dataOnly === true,
      }),
    );
  } finally {
    await pool.close();
  }
}
