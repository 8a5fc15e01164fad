/**
 * Copying what can still be read from a damaged pool into a new one: the messages a
 * salvage reading returns, in seq order with their data (the stored JSON text) and tags,
 * appended in batches cut by the target's limits. Seqs and times are the new pool's: a pool
 * numbers its messages without gaps and stamps them when they are appended.
 */
import { dataJsonOf } from "../core/message.js";
import { BatchPlanner } from "./batch-planner.js";
import type { BatchItem, Pool, SalvageReading, SalvageResult } from "./types.js";

export async function copySalvage(reading: SalvageReading, target: Pool): Promise<Omit<SalvageResult, "dst">> {
  const planner = await BatchPlanner.forPool(target);
  const lostRanges: SalvageResult["lostRanges"] = [];
  let batch: BatchItem[] = [];
  let copied = 0;
  const send = async (): Promise<void> => {
    if (batch.length === 0) return;
    await target.appendBatch(batch);
    copied += batch.length;
    batch = [];
    planner.clear();
  };
  for await (const step of reading.steps) {
    if (step.kind === "lost") {
      lostRanges.push({ fromSeq: step.fromSeq, toSeq: step.toSeq });
      continue;
    }
    const { message } = step;
    const dataJson = dataJsonOf(message);
    const bytes = planner.messageBytes(dataJson.length, JSON.stringify(message.tags).length);
    if (!planner.fits(bytes)) await send();
    batch.push({ data: message.data, dataJson, tags: message.tags });
    planner.add(bytes);
  }
  await send();
  return { copied, lostRanges };
}
