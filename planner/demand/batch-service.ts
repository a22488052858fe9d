/**
 * What one prefill iteration of k prompts costs, as a distribution: the service side of the batching-server queue
 * (batch-queue.ts). A server that takes up to k waiting prompts at once pays the model's *batched* time for them (one
 * per-iteration floor, hinges on the batch's total tokens: PerfModel.prefillBatchSeconds), under the same limits the
 * kernel's prefiller and engines apply: at most `maxBatch` sequences and `tokenBudget` new tokens per iteration, a
 * prompt larger than the budget chunked across iterations against its own prefix.
 *
 * S_1 is exact on the class's prompt-size grid (equally likely quantile midpoints). For k ≥ 2, S_k = the time to clear
 * k prompts drawn independently from that grid, estimated on a Latin hypercube of `samplesPerBatch(k)` k-tuples (every
 * position takes each quantile of a sub-grid exactly once, so the batch's mean token count is exact). When k
 * prompts exceed the token budget they are cleared in successive full iterations (FIFO, the last one chunked), as the
 * kernel would if nothing else arrived: the batch size the queue may form is therefore capped at
 * `effectiveMaxBatch` = min(maxBatch, ⌊tokenBudget / mean prompt⌋), the prompts one iteration holds on average.
 */
import { createStream } from '../../models/random.js';
import type { PerfModel, PrefillPiece } from '../../models/types.js';
import type { Role } from '../../catalogs/types.js';
import { DEFAULT_ENGINE_TOKEN_BUDGET, DEFAULT_PREFILL_MAX_BATCH, DEFAULT_PREFILL_TOKEN_BUDGET } from '../kernel/types.js';

export interface BatchLimits {
  /** Most sequences in one iteration (the kernel's prefillMaxBatch). */
  readonly maxBatch: number;
  /** Most new tokens in one iteration (the kernel's prefillTokenBudget or engineTokenBudget). */
  readonly tokenBudget: number;
}

/**
 * The limits the kernel's instances of a role prefill under by default: a prefiller's iteration (sequences, tokens), or
 * a colocated engine's per-step token budget (shared with its decodes; the prefill side is priced as if alone).
 */
export function prefillLimitsFor(role: Role): BatchLimits {
  return role === 'colocated'
    ? { maxBatch: DEFAULT_PREFILL_MAX_BATCH, tokenBudget: DEFAULT_ENGINE_TOKEN_BUDGET }
    : { maxBatch: DEFAULT_PREFILL_MAX_BATCH, tokenBudget: DEFAULT_PREFILL_TOKEN_BUDGET };
}

/** A prompt's prefill alone on an instance of `role`: one iteration, or its chunks when it exceeds the token budget. */
export function prefillAloneSeconds(perf: PerfModel, role: Role, newTokens: number): number {
  return clearSeconds([newTokens], prefillLimitsFor(role).tokenBudget, (pieces) => perf.prefillBatchSeconds(pieces));
}

/**
 * The service-time distribution of a batch of k prompts, k = 1 … maxBatch. Built lazily per k (a queue at moderate
 * load rarely forms large batches, and each S_k costs samplesPerBatch(k) · k iteration prices).
 */
export interface BatchService {
  /** The prompt sizes it was built on (the same array object: services of one class share it). */
  readonly promptGrid: readonly number[];
  /** The largest batch the queue forms (see the file comment). */
  readonly maxBatch: number;
  /** Equally likely values of S_k, seconds. */
  samples(k: number): Float64Array;
  /** E[S_k]. */
  meanSeconds(k: number): number;
  /** E[S_k²]. */
  secondMomentSeconds2(k: number): number;
}

/** k-tuples S_k is estimated on: fewer for larger batches, whose time varies less (a sum of k prompts). */
export function samplesPerBatch(k: number): number {
  return k <= 4 ? 256 : k <= 16 ? 64 : 16;
}

/** Seconds to clear `prompts` (new tokens each, nothing cached) in FIFO iterations of at most `tokenBudget` tokens. */
export function clearSeconds(prompts: ArrayLike<number>, tokenBudget: number, cost: (pieces: readonly PrefillPiece[]) => number): number {
  let seconds = 0;
  let head = 0;
  let headDone = 0;
  const pieces: PrefillPiece[] = [];
  while (head < prompts.length) {
    pieces.length = 0;
    let budget = tokenBudget;
    let i = head;
    let done = headDone;
    while (i < prompts.length && budget > 0) {
      const take = Math.min(prompts[i] - done, budget);
      pieces.push({ newTokens: take, cachedTokens: done });
      budget -= take;
      if (done + take >= prompts[i]) {
        i++;
        done = 0;
      } else done += take;
    }
    seconds += cost(pieces);
    head = i;
    headDone = done;
  }
  return seconds;
}

/**
 * Builds S_1 … S_B for a class whose prompt sizes are `promptGrid` (equally likely, new tokens) on a server with
 * `limits`, pricing iterations with `cost`.
 */
export function buildBatchService(promptGrid: readonly number[], limits: BatchLimits, cost: (pieces: readonly PrefillPiece[]) => number): BatchService {
  if (promptGrid.length === 0) throw new RangeError('buildBatchService: empty prompt grid');
  const meanTokens = promptGrid.reduce((a, b) => a + b, 0) / promptGrid.length;
  const maxBatch = Math.max(1, Math.min(limits.maxBatch, Math.floor(limits.tokenBudget / Math.max(1, meanTokens))));
  const samples: Float64Array[] = [Float64Array.from(promptGrid, (n) => clearSeconds([n], limits.tokenBudget, cost))];
  const means: number[] = [];
  const seconds: number[] = [];
  const sorted = [...promptGrid].sort((a, b) => a - b);
  // Per sample count: its sub-grid of quantiles and one fixed permutation per position in the batch (a seeded stream:
  // the same figures on every run, whichever sizes were asked for first).
  const designs = new Map<number, { sub: number[]; permutations: number[][]; u: () => number }>();
  const tuple = new Float64Array(maxBatch);
  const build = (size: number): void => {
    if (samples[size - 1] === undefined) {
      const m = Math.min(samplesPerBatch(size), sorted.length);
      let design = designs.get(m);
      if (!design) {
        design = { sub: Array.from({ length: m }, (_, i) => sorted[Math.floor(((i + 0.5) * sorted.length) / m)]), permutations: [], u: createStream(m, 'batch-service-latin-hypercube') };
        designs.set(m, design);
      }
      while (design.permutations.length < size) design.permutations.push(shuffled(m, design.u));
      const s = new Float64Array(m);
      for (let row = 0; row < m; row++) {
        for (let j = 0; j < size; j++) tuple[j] = design.sub[design.permutations[j][row]];
        s[row] = clearSeconds(tuple.subarray(0, size), limits.tokenBudget, cost);
      }
      samples[size - 1] = s;
    }
    const s = samples[size - 1];
    means[size - 1] = s.reduce((a, b) => a + b, 0) / s.length;
    seconds[size - 1] = s.reduce((a, b) => a + b * b, 0) / s.length;
  };
  const check = (k: number): void => {
    if (!(Number.isInteger(k) && k >= 1 && k <= maxBatch)) throw new RangeError(`batch of ${k}: expected 1 … ${maxBatch}`);
    if (means[k - 1] === undefined) build(k);
  };
  return {
    promptGrid,
    maxBatch,
    samples: (k) => (check(k), samples[k - 1]),
    meanSeconds: (k) => (check(k), means[k - 1]),
    secondMomentSeconds2: (k) => (check(k), seconds[k - 1]),
  };
}

function shuffled(n: number, u: () => number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(u() * (i + 1));
    [p[i], p[j]] = [p[j], p[i]];
  }
  return p;
}
