/**
 * The kernel benchmark as the serving calibration's one model: its step accounting gives each run's mean TTFT and
 * TPOT as term vectors, and with a fixed request count the benchmark at any coefficients prints exactly those terms
 * times the coefficients — so the fit (models/serving/fit.ts) is fitted on, and predicts, what `fleetplan benchmark`
 * itself computes.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from '../../../models/serving/step-terms.js';
import { benchmarkMeasuredRun, measuredRunTerms, singleScopeCalibration } from '../../../planner/benchmark/index.js';

const catalog = loadBuiltinCatalog();
const run = (over: Partial<MeasuredRun>): MeasuredRun => ({ source: 't', line: 1, backend: 'vllm', gpu: 'h100-sxm', llm: 'qwen3-32b', modelName: 'Qwen/Qwen3-32B', precision: 'bf16', mode: 'agg', tp: 2, concurrency: 1, inputTokens: 1024, outputTokens: 64, ttftSeconds: 0.1, tpotSeconds: 0.01, ...over });
const term = (name: (typeof STEP_TERMS)[number]) => STEP_TERMS.indexOf(name);
const dot = (t: readonly number[], c: readonly number[]) => t.reduce((s, v, j) => s + v * c[j], 0);

describe('benchmark step accounting', () => {
  it('one client: TTFT is one prompt step, TPOT decode-only steps, each charged one step of CPU', () => {
    const t = measuredRunTerms(catalog)(run({}));
    expect(t.ttft[term('prefill_attention')]).toBeGreaterThan(0);
    expect(t.ttft[term('step_cpu')]).toBeCloseTo(1e-3, 12);
    expect(t.tpot[term('prefill_attention')]).toBe(0);
    expect(t.tpot[term('step_cpu')]).toBeCloseTo(1e-3, 12);
    expect(t.ttft[term('request_overhead')]).toBe(0);
  });

  it('in lockstep (no client turnaround), prints exactly coefficients × terms at any coefficients (the schedule does not depend on step times), request overhead added to TTFT', () => {
    for (const r of [run({ concurrency: 64, inputTokens: 4096, outputTokens: 256, backend: 'trtllm' }), run({ concurrency: 16, inputTokens: 2048, outputTokens: 128, backend: 'sglang', tp: 4 }), run({ gpu: 'b200', llm: 'llama-3.1-70b', precision: 'fp8', tp: 1, concurrency: 32, inputTokens: 1024, outputTokens: 2048 })]) {
      const terms = measuredRunTerms(catalog)(r);
      for (const c of [[0.7, 1.4, 0.9, 1.2, 3, 2, 30, 5], [1.3, 0.2, 2, 0.8, 1, 6, 5, 40]]) {
        const { result, terms: again } = benchmarkMeasuredRun(r, catalog, singleScopeCalibration(c));
        expect(again.ttft).toEqual(terms.ttft);
        expect(again.tpot).toEqual(terms.tpot);
        expect(result.ttft_ms.mean / 1000 / (dot(terms.ttft, c) + c[term('request_overhead')] * REQUEST_OVERHEAD_UNIT_SECONDS) - 1).toBeCloseTo(0, 7);
        expect(result.tpot_ms.mean / 1000 / dot(terms.tpot, c) - 1).toBeCloseTo(0, 7);
        expect(result.run.measured_requests).toBe(r.concurrency * 10);
      }
    }
  });

  it('with a client turnaround, the schedule depends on the coefficients; TPOT is exactly coefficients × the terms of its own schedule, TTFT at most that (a mid-iteration arrival is stamped at the iteration start)', () => {
    const r = run({ gpu: 'b200', llm: 'llama-3.1-70b', precision: 'fp8', tp: 1, concurrency: 8, inputTokens: 1024, outputTokens: 256 });
    const withGap = (c: number[]) => ({ ...singleScopeCalibration(c), clientGapSeconds: 0.012 });
    const seen: number[][] = [];
    for (const c of [[0.7, 1.4, 0.9, 1.2, 3, 2, 30, 5], [1.3, 0.2, 2, 0.8, 1, 6, 5, 40]]) {
      const { result, terms } = benchmarkMeasuredRun(r, catalog, withGap(c));
      const linear = dot(terms.ttft, c) + c[term('request_overhead')] * REQUEST_OVERHEAD_UNIT_SECONDS;
      expect(result.ttft_ms.mean / 1000).toBeLessThanOrEqual(linear * (1 + 1e-9));
      expect(result.ttft_ms.mean / 1000).toBeGreaterThan(linear * 0.9);
      expect(result.tpot_ms.mean / 1000 / dot(terms.tpot, c) - 1).toBeCloseTo(0, 7);
      // measuredRunTerms runs the same benchmark: the fit reads exactly these terms.
      expect(measuredRunTerms(catalog)(r, { scopes: withGap(c).scopes, clientGapSeconds: 0.012 }).ttft).toEqual(terms.ttft);
      // Deterministic: the same calibration and seed give the same run, byte for byte.
      expect(JSON.stringify(benchmarkMeasuredRun(r, catalog, withGap(c)).result)).toBe(JSON.stringify(result));
      seen.push(terms.ttft);
    }
    expect(seen[0]).not.toEqual(seen[1]);
  });

  it('a client turnaround longer than a prompt iteration breaks the lockstep waves; a shorter one does not (the first arrival\'s iteration collects its wave again)', () => {
    const r = run({ gpu: 'b200', llm: 'llama-3.1-70b', precision: 'fp8', tp: 1, concurrency: 8, inputTokens: 1024, outputTokens: 1024 });
    const lockstep = measuredRunTerms(catalog)(r);
    const short = measuredRunTerms(catalog)(r, { clientGapSeconds: 0.012 });
    const long = measuredRunTerms(catalog)(r, { clientGapSeconds: 0.324 });
    const single = measuredRunTerms(catalog)(run({ ...r, concurrency: 1 }));
    const prefill = (t: { ttft: readonly number[] }) => t.ttft[term('excess_compute')];
    // In lockstep every TTFT waits for the whole wave's 8 × 1024 prompt tokens.
    expect(prefill(lockstep)).toBeGreaterThan(6 * prefill(single));
    // 12 ms (≪ the ~70 ms one prompt's iteration takes): most of each wave is still prefilled together.
    expect(prefill(short)).toBeGreaterThan(0.7 * prefill(lockstep));
    // 324 ms: the clients drift apart, a prompt mostly meets decodes (TTFT between one and two prompts' prefill).
    expect(prefill(long)).toBeLessThan(0.25 * prefill(lockstep));
  });

  it('a prompt chunk riding decode steps slows them: its GEMMs show up as excess compute in TPOT', () => {
    const alone = measuredRunTerms(catalog)(run({ concurrency: 1, inputTokens: 4096, outputTokens: 128 }));
    const shared = measuredRunTerms(catalog)(run({ concurrency: 32, inputTokens: 4096, outputTokens: 128 }));
    expect(alone.tpot[term('excess_compute')]).toBe(0);
    expect(shared.tpot[term('excess_compute')]).toBeGreaterThan(0);
    expect(shared.tpot[term('prefill_attention')]).toBeGreaterThan(0);
  });

  it('SGLang (prefill-first): prompt iterations pause the decoders, so a closed loop of equal requests stays in waves whose TTFT does not move with OSL', () => {
    const short = measuredRunTerms(catalog)(run({ backend: 'sglang', tp: 4, concurrency: 16, inputTokens: 2048, outputTokens: 128 }));
    const long = measuredRunTerms(catalog)(run({ backend: 'sglang', tp: 4, concurrency: 16, inputTokens: 2048, outputTokens: 512 }));
    // The decoders wait through the prompt iterations: TPOT carries prompt attention.
    expect(short.tpot[term('prefill_attention')]).toBeGreaterThan(0);
    short.ttft.forEach((v, j) => expect(Math.abs(v - long.ttft[j])).toBeLessThanOrEqual(1e-9 * Math.abs(v)));
  });

  it('a KV cache smaller than the clients need queues them: TTFT grows by whole request lifetimes', () => {
    // Qwen3-32B bf16 on one H100 holds ~48k tokens of KV: 64 clients of 4096 + 512 do not fit, 8 do.
    const few = measuredRunTerms(catalog)(run({ tp: 1, concurrency: 8, inputTokens: 4096, outputTokens: 512 }));
    const many = measuredRunTerms(catalog)(run({ tp: 1, concurrency: 64, inputTokens: 4096, outputTokens: 512 }));
    expect(many.ttft[term('memory')]).toBeGreaterThan(20 * few.ttft[term('memory')]);
  });
});
