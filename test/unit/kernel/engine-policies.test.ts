/**
 * The serving stacks' documented scheduler defaults as the kernel's engine runs them (models/serving/backend-policy.ts):
 * TensorRT-LLM's GUARANTEED_NO_EVICT admission (a request starts only when its whole life fits beside the running
 * requests' remaining lives) against the default admission (vLLM, TensorRT-LLM MAX_UTILIZATION: while the prompt fits),
 * whole prompts per iteration (TensorRT-LLM's chunked prefill off) against chunked ones, and each stack's KV pool.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { createPerfModel } from '../../../models/index.js';
import { backendKvCapacityOptions, backendScheduling, BACKEND_POLICIES, sglangMemFractionStatic } from '../../../models/serving/backend-policy.js';
import { computeKvCapacity, kvBytesPerToken, weightBytes, DEFAULT_ACTIVATION_RESERVE_BYTES } from '../../../models/specs.js';
import { measuredRunSpec, singleScopeCalibration } from '../../../planner/benchmark/measured-run.js';
import { simulateConversations } from '../../../planner/kernel/kernel.js';
import { resolveOptions, type ConversationSpec, type KernelOptions } from '../../../planner/kernel/types.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';
import { buildFleet, createSyntheticPerfModel, DEFAULT_COEFFICIENTS } from './fixtures.js';

function request(id: string, arrivalSeconds: number, inputTokens: number, outputTokens: number): ConversationSpec {
  return { id, classId: 'c', arrivalSeconds, turns: [{ inputTokens, outputTokens, toolLatencySeconds: 0 }] };
}

function run(requests: readonly ConversationSpec[], options: Partial<KernelOptions>, capacityTokens = DEFAULT_COEFFICIENTS.kvCapacityTokens) {
  const fleet = buildFleet({ colocated: 1 });
  return simulateConversations(fleet, requests, (pool) => createSyntheticPerfModel(pool, { kvCapacityTokens: capacityTokens }), { policy: 'colocated', seed: 1, mode: 'reference', ...options });
}

describe('admission: GUARANTEED_NO_EVICT against the default (current need)', () => {
  // 3,000 KV tokens. A (1,000 in, 1,000 out) will hold 2,000; B (500 in, 1,000 out) would hold 1,500: both prompts fit
  // at once, both whole lives do not.
  const requests = [request('a', 0, 1000, 1000), request('b', 0.001, 500, 1000)];

  it('makes B wait for A to finish, and never preempts', () => {
    const guaranteed = run(requests, { admission: 'guaranteed-no-evict' }, 3000);
    expect(guaranteed.conversations).toBe(2);
    expect(guaranteed.preemptions).toBe(0);
    // B's first token comes after A's 1,000 decode steps (≥ 8 ms each): its TTFT alone is over 8 s.
    expect(guaranteed.ttfet_s.max).toBeGreaterThan(1000 * DEFAULT_COEFFICIENTS.decodeBaseSeconds);
  });

  it('admits B at once under the default admission, which then has to preempt as both grow', () => {
    const current = run(requests, { admission: 'current-need' }, 3000);
    expect(current.conversations).toBe(2);
    expect(current.preemptions).toBeGreaterThan(0);
    // Without the preemption B's first token would come in the next iteration: its TTFT is far below A's lifetime.
    const guaranteed = run(requests, { admission: 'guaranteed-no-evict' }, 3000);
    expect(guaranteed.ttfet_s.mean).toBeGreaterThan(5 * current.ttfet_s.mean);
  });

  it('changes nothing when every whole life fits', () => {
    const roomy = [request('a', 0, 1000, 1000), request('b', 0.001, 500, 1000)];
    const a = run(roomy, { admission: 'guaranteed-no-evict' }, 10_000);
    const b = run(roomy, { admission: 'current-need' }, 10_000);
    expect(a.ttfet_s.mean).toBe(b.ttfet_s.mean);
    expect(a.tbt_ms.mean).toBe(b.tbt_ms.mean);
  });
});

describe("admission: SGLang's new-token-ratio reserve", () => {
  // 6,000 KV tokens. A (1,000 in, 4,000 out) runs; B (1,500 in, 1,000 out) arrives at once. B's prompt + whole output
  // (2,500) must fit beside A's remaining output × new_token_ratio: at 0.7 that is 2,800, and 1,001 + 2,800 + 2,500 ≥
  // 6,000, so B waits until the ratio has decayed (0.0009 per decode step) and A's remaining output shrunk enough.
  // B's prompt alone fits at once, which is all the default admission asks.
  const requests = [request('a', 0, 1000, 4000), request('b', 0.001, 1500, 1000)];

  it('makes B wait for the reserve to shrink, where the default admission takes it at once', () => {
    const ratio = run(requests, { admission: 'new-token-ratio', prefillPausesDecode: true }, 6000);
    const current = run(requests, { prefillPausesDecode: true }, 6000);
    expect(ratio.conversations).toBe(2);
    // The decode steps k B waits: the first k with 1,001 + k + 2,500 < 6,000 − (3,999 − k) × ratio(k).
    let k = 0;
    const floor = 0.7 * 0.14;
    const r = (steps: number) => Math.max(floor, 0.7 - ((0.7 - floor) / 600) * steps);
    while (1001 + k + 2500 >= 6000 - (4000 - 1 - k) * r(k)) k++;
    expect(k).toBeGreaterThan(50);
    expect(ratio.ttfet_s.max).toBeGreaterThan(k * c8ms());
    expect(ratio.ttfet_s.mean).toBeGreaterThan(3 * current.ttfet_s.mean);
    expect(current.ttfet_s.max).toBeLessThan(k * c8ms());
  });

  it('gives the same run advanced in closed form as iteration by iteration', () => {
    const fast = run(requests, { admission: 'new-token-ratio', prefillPausesDecode: true, mode: 'fast' }, 6000);
    const reference = run(requests, { admission: 'new-token-ratio', prefillPausesDecode: true, mode: 'reference' }, 6000);
    expect(fast.ttfet_s.mean).toBeCloseTo(reference.ttfet_s.mean, 9);
    expect(fast.tbt_ms.mean).toBeCloseTo(reference.tbt_ms.mean, 6);
  });
});

/** The synthetic model's decode step floor (the shortest a decode iteration can be). */
function c8ms(): number {
  return DEFAULT_COEFFICIENTS.decodeBaseSeconds;
}

describe('whole prompts (chunked prefill off) against chunked prefill', () => {
  const c = DEFAULT_COEFFICIENTS;
  const prefill = (tokens: number, ridesDecodeStep: boolean) => (ridesDecodeStep ? 0 : c.prefillInterceptSeconds) + c.prefillPerTokenSeconds * tokens + c.prefillAttentionSeconds * tokens * (tokens / 2);

  it('runs a prompt that does not fit the rest of the budget whole in the next iteration', () => {
    // Budget 1,024: A (600) takes the first iteration; B (600) does not fit the 424 left, so it runs whole in the
    // second one, riding A's first decode step.
    const requests = [request('a', 0, 600, 5), request('b', 0, 600, 5)];
    const r = run(requests, { engineTokenBudget: 1024, wholePrompts: true });
    const first = prefill(600, false);
    const second = c.decodeBaseSeconds + c.decodePerSequenceSeconds * 1 + c.decodePerContextTokenSeconds * 601 + prefill(600, true);
    expect(r.ttfet_s.mean).toBeCloseTo(first + second / 2, 12);
    // Chunked, B's first 424 tokens ride the first iteration (delaying A's first token) and the rest the second.
    const chunked = run(requests, { engineTokenBudget: 1024 });
    const chunkedFirst = prefill(600, false) + c.prefillPerTokenSeconds * 424 + c.prefillAttentionSeconds * 424 * 212;
    expect(chunked.ttfet_s.mean).toBeGreaterThan(chunkedFirst);
    expect(chunked.ttfet_s.mean).not.toBeCloseTo(r.ttfet_s.mean, 6);
  });

  it('runs a prompt longer than the whole budget in one iteration, alone', () => {
    const r = run([request('a', 0, 4000, 2)], { engineTokenBudget: 1024, wholePrompts: true });
    expect(r.ttfet_s.mean).toBeCloseTo(prefill(4000, false), 12);
    // Chunked into four iterations it pays the prefill floor four times.
    const chunked = run([request('a', 0, 4000, 2)], { engineTokenBudget: 1024 });
    expect(chunked.ttfet_s.mean).toBeGreaterThan(r.ttfet_s.mean + 2.5 * c.prefillInterceptSeconds);
  });
});

describe('the kernel default is unchanged', () => {
  it('chunks prompts and admits on current need unless a benchmark names a backend that does otherwise', () => {
    const r = resolveOptions({ policy: 'colocated', seed: 1 });
    expect(r.wholePrompts).toBe(false);
    expect(r.admission).toBe('current-need');
    expect(backendScheduling(undefined)).toEqual({});
    expect(backendScheduling('vllm')).toEqual({});
    expect(backendScheduling('sglang')).toEqual({ prefillPausesDecode: true, admission: 'new-token-ratio' });
    expect(backendScheduling('trtllm')).toEqual({ wholePrompts: true, admission: 'guaranteed-no-evict' });
  });
});

describe("each stack's KV pool, seen by the benchmark and the planner alike", () => {
  const catalog = loadBuiltinCatalog();
  const gpu = catalog.gpus.get('h100-sxm')!;
  const llm = catalog.llms.get('llama-3.1-8b')!;
  const perToken = kvBytesPerToken(llm);
  const weights = weightBytes(llm);

  it('TensorRT-LLM: 0.9 of the memory free after weights and activations; vLLM: 0.9 of all memory; SGLang: mem_fraction_static by TP, activations outside it', () => {
    const trt = computeKvCapacity(gpu, llm, { tp: 1 }, backendKvCapacityOptions('trtllm', 1)).kvCapacityTokens;
    expect(trt).toBe(Math.floor((0.9 * (gpu.memoryBytes - weights - DEFAULT_ACTIVATION_RESERVE_BYTES)) / perToken));
    const vllm = computeKvCapacity(gpu, llm, { tp: 1 }, backendKvCapacityOptions('vllm', 1)).kvCapacityTokens;
    expect(vllm).toBe(computeKvCapacity(gpu, llm, { tp: 1 }).kvCapacityTokens);
    expect(vllm).toBe(Math.floor((0.9 * gpu.memoryBytes - weights - DEFAULT_ACTIVATION_RESERVE_BYTES) / perToken));
    const sglang = computeKvCapacity(gpu, llm, { tp: 2 }, backendKvCapacityOptions('sglang', 2)).kvCapacityTokens;
    expect(sglang).toBe(Math.floor((0.87 * 2 * gpu.memoryBytes - weights) / (perToken * 1)));
    expect([1, 2, 4, 8, 16].map(sglangMemFractionStatic)).toEqual([0.88, 0.87, 0.85, 0.81, 0.79]);
  });

  it('the calibrated model of a backend (what plan and benchmark both read) carries that pool', () => {
    for (const backend of ['vllm', 'trtllm', 'sglang'] as const) {
      const model = createPerfModel(gpu, llm, { tp: 2 }, { calibration: singleScopeCalibration([1, 1, 1, 1, 1, 1, 10, 0]), backend });
      expect(model.kvCapacityTokens).toBe(computeKvCapacity(gpu, llm, { tp: 2 }, backendKvCapacityOptions(backend, 2)).kvCapacityTokens);
    }
  });

  it('without a calibration, a named backend still sizes the pool by its memory rule (dense, and MoE by the MoE rule)', () => {
    const uncalibrated = createPerfModel(gpu, llm, { tp: 2 }).kvCapacityTokens;
    for (const backend of ['vllm', 'trtllm', 'sglang'] as const) {
      const model = createPerfModel(gpu, llm, { tp: 2 }, { backend });
      expect(model.kvCapacityTokens).toBe(computeKvCapacity(gpu, llm, { tp: 2 }, backendKvCapacityOptions(backend, 2)).kvCapacityTokens);
      expect(model.provenance.note).toContain(`KV capacity by ${backend}'s memory rule`);
    }
    expect(createPerfModel(gpu, llm, { tp: 2 }, { backend: 'trtllm' }).kvCapacityTokens).toBeGreaterThan(uncalibrated);
    expect(createPerfModel(gpu, llm, { tp: 2 }, { backend: 'sglang' }).kvCapacityTokens).toBeLessThan(uncalibrated);
    // An MoE pool: the same capacity the calibrated MoE model gives it (models/moe/memory.ts backendKvCapacityTokens).
    const moe = catalog.llms.get('qwen3-30b-a3b')!;
    for (const backend of ['vllm', 'trtllm', 'sglang'] as const) {
      const calibrated = createPerfModel(gpu, moe, { tp: 2, ep: 2 }, { calibration: singleScopeCalibration([1, 1, 1, 1, 1, 1, 10, 0]), backend });
      expect(createPerfModel(gpu, moe, { tp: 2, ep: 2 }, { backend }).kvCapacityTokens).toBe(calibrated.kvCapacityTokens);
    }
    expect(createPerfModel(gpu, moe, { tp: 2, ep: 2 }, { backend: 'trtllm' }).kvCapacityTokens).toBeGreaterThan(createPerfModel(gpu, moe, { tp: 2, ep: 2 }).kvCapacityTokens);
  });

  it("a measured TensorRT-LLM run's benchmark runs its scheduler", () => {
    const trt: MeasuredRun = { source: 'x.csv', line: 2, backend: 'trtllm', gpu: 'h100-sxm', llm: 'llama-3.1-8b', modelName: 'meta-llama/Llama-3.1-8B-Instruct', precision: 'bf16', mode: 'agg', tp: 1, concurrency: 8, inputTokens: 1024, outputTokens: 128, ttftSeconds: 0.2, tpotSeconds: 0.008 };
    const spec = measuredRunSpec(trt, catalog);
    expect(spec.mode === 'agg' && spec.wholePrompts).toBe(true);
    expect(spec.mode === 'agg' && spec.admission).toBe('guaranteed-no-evict');
    expect(spec.mode === 'agg' && spec.limits).toEqual({ maxNumSeqs: BACKEND_POLICIES.trtllm.maxSequences, maxNumBatchedTokens: BACKEND_POLICIES.trtllm.stepTokenBudget });
  });
});
