/**
 * The batching-server prefill queue (planner/demand/batch-queue.ts): its embedded-chain solution reduces to
 * Pollaczek–Khinchine at batch 1, batching with a shared floor waits less than single-prompt service, and the rate cap
 * the planner plans with reduces to the M/G/1 utilisation cap when no batch can form.
 */
import { describe, expect, it } from 'vitest';
import type { PrefillPiece } from '../../../models/types.js';
import { analyseBatchQueue, chainFigures, extraDelayTailProbability, meanExtraDelaySeconds, mixedPoissonPmf, mixedPoissonPmfSummedToJ } from '../../../planner/demand/batch-queue.js';
import { buildBatchService, clearSeconds } from '../../../planner/demand/batch-service.js';
import { arrivalRateCap, twinOf, utilisationCap, waitTailProbability } from '../../../planner/demand/queueing.js';
import { createStream } from '../../../models/random.js';

/** Floor 20 ms, 20 µs per token, attention 1 ns per token pair; a batch pays the floor once. */
function cost(pieces: readonly PrefillPiece[]): number {
  const computing = pieces.filter((p) => p.newTokens > 0);
  if (computing.length === 0) return 0;
  return 0.02 + computing.reduce((s, p) => s + 2e-5 * p.newTokens + 1e-9 * p.newTokens * (p.cachedTokens + p.newTokens / 2), 0);
}

const grid = Array.from({ length: 256 }, (_, i) => 200 + (1000 * (i + 0.5)) / 256);
const unbounded = 1 << 20;

describe('batch service', () => {
  it('S_1 is the single-prompt time on the grid; a prompt over the token budget is chunked against its own prefix', () => {
    const s = buildBatchService(grid, { maxBatch: 8, tokenBudget: unbounded }, cost);
    expect(s.meanSeconds(1)).toBeCloseTo(grid.reduce((a, n) => a + cost([{ newTokens: n, cachedTokens: 0 }]), 0) / grid.length, 12);
    expect(clearSeconds([5000], 2048, cost)).toBeCloseTo(cost([{ newTokens: 2048, cachedTokens: 0 }]) + cost([{ newTokens: 2048, cachedTokens: 2048 }]) + cost([{ newTokens: 904, cachedTokens: 4096 }]), 12);
    // Two prompts in one iteration pay one floor (and the sampled pairs cover the grid: within 1% of two singles' work).
    expect(s.meanSeconds(2) - 0.02).toBeGreaterThan(0.99 * 2 * (s.meanSeconds(1) - 0.02));
    expect(s.meanSeconds(2) - 0.02).toBeLessThan(1.01 * 2 * (s.meanSeconds(1) - 0.02));
  });

  it('caps the batch at the prompts one token budget holds on average', () => {
    expect(buildBatchService(grid, { maxBatch: 64, tokenBudget: 16384 }, cost).maxBatch).toBe(23);
    expect(buildBatchService(grid, { maxBatch: 8, tokenBudget: 16384 }, cost).maxBatch).toBe(8);
    expect(buildBatchService(grid, { maxBatch: 64, tokenBudget: 512 }, cost).maxBatch).toBe(1);
  });
});

describe('batch queue', () => {
  it('at batch 1 the embedded chain gives Pollaczek–Khinchine', () => {
    const s = buildBatchService(grid, { maxBatch: 1, tokenBudget: unbounded }, cost);
    for (const rho of [0.3, 0.7, 0.9]) {
      const lambda = rho / s.meanSeconds(1);
      const pk = (lambda * s.secondMomentSeconds2(1)) / (2 * (1 - rho));
      const chain = chainFigures(lambda, s);
      expect(chain.meanWaitSeconds / pk - 1).toBeLessThan(1e-6);
      expect(chain.meanWaitSeconds / pk - 1).toBeGreaterThan(-1e-6);
      expect(chain.busyFraction).toBeCloseTo(rho, 9);
      expect(analyseBatchQueue(lambda, s).meanWaitSeconds).toBeCloseTo(pk, 12);
    }
  });

  it('batching with a shared floor waits less than single-prompt service and stays stable past λ·E[S_1] = 1', () => {
    const one = buildBatchService(grid, { maxBatch: 1, tokenBudget: unbounded }, cost);
    const eight = buildBatchService(grid, { maxBatch: 8, tokenBudget: unbounded }, cost);
    const lambda = 0.8 / one.meanSeconds(1);
    const a = analyseBatchQueue(lambda, one);
    const b = analyseBatchQueue(lambda, eight);
    expect(b.meanWaitSeconds).toBeLessThan(0.6 * a.meanWaitSeconds);
    expect(b.busyFraction).toBeLessThan(a.busyFraction);
    expect(b.meanBatch).toBeGreaterThan(1.1);
    const beyond = 1.1 / one.meanSeconds(1);
    expect(analyseBatchQueue(beyond, one).stable).toBe(false);
    const f = analyseBatchQueue(beyond, eight);
    expect(f.stable).toBe(true);
    expect(f.busyFraction).toBeLessThan(1);
    // Full batches that cannot keep up are unstable.
    expect(analyseBatchQueue((1.01 * 8) / eight.meanSeconds(8), eight).stable).toBe(false);
  });

  it('the rate cap is the M/G/1 cap at batch 1, higher with batching, and meets its own tail bound', () => {
    const one = buildBatchService(grid, { maxBatch: 1, tokenBudget: unbounded }, cost);
    const eight = buildBatchService(grid, { maxBatch: 8, tokenBudget: unbounded }, cost);
    const service = { meanSeconds: one.meanSeconds(1), secondMomentSeconds2: one.secondMomentSeconds2(1) };
    for (const budget of [0.02, 0.1, 0.5]) {
      const rho = utilisationCap(budget, 0.95, service);
      expect(arrivalRateCap(budget, 0.95, one)).toBeCloseTo(rho / one.meanSeconds(1), 9);
      expect(waitTailProbability(rho, budget, service)).toBeLessThanOrEqual(0.05 + 1e-9);
      const rate = arrivalRateCap(budget, 0.95, eight);
      expect(rate).toBeGreaterThan(rho / one.meanSeconds(1));
      const at = analyseBatchQueue(rate, eight);
      expect(extraDelayTailProbability(budget, at, eight)).toBeLessThanOrEqual(0.05);
      expect(extraDelayTailProbability(budget, analyseBatchQueue(rate * 1.01, eight), eight) > 0.05 || analyseBatchQueue(rate * 1.01, eight).busyFraction > 0.95).toBe(true);
      expect(meanExtraDelaySeconds(at, eight)).toBeGreaterThan(0);
    }
    expect(arrivalRateCap(0, 0.95, eight)).toBe(0);
  });
});

describe('arrival pmf', () => {
  /** Equal bit for bit: same length, every entry the same double. */
  const identical = (a: Float64Array, b: Float64Array): boolean => a.length === b.length && a.every((x, j) => Object.is(x, b[j]));

  it('stopping the sum where the 1e-15 tail is decided gives exactly the pmf summed to J', () => {
    const u = createStream(7, 'arrival-pmf-test');
    let shorter = 0;
    for (let trial = 0; trial < 400; trial++) {
      // Service samples spread over two decades around a median, means λ s from 1e-6 to past the log-term switch (600).
      const m = [1, 16, 64, 256][trial % 4];
      const median = 10 ** (-3 + 3 * u());
      const samples = Float64Array.from({ length: m }, () => median * 10 ** (2 * u() - 1));
      const lambda = 10 ** (-6 + 8.5 * u()) / median;
      const full = mixedPoissonPmfSummedToJ(lambda, samples);
      const fast = mixedPoissonPmf(lambda, samples);
      expect(identical(fast, full), `trial ${trial}: λ ${lambda}, median ${median}`).toBe(true);
      let muMax = 0;
      for (const s of samples) muMax = Math.max(muMax, lambda * s);
      if (full.length < Math.ceil(muMax + 12 * Math.sqrt(muMax) + 12) + 1) shorter++;
    }
    // The trim cut something in most trials: the early stop was exercised, not only the sum to J.
    expect(shorter).toBeGreaterThan(300);
  });

  it('is a probability law: the kept mass is within 1e-15 of 1', () => {
    const pmf = mixedPoissonPmf(3, Float64Array.from([0.5, 1, 2, 4]));
    expect(Math.abs(pmf.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-14);
    expect(pmf[pmf.length - 1]).toBeGreaterThan(0);
  });
});

describe('twin services', () => {
  it('a service with bit-identical samples on the same grid shares the first one\'s rate caps; one that differs only in its largest batch does not', () => {
    // A grid object of this test's own (twins are registered per grid object, and the tests above used `grid`).
    const classGrid = [...grid];
    const first = buildBatchService(classGrid, { maxBatch: 8, tokenBudget: unbounded }, cost);
    // Another cost function with the same figures (another GPU type timed alike): a twin.
    const same = buildBatchService(classGrid, { maxBatch: 8, tokenBudget: unbounded }, (pieces) => cost(pieces));
    // The same up to batches of 7; an 8-prompt iteration costs 1% more.
    const eighth = buildBatchService(classGrid, { maxBatch: 8, tokenBudget: unbounded }, (pieces) => cost(pieces) * (pieces.length === 8 ? 1.01 : 1));
    // Same samples, another grid object: not registered together.
    const otherGrid = buildBatchService([...grid], { maxBatch: 8, tokenBudget: unbounded }, cost);
    expect(twinOf(first)).toBe(first);
    expect(twinOf(same)).toBe(first);
    expect(twinOf(eighth)).toBe(eighth);
    expect(twinOf(otherGrid)).toBe(otherGrid);
    // The twin's answer is the one its own search gives (a fresh copy of the grid: nothing shared with it).
    for (const budget of [0.05, 0.3]) {
      expect(arrivalRateCap(budget, 0.95, same)).toBe(arrivalRateCap(budget, 0.95, otherGrid));
      expect(arrivalRateCap(budget, 0.95, first)).toBe(arrivalRateCap(budget, 0.95, same));
    }
    // Batches of one: no twin lookup (the closed form is cheaper than the comparison).
    const one = buildBatchService(classGrid, { maxBatch: 1, tokenBudget: unbounded }, cost);
    expect(twinOf(buildBatchService(classGrid, { maxBatch: 1, tokenBudget: unbounded }, cost))).not.toBe(one);
  });
});
