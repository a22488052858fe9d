/**
 * When a benchmark run has measured enough, decided from what it has seen so far (deterministic: no clock).
 * Warm-up: the first completions are discarded until at least `minWarmupRequests` and twice the most requests ever in
 * flight have finished (a closed loop's first wave starts all at once and its second is still shaped by it; after two
 * waves the schedule is what it will stay), bounded by `maxWarmupRequests`. Then requests issued after the warm-up are
 * measured in batches of `batchRequests` completions; after each batch the standard error of the means of TTFT, TPOT
 * and E2E is estimated from the batch means (batch means absorb the correlation between neighbouring requests) and the
 * run closes once each is at most `targetRelativeError` of its mean, after at least `minBatches`, or at `maxBatches`
 * (then the result says it did not converge). Requests issued before the close are all waited for, the load still
 * applied meanwhile, so long requests are not under-counted. An open loop offered more than the set serves has no
 * steady state: once more than `maxInFlight` requests are in flight the run ends and the result says it was overloaded.
 */
import type { RunLengthOptions } from './types.js';

export const RUN_LENGTH_DEFAULTS = {
  minWarmupRequests: 32,
  maxWarmupRequests: 4_096,
  maxInFlight: 4_096,
  minBatchRequests: 64,
  maxBatchRequests: 4_096,
  minBatches: 5,
  maxBatches: 40,
  targetRelativeError: 0.02,
} as const;

export interface ResolvedRunLength {
  readonly minWarmupRequests: number;
  readonly maxWarmupRequests: number;
  readonly maxInFlight: number;
  /** Undefined: max(minBatchRequests, the most requests in flight during the warm-up). */
  readonly batchRequests: number | undefined;
  readonly minBatches: number;
  readonly maxBatches: number;
  readonly targetRelativeError: number;
  readonly requestCount: number | undefined;
}

/** Defaults applied and ranges checked (a bad option is a bug in the caller: RangeError). */
export function resolveRunLength(o: RunLengthOptions): ResolvedRunLength {
  const r: ResolvedRunLength = {
    minWarmupRequests: o.minWarmupRequests ?? RUN_LENGTH_DEFAULTS.minWarmupRequests,
    maxWarmupRequests: o.maxWarmupRequests ?? RUN_LENGTH_DEFAULTS.maxWarmupRequests,
    maxInFlight: o.maxInFlight ?? RUN_LENGTH_DEFAULTS.maxInFlight,
    batchRequests: o.batchRequests,
    minBatches: o.minBatches ?? RUN_LENGTH_DEFAULTS.minBatches,
    maxBatches: o.maxBatches ?? RUN_LENGTH_DEFAULTS.maxBatches,
    targetRelativeError: o.targetRelativeError ?? RUN_LENGTH_DEFAULTS.targetRelativeError,
    requestCount: o.requestCount,
  };
  for (const [name, v] of [['minWarmupRequests', r.minWarmupRequests], ['maxWarmupRequests', r.maxWarmupRequests], ['maxInFlight', r.maxInFlight], ['minBatches', r.minBatches], ['maxBatches', r.maxBatches], ['batchRequests', r.batchRequests ?? 1], ['requestCount', r.requestCount ?? 1]] as const) {
    if (!(Number.isInteger(v) && v >= 1)) throw new RangeError(`${name} must be an integer ≥ 1, received ${v}`);
  }
  if (r.maxBatches < r.minBatches) throw new RangeError(`maxBatches (${r.maxBatches}) must be ≥ minBatches (${r.minBatches})`);
  if (r.maxWarmupRequests < r.minWarmupRequests) throw new RangeError(`maxWarmupRequests (${r.maxWarmupRequests}) must be ≥ minWarmupRequests (${r.minWarmupRequests})`);
  if (!(r.targetRelativeError > 0)) throw new RangeError(`targetRelativeError must be > 0, received ${r.targetRelativeError}`);
  return r;
}

/** The rule in one line, for the result (so a reader knows how the means were made stable). */
export function describeRule(r: ResolvedRunLength, batchRequests: number): string {
  if (r.requestCount !== undefined) return `fixed count: exactly ${r.requestCount} requests sent and every one measured, the first burst included (no warm-up discarded), as genai-perf/aiperf --request-count report; standard error over batches of ${batchRequests} shown for information`;
  return `warm-up: the first max(${r.minWarmupRequests}, 2 × most in flight) completions (at most ${r.maxWarmupRequests}) discarded; then batches of ${batchRequests} completions of requests issued after the warm-up, until the standard error of the mean TTFT, TPOT and E2E over batch means is ≤ ${r.targetRelativeError * 100}% of the mean (at least ${r.minBatches}, at most ${r.maxBatches} batches); every request issued before that point waited for, load held; an open loop with more than ${r.maxInFlight} in flight is overloaded and ends`;
}

/** Batch means of one statistic and the relative standard error of their mean. */
export class BatchMeans {
  private sum = 0;
  private count = 0;
  readonly means: number[] = [];

  add(value: number): void {
    this.sum += value;
    this.count++;
  }

  /** Closes the current batch (no-op when it is empty). */
  closeBatch(): void {
    if (this.count === 0) return;
    this.means.push(this.sum / this.count);
    this.sum = 0;
    this.count = 0;
  }

  /** Standard error of the grand mean over batch means, as a share of it (0 with no data or a zero mean; Infinity with one batch). */
  relativeStandardError(): number {
    const n = this.means.length;
    if (n === 0) return 0;
    if (n < 2) return Infinity;
    let mean = 0;
    for (const m of this.means) mean += m;
    mean /= n;
    if (mean === 0) return 0;
    let ss = 0;
    for (const m of this.means) ss += (m - mean) * (m - mean);
    return Math.sqrt(ss / (n - 1) / n) / Math.abs(mean);
  }
}
