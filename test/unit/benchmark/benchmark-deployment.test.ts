/**
 * aiconfigurator's deployment of its own benchmark runs (models/serving/benchmark-deployment.ts): a token budget of
 * concurrency + ISL + 1500 lets a synchronized first wave into the engine a prompt or two per iteration, so closed-loop
 * clients leave lockstep and every later prompt is prefilled nearly alone; under the engine default (8192) the same
 * clients stay in lockstep, every prompt of every round waiting for its whole wave's prefill.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { aiconfiguratorDeploymentLimits, AICONFIGURATOR_TOKEN_HEADROOM } from '../../../models/serving/benchmark-deployment.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';
import { BACKEND_POLICIES } from '../../../models/serving/backend-policy.js';
import { benchmarkMeasuredRun, measuredRunCommand, measuredRunSpec, REFERENCE_COEFFICIENTS, singleScopeCalibration } from '../../../planner/benchmark/index.js';

const catalog = loadBuiltinCatalog();
const reference = singleScopeCalibration(REFERENCE_COEFFICIENTS);
const run = (over: Partial<MeasuredRun>): MeasuredRun => ({ source: 't', line: 1, backend: 'vllm', gpu: 'h100-sxm', llm: 'qwen3-32b', modelName: 'Qwen/Qwen3-32B', precision: 'bf16', mode: 'agg', tp: 2, concurrency: 8, inputTokens: 1024, outputTokens: 64, ttftSeconds: 0.1, tpotSeconds: 0.01, ...over });

describe("aiconfigurator's benchmark deployment", () => {
  it('applies to the aiconfigurator silicon runs of vLLM and TensorRT-LLM only, with its rule, and the printed command carries it', () => {
    const silicon = run({ deployment: 'aiconfigurator', concurrency: 16, inputTokens: 2048 });
    expect(aiconfiguratorDeploymentLimits(silicon)).toEqual({ maxNumSeqs: 16, maxNumBatchedTokens: 16 + 2048 + AICONFIGURATOR_TOKEN_HEADROOM });
    expect(aiconfiguratorDeploymentLimits({ ...silicon, backend: 'trtllm' })).toEqual({ maxNumSeqs: 16, maxNumBatchedTokens: 3564 });
    expect(aiconfiguratorDeploymentLimits({ ...silicon, backend: 'sglang' })).toBeUndefined();
    expect(aiconfiguratorDeploymentLimits(run({}))).toBeUndefined();
    const spec = measuredRunSpec(silicon, catalog);
    expect(spec.limits).toEqual({ maxNumSeqs: 16, maxNumBatchedTokens: 3564 });
    expect(measuredRunSpec(run({}), catalog).limits).toEqual({ maxNumSeqs: 1024, maxNumBatchedTokens: 8192 });
    expect(measuredRunSpec({ ...silicon, backend: 'sglang' }, catalog).limits).toEqual({ maxNumSeqs: BACKEND_POLICIES.sglang.maxSequences, maxNumBatchedTokens: BACKEND_POLICIES.sglang.stepTokenBudget });
    expect(measuredRunCommand(silicon, 'c.json')).toContain('--max-num-seqs 16 --max-num-batched-tokens 3564 ');
    expect(measuredRunCommand(run({}), 'c.json')).not.toContain('--max-num');
  });

  it('a small budget takes equal closed-loop clients out of lockstep: later prompts are prefilled nearly alone', () => {
    const alone = benchmarkMeasuredRun(run({ concurrency: 1 }), catalog, reference).result.ttft_ms.mean;
    const lockstep = benchmarkMeasuredRun(run({}), catalog, reference).result.ttft_ms;
    const deployed = benchmarkMeasuredRun(run({ deployment: 'aiconfigurator' }), catalog, reference).result.ttft_ms;
    // Default budget: all 8 prompts (8192 tokens) share one iteration every round, so even the median waits for all 8.
    expect(lockstep.p50).toBeGreaterThan(5 * alone);
    expect(lockstep.p50 / lockstep.mean).toBeGreaterThan(0.95);
    // Budget 8 + 1024 + 1500: at most two whole prompts and a chunk per iteration; the first wave is spread over
    // four iterations, its requests finish apart, and from then on each arrival shares its iteration with at most
    // one other prompt's chunk (and the decoders).
    expect(deployed.p50).toBeLessThan(2.5 * alone);
    expect(deployed.mean).toBeLessThan(0.5 * lockstep.mean);
    // The first wave still queues: the slowest requests wait several iterations.
    expect(deployed.p99).toBeGreaterThan(2 * deployed.p50);
  });

  it('TensorRT-LLM (whole prompts, GUARANTEED_NO_EVICT) desynchronizes the same way under its max_num_tokens', () => {
    const trt = { backend: 'trtllm' as const, llm: 'llama-3.1-8b', modelName: 'meta-llama/Llama-3.1-8B-Instruct', tp: 1, inputTokens: 2048 };
    const alone = benchmarkMeasuredRun(run({ ...trt, concurrency: 1 }), catalog, reference).result.ttft_ms.mean;
    const lockstep = benchmarkMeasuredRun(run(trt), catalog, reference).result.ttft_ms;
    const deployed = benchmarkMeasuredRun(run({ ...trt, deployment: 'aiconfigurator' }), catalog, reference).result.ttft_ms;
    // Default max_num_tokens 8192: four whole 2048-token prompts per iteration, two iterations per wave, every round.
    expect(lockstep.p50).toBeGreaterThan(2.5 * alone);
    // 8 + 2048 + 1500: one whole prompt per iteration; after the first wave each arrives, and runs, alone.
    expect(deployed.p50).toBeLessThan(1.5 * alone);
  });
});
