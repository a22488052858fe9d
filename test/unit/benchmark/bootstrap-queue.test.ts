/**
 * The disaggregated benchmark's bootstrap queue (DisaggregatedSpec.decoderSlots, backend-policy.ts
 * `disaggDecoderSlots`): SGLang's decode server pre-allocates a request slot and KV before its prompt may prefill.
 * The slot count follows SGLang's DecodeReqToTokenPool; other backends get none, and their runs are unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { InstancePool } from '../../../catalogs/types.js';
import { disaggDecoderSlots } from '../../../models/serving/backend-policy.js';
import { runServingBenchmark, type DisaggregatedSpec } from '../../../planner/benchmark/index.js';
import { createSyntheticPerfModel } from '../kernel/fixtures.js';

const perfModelFor = (pool: InstancePool) => createSyntheticPerfModel(pool);
const limits = { maxNumSeqs: 256, maxNumBatchedTokens: 8192 };
const fixed = (value: number) => ({ kind: 'fixed' as const, value });

function disagg(concurrency: number, decoderSlots?: number): DisaggregatedSpec {
  return {
    mode: 'disagg', gpu: 'a40', llm: 'qwen3-0.6b', prefill: { count: 1, tp: 1 }, decode: { count: 2, tp: 1 }, prefillLimits: limits, decodeLimits: limits,
    link: { bandwidthBytesPerSecond: 25e9, latencySeconds: 1e-5 }, load: { kind: 'concurrency', concurrency }, isl: fixed(2048), osl: fixed(64),
    ...(decoderSlots !== undefined ? { decoderSlots } : {}),
  };
}

describe('disaggDecoderSlots', () => {
  it('is SGLang\'s max_running_requests + extra slots per attention-DP rank (twice the rank\'s requests up to 32, else none)', () => {
    expect(disaggDecoderSlots('sglang', 64, 8)).toBe(8 * (8 + 16));
    expect(disaggDecoderSlots('sglang', 32, 1)).toBe(96);
    expect(disaggDecoderSlots('sglang', 33, 1)).toBe(33);
    expect(disaggDecoderSlots('sglang', 1024, 8)).toBe(1024);
  });

  it('is undefined for backends without a bootstrap queue, and without a backend', () => {
    expect(disaggDecoderSlots('vllm', 64, 1)).toBeUndefined();
    expect(disaggDecoderSlots('trtllm', 64, 8)).toBeUndefined();
    expect(disaggDecoderSlots(undefined, 64, 1)).toBeUndefined();
  });
});

describe('runServingBenchmark with decoderSlots', () => {
  const options = { seed: 1, requestCount: 80 };

  it('a closed loop larger than the decoders\' slots waits before prefill: TTFT grows, TPOT does not', () => {
    const free = runServingBenchmark(disagg(8), perfModelFor, options);
    const held = runServingBenchmark(disagg(8, 2), perfModelFor, options);
    expect(held.operating_point.decoder_slots).toBe(2);
    expect(free.operating_point.decoder_slots).toBeNull();
    // 8 clients, 2 decoders × 2 slots: half the requests wait for a slot, their whole decode, before prefilling.
    expect(held.ttft_ms.mean).toBeGreaterThan(2 * free.ttft_ms.mean);
    expect(held.tpot_ms.mean).toBeLessThanOrEqual(free.tpot_ms.mean);
  });

  it('slots the loop never fills change no figure', () => {
    const free = runServingBenchmark(disagg(8), perfModelFor, options);
    const roomy = runServingBenchmark(disagg(8, 4), perfModelFor, options);
    expect({ ...roomy, operating_point: { ...roomy.operating_point, decoder_slots: null } }).toEqual(free);
  });

  it('rejects a slot count that is not a positive integer', () => {
    expect(() => runServingBenchmark(disagg(8, 0), perfModelFor, options)).toThrow(/decoderSlots must be an integer ≥ 1/);
  });
});
