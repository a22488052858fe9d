/**
 * runServingBenchmark on a synthetic perf model whose step times are known in closed form: the benchmark's
 * definitions (TTFT, TPOT, ITL), the closed loop's invariants (Little's law), the open loop's rate, agg vs disagg,
 * determinism, and agreement of the kernel's fast and reference modes.
 */
import { describe, expect, it } from 'vitest';
import type { InstancePool } from '../../../catalogs/types.js';
import { runServingBenchmark, runServingBenchmarkSliced, type AggregatedSpec, type BenchmarkSpec } from '../../../planner/benchmark/index.js';
import { createSyntheticPerfModel, DEFAULT_COEFFICIENTS as C } from '../kernel/fixtures.js';

const perfModelFor = (pool: InstancePool) => createSyntheticPerfModel(pool);
const limits = { maxNumSeqs: 256, maxNumBatchedTokens: 8192 };
const fixed = (value: number) => ({ kind: 'fixed' as const, value });

function agg(load: BenchmarkSpec['load'], isl = 1024, osl = 128): BenchmarkSpec {
  return { mode: 'agg', gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, limits, load, isl: fixed(isl), osl: fixed(osl) };
}

function disagg(load: BenchmarkSpec['load'], isl = 1024, osl = 128): BenchmarkSpec {
  return {
    mode: 'disagg', gpu: 'a40', llm: 'qwen3-0.6b', prefill: { count: 1, tp: 1 }, decode: { count: 1, tp: 1 }, prefillLimits: limits, decodeLimits: limits,
    link: { bandwidthBytesPerSecond: 25e9, latencySeconds: 1e-5 }, load, isl: fixed(isl), osl: fixed(osl),
  };
}

describe('runServingBenchmark', () => {
  it('at concurrency 1 reports the model\'s own prefill and decode times: TTFT, TPOT = (e2e − ttft)/(osl − 1), ITL', () => {
    const isl = 1024;
    const osl = 128;
    const r = runServingBenchmark(agg({ kind: 'concurrency', concurrency: 1 }, isl, osl), perfModelFor, { seed: 1 });
    const prefill = C.prefillInterceptSeconds + C.prefillPerTokenSeconds * isl + C.prefillAttentionSeconds * isl * (isl / 2);
    // Decode step k (k = 1 … osl − 1) reads the prompt, the first token and k − 1 more: the mean context is isl + osl/2.
    const tpot = C.decodeBaseSeconds + C.decodePerSequenceSeconds + C.decodePerContextTokenSeconds * (isl + osl / 2);
    expect(r.ttft_ms.mean).toBeCloseTo(prefill * 1000, 6);
    expect(r.tpot_ms.mean).toBeCloseTo(tpot * 1000, 6);
    expect(r.itl_ms.mean).toBeCloseTo(tpot * 1000, 4);
    expect(r.e2e_ms.mean).toBeCloseTo((prefill + (osl - 1) * tpot) * 1000, 5);
    expect(r.request_throughput_per_s).toBeCloseTo(1 / (prefill + (osl - 1) * tpot), 3);
    expect(r.output_tokens_per_s).toBeCloseTo(osl * r.request_throughput_per_s, 3);
    expect(r.run.converged).toBe(true);
  });

  for (const concurrency of [8, 64]) {
    it(`closed loop at concurrency ${concurrency}: N in flight after warm-up, Little's law (throughput × E2E ≈ N)`, () => {
      const r = runServingBenchmark(agg({ kind: 'concurrency', concurrency }), perfModelFor, { seed: 2 });
      expect(r.run.max_in_flight).toBe(concurrency);
      expect(r.run.converged).toBe(true);
      expect(r.run.warmup_requests).toBeGreaterThanOrEqual(2 * concurrency);
      expect(r.run.measured_requests).toBeGreaterThanOrEqual(5 * Math.max(64, concurrency));
      const inFlight = (r.request_throughput_per_s * r.e2e_ms.mean) / 1000;
      expect(Math.abs(inFlight - concurrency) / concurrency).toBeLessThan(0.02);
      expect(r.output_tokens_per_s_per_gpu).toBeCloseTo(r.output_tokens_per_s, 6);
      // ITL and TPOT cover the same requests: with every request OSL long, their means are the same gaps averaged.
      expect(Math.abs(r.itl_ms.mean - r.tpot_ms.mean) / r.tpot_ms.mean).toBeLessThan(1e-6);
      expect(r.tokens_per_j).toBeCloseTo(r.output_tokens_per_s / r.power_w, 3);
    });
  }

  it('open loop: the served rate matches the offered Poisson rate below saturation', () => {
    const r = runServingBenchmark({ ...agg({ kind: 'rate', ratePerSecond: 4 }), isl: { kind: 'lognormal', median: 800, sigma: 0.4, max: 4000 } }, perfModelFor, { seed: 5 });
    expect(Math.abs(r.request_throughput_per_s - 4) / 4).toBeLessThan(0.08);
    expect(r.run.measured_requests).toBeGreaterThan(300);
    expect(r.operating_point.rate_per_s).toBe(4);
    expect(r.operating_point.concurrency).toBeNull();
  });

  it('open loop above what the instance serves: ends as overloaded instead of running without a steady state', () => {
    const r = runServingBenchmark(agg({ kind: 'rate', ratePerSecond: 200 }), perfModelFor, { seed: 5, maxInFlight: 500 });
    expect(r.run.overloaded).toBe(true);
    expect(r.run.converged).toBe(false);
    expect(r.run.max_in_flight).toBeGreaterThan(500);
    // Below capacity the same instance is not overloaded.
    expect(runServingBenchmark(agg({ kind: 'rate', ratePerSecond: 2 }), perfModelFor, { seed: 5, maxInFlight: 500 }).run.overloaded).toBe(false);
  });

  it('disaggregated: KV moved once per request, decodes free of prefill interference (lower TPOT than agg at load)', () => {
    const load = { kind: 'concurrency', concurrency: 32 } as const;
    const a = runServingBenchmark(agg(load, 4096, 64), perfModelFor, { seed: 3 });
    const d = runServingBenchmark(disagg(load, 4096, 64), perfModelFor, { seed: 3 });
    expect(a.run.kv_transfers).toBe(0);
    expect(d.run.kv_transfers).toBeGreaterThanOrEqual(d.run.measured_requests);
    expect(d.tpot_ms.mean).toBeLessThan(a.tpot_ms.mean);
    expect(d.operating_point.gpus).toBe(2);
    expect(a.operating_point.gpus).toBe(1);
    expect(d.operating_point.policy).toBe('conserve');
    // Alone, a request's first token is computed by the same prefill either way, but reaches the client from the
    // decoder: after the KV transfer (prompt + first token over the link), when the idle decoder takes it at once.
    const a1 = runServingBenchmark(agg({ kind: 'concurrency', concurrency: 1 }), perfModelFor, { seed: 3 });
    const spec1 = disagg({ kind: 'concurrency', concurrency: 1 });
    const d1 = runServingBenchmark(spec1, perfModelFor, { seed: 3 });
    const kvBytesPerToken = perfModelFor({ gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, role: 'prefill', count: 1 }).kvBytesPerToken;
    const transferSeconds = 1e-5 + ((1024 + 1) * kvBytesPerToken) / 25e9;
    expect(d1.ttft_ms.mean).toBeCloseTo(a1.ttft_ms.mean + transferSeconds * 1000, 6);
    // …so the decode gaps after it are the same decode steps as agg's.
    expect(d1.tpot_ms.mean).toBeCloseTo(a1.tpot_ms.mean, 6);
  });

  it('is deterministic: the same seed gives byte-identical results, another seed other draws', () => {
    const spec: BenchmarkSpec = { ...agg({ kind: 'concurrency', concurrency: 16 }), isl: { kind: 'uniform', min: 200, max: 3000 }, osl: { kind: 'exponential', mean: 100, max: 600 } };
    const once = JSON.stringify(runServingBenchmark(spec, perfModelFor, { seed: 9 }));
    expect(JSON.stringify(runServingBenchmark(spec, perfModelFor, { seed: 9 }))).toBe(once);
    expect(JSON.stringify(runServingBenchmark(spec, perfModelFor, { seed: 10 }))).not.toBe(once);
  });

  it('run in slices (the CLI\'s interruptible path) it gives the same JSON as the synchronous function, agg and disagg', async () => {
    const load = { kind: 'rate', ratePerSecond: 6 } as const;
    for (const spec of [{ ...agg(load), isl: { kind: 'uniform', min: 200, max: 3000 }, osl: { kind: 'exponential', mean: 100, max: 600 } } as BenchmarkSpec, disagg(load, 2048, 64)]) {
      let yields = 0;
      const sliced = await runServingBenchmarkSliced(spec, perfModelFor, { seed: 7 }, { yieldNow: async () => void yields++, shouldStop: () => false, sliceEvents: 500 });
      expect(yields, 'many slices, so a state carried across slices would show').toBeGreaterThan(5);
      expect(JSON.stringify(sliced)).toBe(JSON.stringify(runServingBenchmark(spec, perfModelFor, { seed: 7 })));
    }
  });

  it('run in slices, a stop request rejects with an AbortError', async () => {
    let yields = 0;
    const run = runServingBenchmarkSliced(agg({ kind: 'rate', ratePerSecond: 6 }), perfModelFor, { seed: 7 }, { yieldNow: async () => void yields++, shouldStop: () => yields >= 1 });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(yields).toBe(1);
  });

  it('the kernel\'s fast and reference modes give the same benchmark', () => {
    const spec: BenchmarkSpec = { ...agg({ kind: 'concurrency', concurrency: 24 }), isl: { kind: 'uniform', min: 200, max: 3000 }, osl: { kind: 'uniform', min: 2, max: 300 } };
    const fast = runServingBenchmark(spec, perfModelFor, { seed: 4 });
    const reference = runServingBenchmark(spec, perfModelFor, { seed: 4, kernelMode: 'reference' });
    for (const key of ['ttft_ms', 'tpot_ms', 'e2e_ms'] as const) expect(reference[key].mean).toBeCloseTo(fast[key].mean, 6);
    expect(reference.itl_ms.mean).toBeCloseTo(fast.itl_ms.mean, 4);
    expect(reference.request_throughput_per_s).toBeCloseTo(fast.request_throughput_per_s, 6);
    expect(reference.power_w).toBeCloseTo(fast.power_w, 3);
    expect(reference.run.measured_requests).toBe(fast.run.measured_requests);
  });

  it('prefill-first (SGLang) and a fixed request count: fast and reference modes agree, every request is measured, and prompt iterations pause the decoders', () => {
    const spec: AggregatedSpec = { ...(agg({ kind: 'concurrency', concurrency: 16 }, 2048, 64) as AggregatedSpec), prefillPausesDecode: true };
    const fast = runServingBenchmark(spec, perfModelFor, { seed: 4, requestCount: 80 });
    const reference = runServingBenchmark(spec, perfModelFor, { seed: 4, requestCount: 80, kernelMode: 'reference' });
    for (const key of ['ttft_ms', 'tpot_ms', 'e2e_ms'] as const) expect(reference[key].mean).toBeCloseTo(fast[key].mean, 6);
    expect(fast.run.measured_requests).toBe(80);
    expect(fast.run.warmup_requests).toBe(0);
    expect(fast.operating_point.prefill_pauses_decode).toBe(true);
    // Paused decoders wait through whole prompt iterations: the longest token gap is a prompt iteration of the
    // whole budget, longer than any gap when the chunks ride decode steps under the same budget.
    const mixed = runServingBenchmark({ ...spec, prefillPausesDecode: false }, perfModelFor, { seed: 4, requestCount: 80 });
    expect(fast.itl_ms.p99).toBeGreaterThan(mixed.itl_ms.p99);
  });

  it('refuses (and counts) requests longer than the KV an instance holds, and says when no request fits', () => {
    const small = (pool: InstancePool) => createSyntheticPerfModel(pool, { kvCapacityTokens: 3000 });
    const r = runServingBenchmark({ ...agg({ kind: 'concurrency', concurrency: 4 }), isl: { kind: 'uniform', min: 100, max: 4000 }, osl: fixed(50) }, small, { seed: 1 });
    expect(r.run.refused_requests).toBeGreaterThan(0);
    expect(() => runServingBenchmark(agg({ kind: 'concurrency', concurrency: 4 }, 5000, 50), small, { seed: 1 })).toThrow(/more KV than the 3000 tokens/);
  });
});
