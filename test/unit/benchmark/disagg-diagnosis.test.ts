/**
 * The disagg diagnosis's load figures (models/moe/disagg-diagnosis.ts) on a stub model whose prices are known: the
 * closed loop's measured rate, the prefill set's capacity at its limits, and the verdicts they give.
 */
import { describe, expect, it } from 'vitest';
import { disaggRunLoad, ttftVerdict } from '../../../models/moe/disagg-diagnosis.js';
import type { PerfModel, PrefillPiece } from '../../../models/types.js';
import type { DisaggregatedSpec } from '../../../planner/benchmark/types.js';

/** 50 ms per iteration + 100 ms per 1,000 prompt tokens; a decode step of 5 ms + 0.1 ms per sequence. */
const stub = {
  prefillBatchSeconds: (pieces: readonly PrefillPiece[]) => 0.05 + pieces.reduce((s, p) => s + p.newTokens, 0) * 1e-4,
  decodeStepSeconds: (batch: number) => 0.005 + batch * 1e-4,
} as unknown as PerfModel;

const spec = (prefillCount: number, maxNumSeqs: number, budget: number): DisaggregatedSpec => ({
  mode: 'disagg', gpu: 'b200', llm: 'deepseek-v3', prefill: { count: prefillCount, tp: 1, ep: 4 }, decode: { count: 2, tp: 8, ep: 8 },
  prefillLimits: { maxNumSeqs, maxNumBatchedTokens: budget }, decodeLimits: { maxNumSeqs: 64, maxNumBatchedTokens: 64 },
  link: { bandwidthBytesPerSecond: 1e11, latencySeconds: 0 }, load: { kind: 'concurrency', concurrency: 100 },
  isl: { kind: 'fixed', value: 1000 }, osl: { kind: 'fixed', value: 101 },
});

describe('disaggRunLoad', () => {
  it('sets the closed loop rate against a full prefill iteration at the limits', () => {
    // c100, TTFT 1 s, 100 gaps of 10 ms: each client cycles in 2 s → 50 requests/s.
    const l = disaggRunLoad({ concurrency: 100, ttftS: 1, tpotS: 0.01 }, spec(2, 4, 10_000), stub, stub);
    expect(l.measuredRatePerS).toBeCloseTo(50, 9);
    // 4 prompts per iteration (max_num_seqs binds before the 10,000-token budget): 0.05 + 0.4 s.
    expect(l.promptsPerIteration).toBe(4);
    expect(l.fullIterationS).toBeCloseTo(0.45, 9);
    expect(l.prefillCapacityPerS).toBeCloseTo((2 * 4) / 0.45, 9);
    expect(l.iterationAtMeasuredRateS).toBeCloseTo(8 / 50, 9);
    expect(l.prefillLoad).toBeCloseTo(50 / (8 / 0.45), 9);
    expect(l.singlePromptS).toBeCloseTo(0.15, 9);
    // Half of each cycle decoding: 50 sequences, 25 per decoder.
    expect(l.decodeOccupancy).toBeCloseTo(25, 9);
    expect(l.modelDecodeStepS).toBeCloseTo(0.0075, 9);
  });

  it('takes the token budget when it binds first', () => {
    expect(disaggRunLoad({ concurrency: 100, ttftS: 1, tpotS: 0.01 }, spec(1, 8, 2_500), stub, stub).promptsPerIteration).toBe(2);
  });

  it('names the miss', () => {
    const saturated = disaggRunLoad({ concurrency: 100, ttftS: 1, tpotS: 0.01 }, spec(2, 4, 10_000), stub, stub);
    expect(ttftVerdict(saturated, 1, 1.2, 0)).toBe('within 30%');
    expect(ttftVerdict(saturated, 1, 3, 0)).toBe('prefill capacity');
    expect(ttftVerdict(saturated, 1, 0.3, 0)).toBe('near saturation');
    const light = disaggRunLoad({ concurrency: 2, ttftS: 1, tpotS: 0.01 }, spec(2, 4, 10_000), stub, stub);
    expect(ttftVerdict(light, 1, 0.2, 0)).toBe('unexplained delay');
    expect(ttftVerdict(light, 0.3, 0.2, 0)).toBe('too fast, unsaturated');
    expect(ttftVerdict(light, 0.1, 0.25, 0)).toBe('prompt price');
    expect(ttftVerdict(light, 0.1, 1, 0)).toBe('first wave');
  });
});
