/**
 * A check stopped once its miss is certain (planner/check/early-miss.ts) gives the full run's verdict: on fleets that
 * miss by far, by a little, and that hold, at several seeds, the early verdict equals the full run's; a stopped run's
 * attainment bound is at least what the full run measured; a run that is not stopped is the full run byte for byte.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet, InstancePool } from '../../../catalogs/types.js';
import { checkFleet, createKernelChecker, type KernelCheckOptions, type KernelCheckResult } from '../../../planner/check/kernel-check.js';
import { certainMiss } from '../../../planner/check/early-miss.js';
import { LLAMA_8B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerf } from './synthetic.js';

// A small GPU, so that a few instances span clear misses, narrow ones and holds.
const GPU = makeGpu('g0', { memoryBytes: 24e9, memoryBandwidthBytesPerSecond: 0.3e12, bf16FlopsPerSecond: 121e12, tdpWatts: 72, idleWatts: 15, capexUsd: 2_500 });
const perfModelFor = (pool: InstancePool) => syntheticPerf(GPU, LLAMA_8B, pool, pool.powerCapWatts)!;
const mix = makeMix([makeClass('c0', { arrivalRatePerSecond: 2, turns: { kind: 'uniform', min: 1, max: 3 }, firstInputTokens: { kind: 'lognormal', median: 2000, sigma: 0.4 }, outputTokens: { kind: 'fixed', value: 80 } })]);
const slo = makeSlo(30, 300);
const fleet = (prefill: number, decode: number): Fleet => ({
  instances: [
    { gpu: GPU.id, llm: LLAMA_8B.id, tp: 1, role: 'prefill', count: prefill },
    { gpu: GPU.id, llm: LLAMA_8B.id, tp: 1, role: 'decode', count: decode },
  ],
  links: [
    { from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 25e9, latencySeconds: 1e-5 },
    { from: 'decode', to: 'prefill', bandwidthBytesPerSecond: 25e9, latencySeconds: 1e-5 },
  ],
});
const options = (seed: number): KernelCheckOptions => ({ mix, slo, perfModelFor, seed, durationSeconds: 300 });

describe('certainMiss', () => {
  it('is certain only once the finished misses leave less than the required share even if every other conversation met', () => {
    const at = (measuredFinished: number, sloMet: number, inFlightCertainMisses = 0, drains = true) => ({ nowSeconds: 10, measuredFinished, sloMet, inFlightCertainMisses, drains });
    // 100 measured at most, 95% required: 5 misses still allow 95/100; the 6th makes it certain.
    expect(certainMiss(at(5, 0), slo, 100)).toBeUndefined();
    expect(certainMiss(at(50, 45), slo, 100)).toBeUndefined();
    expect(certainMiss(at(6, 0), slo, 100)).toMatchObject({ failedConversations: 6, measuredConversations: 100, attainmentAtMost: 0.94 });
    expect(certainMiss(at(0, 0), { ...slo, attainment: 0 }, 100)).toBeUndefined();
    // In-flight certain misses count only when every conversation finishes within the run.
    expect(certainMiss(at(3, 0, 3), slo, 100)).toMatchObject({ failedConversations: 6 });
    expect(certainMiss(at(3, 0, 3, false), slo, 100)).toBeUndefined();
  });
});

describe('a kernel check stopped at a certain miss', () => {
  it('gives the full run its verdict on fleets that miss and hold, at several seeds', () => {
    let stopped = 0;
    let held = 0;
    let missedInFull = 0;
    for (const seed of [1, 2, 3]) {
      for (const [p, d] of [[1, 2], [1, 3], [2, 2], [2, 3], [2, 4], [3, 6]]) {
        const full = checkFleet(fleet(p, d), options(seed)) as KernelCheckResult;
        const early = checkFleet(fleet(p, d), options(seed), { mayStopAtMiss: true });
        expect(early.holds, `${p}P+${d}D seed ${seed}`).toBe(full.holds);
        if ('stoppedEarly' in early && early.stoppedEarly) {
          stopped++;
          // The bound is the most the full run could reach; the full run measured no more, and missed.
          expect(full.attainment!.observed).toBeLessThanOrEqual(early.attainment!.observed);
          expect(early.attainment!.observed).toBeLessThan(slo.attainment);
          expect(early.stoppedEarly.measuredConversations).toBeGreaterThanOrEqual(full.simulation.conversations);
          expect(early.stoppedEarly.atSeconds).toBeLessThan(full.simulation.sim_time_s);
        } else {
          // Not stopped: the same run, byte for byte.
          expect(JSON.stringify(early)).toBe(JSON.stringify(full));
        }
        if (full.holds) held++;
        else missedInFull++;
      }
    }
    // The fleets span both verdicts and the early stop happened (else the test proves nothing).
    expect(held).toBeGreaterThan(0);
    expect(missedInFull).toBeGreaterThan(0);
    expect(stopped).toBeGreaterThan(0);
  });

  it('runs in full unless asked (createKernelChecker without options)', async () => {
    const r = (await createKernelChecker(options(1))(fleet(1, 2))) as KernelCheckResult;
    expect(r.holds).toBe(false);
    expect(r.simulation).toBeDefined();
  });
});
