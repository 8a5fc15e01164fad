/**
 * `cairn follow POOL`: prints messages as they arrive (from the live edge by default, or
 * from --tail N / --since / --from SEQ), filtered by --tag (AND) and --where (jq, AND).
 * Ends with --one / --limit, with --no-wait at the current end, on --timeout inactivity
 * (exit 124), or when the reader of stdout goes away.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type { FollowStatus, Follower, Gap, GapPolicy, Message, StartAt } from "../../api/types.js";
import { CairnError, ErrorKind } from "../../core/errors.js";
import { lastMatchingStartOf } from "../../api/last-matching.js";
import { messageToJsonLine } from "../../api/wire/message.js";
import { nowNs } from "../../core/time.js";
import { sinceFlagNs } from "../shared/since-flag.js";
import { parseCount, parsePositiveNumber, parseSecondsToMs, parseSeq } from "../shared/arguments.js";
import { batchesOf } from "./input/batch-iterator.js";
import { globalOptionsOf, openPool } from "../shared/client-factory.js";
import { type MessageFormat, defaultFormat, messageFormatter } from "../shared/message-format.js";
import { notice } from "../shared/output.js";
import { onStdoutClosed, stdoutClosed, watchStdoutReader, writeOut } from "../shared/stdout-writer.js";
import { plural } from "../shared/plural.js";

export interface FollowCliOptions {
  tail?: string;
  since?: string;
  from?: string;
  tag?: string[];
  where?: string[];
  one?: boolean;
  limit?: string;
  timeout?: string;
  dataOnly?: boolean;
  format?: MessageFormat;
  replay?: string;
  gap: GapPolicy;
  quietDrops?: boolean;
  wait: boolean;
}

export const TIMEOUT_EXIT_CODE = 124;
const BATCH_MAX = 512;
/** One jq run costs ~2.7 ms however small its input, so --where takes bigger batches. */
const WHERE_BATCH_MAX = 4096;

function startAtFrom(options: FollowCliOptions): StartAt {
  const given = [options.tail, options.since, options.from].filter((v) => v !== undefined).length;
  if (given > 1) throw new CairnError(ErrorKind.Usage, "use only one of --tail, --since and --from");
  if (options.tail !== undefined) return { last: parseCount(options.tail, "--tail", { allowZero: true }) };
  if (options.since !== undefined) return { timeNs: sinceFlagNs(options.since) };
  if (options.from !== undefined) return { seq: parseSeq(options.from, "--from") };
  return "live";
}

function gapNotice(gap: Gap): void {
  notice(
    "drop",
    `${plural(gap.count, "message")} left the pool before they were read (seq ${gap.fromSeq}..${gap.toSeq})`,
    {
      from_seq: gap.fromSeq,
      to_seq: gap.toSeq,
      count: gap.count,
    },
  );
}

function statusNotice(status: FollowStatus): void {
  if (status.kind === "disconnected") {
    notice("disconnected", `lost the connection to the server (${status.message}); retrying`, {
      retry_in_ms: status.retryInMs,
    });
  } else {
    notice("reconnected", "connected to the server again; resuming after the last message received");
  }
}

export async function runFollow(ref: string, options: FollowCliOptions, command: Command): Promise<void> {
  const from = startAtFrom(options);
  const limit = options.one ? 1 : options.limit === undefined ? undefined : parseCount(options.limit, "--limit");
  if (options.one && options.limit !== undefined)
    throw new CairnError(ErrorKind.Usage, "use --one or --limit, not both");
  const idleTimeoutMs = options.timeout === undefined ? undefined : parseSecondsToMs(options.timeout, "--timeout");
  const replaySpeed = options.replay === undefined ? undefined : parsePositiveNumber(options.replay, "--replay");
  if (replaySpeed !== undefined && options.tail === undefined && options.since === undefined)
    throw new CairnError(ErrorKind.Usage, "--replay needs --tail or --since (it replays history at its recorded pace)");
  // A stream reads best one line per message on a terminal (`--format pretty` for blocks).
  const format = options.format ?? defaultFormat(globalOptionsOf(command), "compact");
  const dataOnly = options.dataOnly === true;
  const formatMessage = messageFormatter(format, dataOnly);
  // Compile jq before anything is read: a bad expression is a Usage error up front.
  const where =
    options.where && options.where.length > 0
      ? await (await import("../../api/filter/where-filter.js")).WhereFilter.compile(options.where)
      : null;

  const pool = await openPool(command, ref);
  // --tail N with --where: the newest N messages that pass it, found by the api's backward walk.
  const start =
    where !== null && typeof from === "object" && "last" in from
      ? await lastMatchingStartOf(pool, {
          last: from.last,
          ...(options.tag && options.tag.length > 0 ? { tags: options.tag } : {}),
          matches: (messages) =>
            where.matches(
              messages.map((m) => messageToJsonLine(m)),
              (i) => (messages[i] as Message).seq,
            ),
        })
      : from;
  const abort = new AbortController();
  onStdoutClosed(() => abort.abort());
  // Between messages nothing is written, so a gone reader would go unnoticed until the next.
  if (options.wait) await watchStdoutReader();
  const readOptions = {
    from: start,
    gap: options.gap,
    signal: abort.signal,
    ...(options.tag && options.tag.length > 0 ? { tags: options.tag } : {}),
    ...(options.quietDrops ? {} : { onGap: gapNotice }),
    onStatus: statusNotice,
    ...(where === null && limit !== undefined ? { limit } : {}),
  };
  let follower: Follower | null = null;
  const source: AsyncIterable<Message> = options.wait
    ? (follower = pool.follow(idleTimeoutMs === undefined ? readOptions : { ...readOptions, idleTimeoutMs }))
    : pool.read(readOptions);

  const startNs = nowNs();
  let previousNs: bigint | null = null;
  let delivered = 0;
  try {
    outer: for await (const batch of batchesOf(source, where ? WHERE_BATCH_MAX : BATCH_MAX)) {
      // The wire JSON of each message is made once: jq reads it, and piped output prints it.
      const wire = where !== null || (format === "jsonl" && !dataOnly);
      const texts = wire ? batch.map(messageToJsonLine) : [];
      const keep = where ? await where.matches(texts, (i) => (batch[i] as Message).seq) : null;
      let out = "";
      for (const [index, message] of batch.entries()) {
        if (keep && !keep[index]) continue;
        if (replaySpeed !== undefined && message.timeNs < startNs) {
          if (previousNs !== null && message.timeNs > previousNs) {
            await writeOut(out);
            out = "";
            await sleep(Number(message.timeNs - previousNs) / 1e6 / replaySpeed);
          }
          previousNs = message.timeNs;
        }
        out += wire && format === "jsonl" && !dataOnly ? `${texts[index]}\n` : formatMessage(message);
        delivered += 1;
        if (limit !== undefined && delivered >= limit) {
          await writeOut(out);
          break outer;
        }
      }
      await writeOut(out);
      if (stdoutClosed()) break;
    }
  } finally {
    abort.abort();
    await pool.close();
  }
  if (follower?.timedOut && (limit === undefined || delivered < limit)) process.exitCode = TIMEOUT_EXIT_CODE;
}
