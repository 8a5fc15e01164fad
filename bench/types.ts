/** What a bench lane module exports: `run(ctx)` returning measured lanes. */
export interface LaneResult {
  /** Stable key in bench/results/latest.json, e.g. `append_1k_msgs_per_s`. */
  name: string;
  value: number;
  unit: string;
  /** Name of a lane in the same run this one is compared against. */
  baseline?: string;
  /** A target from an issue, e.g. ">= 100000" or "<= 2.5x baseline". */
  target?: string;
  note?: string;
}

export interface BenchContext {
  /** A scratch directory, removed after the run. */
  tmpDir: string;
  /** Root of the repository (where package.json is). */
  root: string;
  /** Quick mode (`npm run bench -- --quick` or CAIRN_BENCH_QUICK=1): fewer iterations, for smoke runs. */
  quick: boolean;
}

export type LaneModule = { run(ctx: BenchContext): Promise<LaneResult[]> };

/** Median of a list of numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
