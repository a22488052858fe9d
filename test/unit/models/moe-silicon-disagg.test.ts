/**
 * Disaggregated MoE rows as `benchmark --mode disagg` operating points, and the engine limits of an attention-data-
 * parallel instance (one engine in the kernel, one step budget per rank in the real engine).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { disaggSpecOf, engineLimitsOf, moeDisaggRunCommand, predictMoeDisaggRun } from '../../../models/moe/serving-accuracy.js';
import { moeSiliconDisaggRuns } from '../../../models/moe/silicon-disagg-rows.js';
import { aiconfiguratorDisaggLimits, AICONFIGURATOR_TOKEN_HEADROOM } from '../../../models/serving/benchmark-deployment.js';
import { createPerfModel } from '../../../models/index.js';
import type { InstancePool } from '../../../catalogs/types.js';
import { runServingBenchmark } from '../../../planner/benchmark/index.js';

describe('engineLimitsOf', () => {
  it('sums the backend\'s per-rank limits over the attention-data-parallel ranks', () => {
    expect(engineLimitsOf('trtllm', 8, 1)).toEqual({ maxNumSeqs: 2048, maxNumBatchedTokens: 8192 });
    expect(engineLimitsOf('trtllm', 1, 8)).toEqual({ maxNumSeqs: 2048 * 8, maxNumBatchedTokens: 8192 * 8 });
    expect(engineLimitsOf('sglang', 2, 8)).toEqual({ maxNumSeqs: 4096 * 4, maxNumBatchedTokens: 8192 * 4 });
  });
});

describe('moeSiliconDisaggRuns', () => {
  const catalog = loadBuiltinCatalog();
  const header = 'id,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_tp_size,prefill_moe_ep_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms';
  it('keeps runs that state their xPyD set, scores a repeat once, and counts runs without worker counts', () => {
    const text = [
      header,
      'dsr1_h100_trtllm_fp8_disagg_1024x1024_c9_cfg494,trtllm,deepseek-ai/DeepSeek-V3,h100_sxm,fp8,disagg,1024,1024,fp8,fp8,1,1,16,1,16,3,16,1,1,16,7137.26,15.208',
      '2026_04_06_deepseek_r1_h100_sxm_trtllm_fp8_disagg_1024x1024_c9_tp16_ep16_1753,trtllm,deepseek-ai/DeepSeek-R1,h100_sxm,fp8,disagg,1024,1024,fp8,fp8,,16,1,1,16,,16,1,1,16,7137.26,15.208',
      '2026_04_06_deepseek_r1_b200_sxm_trtllm_fp8_disagg_8192x1024_c96_tp8_ep1_1964,trtllm,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,disagg,8192,1024,fp8,fp8,,8,1,8,1,,8,1,8,1,2537.85,12.668',
    ].join('\n');
    const { runs, unexpressible } = moeSiliconDisaggRuns(text, 'x.csv', catalog.gpus, catalog.llms);
    expect(runs).toHaveLength(1);
    expect([runs[0].prefill, runs[0].decode, runs[0].run.concurrency, runs[0].run.mode]).toEqual([{ count: 1, tp: 1, ep: 16 }, { count: 3, tp: 16, ep: 16 }, 9, 'disagg']);
    // No batch-size columns in this excerpt: the run still carries aiconfigurator's deployment, with no batch stated.
    expect([runs[0].run.deployment, runs[0].batchPerRank]).toEqual(['aiconfigurator', {}]);
    expect(Object.fromEntries(unexpressible)).toEqual({
      'the same run listed again with its worker counts: scored once, there': 1,
      'prefill/decode worker counts (the x and y of xPyD) not recorded, and not derivable: the id names the concurrency and each side\'s layout (one id form stands for several xPyD sets among the runs listed with counts), no column names the workers': 1,
    });
  });
});

describe("aiconfigurator's disagg deployment (rule_plugin/benchmark/{trtllm,sglang}.rule)", () => {
  const catalog = loadBuiltinCatalog();
  const header = 'id,backend,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,prefill_batch_size,prefill_num_workers,prefill_tp_size,prefill_attention_dp_size,prefill_moe_tp_size,prefill_moe_ep_size,decode_batch_size,decode_num_workers,decode_tp_size,decode_attention_dp_size,decode_moe_tp_size,decode_moe_ep_size,silicon_ttft_ms,silicon_tpot_ms';
  // dsr1_b200_trtllm_fp4_disagg_1024x1024_c180_cfg320 as the staged file has it: 1P (TP1 × EP4, attention DP 4), 5D (TP8 × EP8), 36 per decode rank.
  const line = 'dsr1_b200_trtllm_fp4_disagg_1024x1024_c180_cfg320,trtllm,deepseek-ai/DeepSeek-V3,b200_sxm,fp4,disagg,1024,1024,nvfp4,nvfp4,1,1,1,4,1,4,36,5,8,1,1,8,1416.51,10.976';
  const [run] = moeSiliconDisaggRuns([header, line].join('\n'), 'x.csv', catalog.gpus, catalog.llms).runs;

  it('reads each side\'s batch per rank and deploys it: prefill one prompt per rank, budget ISL + 1500; decode its batch', () => {
    expect(run.batchPerRank).toEqual({ prefill: 1, decode: 36 });
    expect(aiconfiguratorDisaggLimits(run.run, 'prefill', 1)).toEqual({ maxNumSeqs: 1, maxNumBatchedTokens: 1024 + AICONFIGURATOR_TOKEN_HEADROOM });
    expect(aiconfiguratorDisaggLimits(run.run, 'decode', 36)).toEqual({ maxNumSeqs: 36, maxNumBatchedTokens: 36 });
    // SGLang's decode keeps max_prefill_tokens (isl + 1500) as its budget; the prefill batch defaults to 1 when unstated.
    expect(aiconfiguratorDisaggLimits({ ...run.run, backend: 'sglang' }, 'decode', 36)).toEqual({ maxNumSeqs: 36, maxNumBatchedTokens: 2524 });
    expect(aiconfiguratorDisaggLimits(run.run, 'prefill', undefined)).toEqual({ maxNumSeqs: 1, maxNumBatchedTokens: 2524 });
    // vLLM, another source, or a decode side without its batch: the engine's defaults.
    expect(aiconfiguratorDisaggLimits({ ...run.run, backend: 'vllm' }, 'prefill', 1)).toBeUndefined();
    expect(aiconfiguratorDisaggLimits({ ...run.run, deployment: undefined }, 'prefill', 1)).toBeUndefined();
    expect(aiconfiguratorDisaggLimits(run.run, 'decode', undefined)).toBeUndefined();
    // The benchmark sums the per-rank limits over each instance's attention-DP ranks (4 on the prefiller, 1 on the decoders).
    const spec = disaggSpecOf(run, catalog.gpus.get('b200')!);
    expect([spec.prefillLimits, spec.decodeLimits]).toEqual([{ maxNumSeqs: 4, maxNumBatchedTokens: 4 * 2524 }, { maxNumSeqs: 36, maxNumBatchedTokens: 36 }]);
  });

  it('one prompt per prefill rank: the first wave queues an iteration per prompt, later prompts are prefilled nearly alone', () => {
    const models = new Map<string, ReturnType<typeof createPerfModel>>();
    const perfModelFor = (pool: InstancePool) => {
      const key = `${pool.role}/${pool.tp}/${pool.ep}`;
      if (!models.has(key)) models.set(key, createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, { backend: 'trtllm' }));
      return models.get(key)!;
    };
    const b200 = catalog.gpus.get('b200')!;
    const options = { seed: 1, requestCount: 1800 };
    const deployed = runServingBenchmark(disaggSpecOf(run, b200), perfModelFor, options).ttft_ms;
    const engineDefault = runServingBenchmark(disaggSpecOf({ ...run, batchPerRank: {}, run: { ...run.run, deployment: undefined } }, b200), perfModelFor, options).ttft_ms;
    const onePromptPerRank = perfModelFor({ gpu: 'b200', llm: 'deepseek-v3', tp: 1, ep: 4, role: 'prefill', count: 1, precision: 'fp4' }).prefillSeconds(4 * 1024, 0, 4) * 1000;
    // 180 prompts arrive together: 45 four-prompt iterations, the last of the wave waits for all of them.
    expect(deployed.p99).toBeGreaterThan(0.8 * 45 * onePromptPerRank);
    // From then on the clients are apart: the median request is prefilled with at most a few others.
    expect(deployed.p50).toBeLessThan(2 * onePromptPerRank + 60);
    // The engine default (8192 tokens × 4 ranks per iteration) keeps prompts together in big iterations every round
    // (p50 145 ms against 117 ms deployed with TensorRT-LLM's all-gather priced, dispatch.ts; above 1.5× when its
    // communication was priced as two all-to-alls of k copies).
    expect(engineDefault.p50).toBeGreaterThan(1.2 * deployed.p50);
    const stored = predictMoeDisaggRun(run, b200, perfModelFor);
    expect(stored.prefill_limits).toEqual({ max_num_seqs: 4, max_num_batched_tokens: 10096 });
    expect(stored.predicted_ttft_ms).toBeCloseTo(deployed.mean, 0);
    expect(moeDisaggRunCommand(stored, 'c.json')).toContain('--prefill 1x1ep4 --decode 5x8ep8 --prefill-max-num-seqs 4 --prefill-max-num-batched-tokens 10096 --max-num-seqs 36 --max-num-batched-tokens 36 --concurrency 180 --isl 1024 --osl 1024 --request-count 1800 ');
  }, 60_000);
});
