/**
 * A disaggregated benchmark through the serving calibration: both sides keep step accounting, so a run's mean TTFT
 * is coefficients × its terms + the KV transfer's fixed seconds + the request overhead, and its mean TPOT
 * coefficients × its terms — exactly, at the coefficients the run used; at other coefficients exactly too whenever
 * the schedule does not depend on step times (one client; or every time scaled alike, with a free link).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { InstancePool } from '../../../catalogs/types.js';
import { createPerfModel } from '../../../models/index.js';
import type { DenseDisaggRun } from '../../../models/serving/disagg-rows.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from '../../../models/serving/step-terms.js';
import { benchmarkDisaggRun, disaggRunOptions, disaggRunSpec, runServingBenchmarkWithTerms, singleScopeCalibration } from '../../../planner/benchmark/index.js';

const catalog = loadBuiltinCatalog();
const term = (name: (typeof STEP_TERMS)[number]) => STEP_TERMS.indexOf(name);
const dot = (t: readonly number[], c: readonly number[]) => t.reduce((s, v, j) => s + v * c[j], 0);
const disagg = (over: Partial<DenseDisaggRun['run']>, prefill = { count: 1, tp: 1 }, decode = { count: 1, tp: 2 }): DenseDisaggRun => ({
  id: 't', prefill, decode,
  run: { source: 't', line: 1, backend: 'vllm', gpu: 'h100-sxm', llm: 'qwen3-32b', modelName: 'Qwen/Qwen3-32B', precision: 'fp8', mode: 'disagg', tp: decode.tp, concurrency: 1, inputTokens: 4000, outputTokens: 64, ttftSeconds: 0.5, tpotSeconds: 0.02, ...over },
});
const C1 = [0.7, 1.4, 0.9, 1.2, 3, 2, 30, 5];
const C2 = [1.3, 0.2, 2, 0.8, 1, 6, 5, 40];
const overhead = (c: readonly number[]) => c[term('request_overhead')] * REQUEST_OVERHEAD_UNIT_SECONDS;

describe('disaggregated benchmark step accounting', () => {
  it('one client: the same terms at any coefficients, TTFT = prefill terms + the KV transfer + overhead, TPOT = decode steps only', () => {
    const r = disagg({});
    const a = benchmarkDisaggRun(r, catalog, singleScopeCalibration(C1));
    const b = benchmarkDisaggRun(r, catalog, singleScopeCalibration(C2));
    expect(b.terms.ttft).toEqual(a.terms.ttft);
    expect(b.terms.tpot).toEqual(a.terms.tpot);
    // The KV (prompt + first token) crosses the default link once; nothing else is charged outside the steps.
    expect(a.terms.ttftFixedSeconds).toBeGreaterThan(0);
    expect(a.terms.ttft[term('prefill_attention')]).toBeGreaterThan(0);
    expect(a.terms.tpot[term('prefill_attention')]).toBe(0);
    for (const [c, { result, terms }] of [[C1, a], [C2, b]] as const) {
      expect(result.ttft_ms.mean / 1000 / (dot(terms.ttft, c) + terms.ttftFixedSeconds + overhead(c)) - 1).toBeCloseTo(0, 7);
      expect(result.tpot_ms.mean / 1000 / dot(terms.tpot, c) - 1).toBeCloseTo(0, 7);
      expect(result.run.kv_transfers).toBe(10);
    }
  });

  it('many clients on an xPyD set: exact at the run\'s coefficients (mid-iteration arrivals on both sides included)', () => {
    for (const r of [disagg({ concurrency: 48, outputTokens: 128 }, { count: 2, tp: 1 }, { count: 1, tp: 2 }), disagg({ backend: 'sglang', concurrency: 96, inputTokens: 2000, outputTokens: 200 }, { count: 3, tp: 1 }, { count: 2, tp: 2 })]) {
      for (const c of [C1, C2]) {
        const { result, terms } = benchmarkDisaggRun(r, catalog, singleScopeCalibration(c));
        expect(result.run.measured_requests).toBe(r.run.concurrency * 10);
        expect(result.ttft_ms.mean / 1000 / (dot(terms.ttft, c) + terms.ttftFixedSeconds + overhead(c)) - 1).toBeCloseTo(0, 7);
        expect(result.tpot_ms.mean / 1000 / dot(terms.tpot, c) - 1).toBeCloseTo(0, 7);
      }
    }
  });

  it('with a free link and no overhead, scaling every coefficient scales every time alike: the same schedule, the same terms, TTFT and TPOT scaled exactly', () => {
    const r = disagg({ concurrency: 48, outputTokens: 128 }, { count: 2, tp: 1 }, { count: 1, tp: 2 });
    const base = C1.map((v, j) => (j === term('request_overhead') ? 0 : v));
    const run = (scale: number) => {
      const calibration = singleScopeCalibration(base.map((v) => v * scale));
      const perfModelFor = (pool: InstancePool) => createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, { calibration, backend: 'vllm' });
      const spec = { ...disaggRunSpec(r, catalog, calibration), link: { bandwidthBytesPerSecond: Infinity, latencySeconds: 0 } };
      return runServingBenchmarkWithTerms(spec, perfModelFor, disaggRunOptions(r));
    };
    const one = run(1);
    const three = run(3);
    // The same schedule: the same terms (the elapsed shares of mid-iteration arrivals agree to float rounding).
    for (const k of ['ttft', 'tpot'] as const) one.terms![k].forEach((v, j) => expect(Math.abs(three.terms![k][j] - v)).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-15));
    expect(three.result.ttft_ms.mean / one.result.ttft_ms.mean).toBeCloseTo(3, 4);
    expect(three.result.tpot_ms.mean / one.result.tpot_ms.mean).toBeCloseTo(3, 4);
    expect(one.terms!.ttftFixedSeconds).toBe(0);
  });

  it('the kernel\'s fast mode (decode runs in closed form, a KV arrival stamped inside one) keeps the same terms as the reference mode', () => {
    const r = disagg({ backend: 'sglang', concurrency: 96, inputTokens: 2000, outputTokens: 200 }, { count: 3, tp: 1 }, { count: 2, tp: 2 });
    const calibration = singleScopeCalibration(C1);
    const perfModelFor = (pool: InstancePool) => createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, { calibration, backend: 'sglang' });
    const [fast, reference] = (['fast', 'reference'] as const).map((kernelMode) => runServingBenchmarkWithTerms(disaggRunSpec(r, catalog, calibration), perfModelFor, { ...disaggRunOptions(r), kernelMode }));
    for (const k of ['ttft', 'tpot'] as const) fast.terms![k].forEach((v, j) => expect(Math.abs(reference.terms![k][j] - v)).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-15));
    expect(fast.result.ttft_ms.mean).toBeCloseTo(reference.result.ttft_ms.mean, 3);
    expect(fast.result.tpot_ms.mean).toBeCloseTo(reference.result.tpot_ms.mean, 3);
  });
});
