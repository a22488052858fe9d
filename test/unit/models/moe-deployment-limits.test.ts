/**
 * The engine limits of the staged agg MoE runs: aiconfigurator's generator deploys its vLLM and TensorRT-LLM runs with
 * max batch = the worker's batch and token budget = batch + ISL + 1500 per rank (models/serving/benchmark-deployment.ts);
 * SGLang and runs of another source keep the engine's defaults.
 */
import { describe, expect, it } from 'vitest';
import { benchmarkSpecOf, deployedRankLimitsOf, engineLimitsOf } from '../../../models/moe/serving-accuracy.js';
import type { MoeSiliconRun } from '../../../models/moe/silicon-rows.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';

const run = (o: Partial<MeasuredRun>): MeasuredRun => ({
  source: 'x.csv', line: 2, backend: 'trtllm', gpu: 'b200', llm: 'deepseek-r1', modelName: 'deepseek-ai/DeepSeek-R1', precision: 'fp8', mode: 'agg',
  tp: 1, concurrency: 64, inputTokens: 1024, outputTokens: 1024, ttftSeconds: 0.5, tpotSeconds: 0.02, deployment: 'aiconfigurator', ...o,
} as MeasuredRun);

describe('aiconfigurator deployment limits of the agg MoE runs', () => {
  it('splits the concurrency over the attention-DP ranks (the file\'s batch_size is one rank\'s) and sums the ranks\' limits', () => {
    expect(deployedRankLimitsOf(run({}), 1, 8)).toEqual({ maxNumSeqs: 8, maxNumBatchedTokens: 8 + 1024 + 1500 });
    expect(engineLimitsOf('trtllm', 1, 8, deployedRankLimitsOf(run({}), 1, 8))).toEqual({ maxNumSeqs: 64, maxNumBatchedTokens: 8 * (8 + 1024 + 1500) });
    // Tensor-parallel attention: one rank, the whole concurrency.
    expect(deployedRankLimitsOf(run({ tp: 8 }), 8, 8)).toEqual({ maxNumSeqs: 64, maxNumBatchedTokens: 64 + 1024 + 1500 });
  });

  it('leaves SGLang runs and runs without the deployment on the engine defaults', () => {
    expect(deployedRankLimitsOf(run({ backend: 'sglang' }), 1, 8)).toBeUndefined();
    expect(deployedRankLimitsOf(run({ deployment: undefined }), 1, 8)).toBeUndefined();
    const r: MoeSiliconRun = { id: 'x', ep: 8, run: run({ backend: 'sglang' }) };
    expect(benchmarkSpecOf(r).limits).toEqual(engineLimitsOf('sglang', 1, 8));
    const t: MoeSiliconRun = { id: 'y', ep: 8, run: run({}) };
    expect(benchmarkSpecOf(t).limits).toEqual({ maxNumSeqs: 64, maxNumBatchedTokens: 8 * 2532 });
  });
});
