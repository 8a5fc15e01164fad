/**
 * Groups an async stream of items into batches of what is available right now: a batch
 * ends when `maxItems` is reached or when the source would have to wait. Output and jq
 * evaluation then cost one write and one jq run per batch, while a lone live message is
 * still passed on at once.
 */
const IDLE = Symbol("idle");

export async function* batchesOf<T>(source: AsyncIterable<T>, maxItems: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let pending = iterator.next();
  for (;;) {
    const batch: T[] = [];
    const idle = new Promise<typeof IDLE>((resolve) => setImmediate(resolve, IDLE));
    let done = false;
    while (batch.length < maxItems) {
      const step = await Promise.race([pending, idle]);
      if (step === IDLE) break;
      if (step.done) {
        done = true;
        break;
      }
      batch.push(step.value);
      pending = iterator.next();
    }
    if (batch.length > 0) yield batch;
    if (done) return;
    if (batch.length === 0) {
      const step = await pending;
      if (step.done) return;
      pending = iterator.next();
      yield [step.value];
    }
  }
}
