/**
 * Disaggregated MoE rows as `benchmark --mode disagg` operating points, and the engine limits of an attention-data-
 * parallel instance (one engine in the kernel, one step budget per rank in the real engine).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { engineLimitsOf } from '../../../models/moe/serving-accuracy.js';
import { moeSiliconDisaggRuns } from '../../../models/moe/silicon-disagg-rows.js';

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
    expect(Object.fromEntries(unexpressible)).toEqual({
      'the same run listed again with its worker counts: scored once, there': 1,
      'prefill/decode worker counts (the x and y of xPyD) not recorded, and not derivable: the id names the concurrency and each side\'s layout (one id form stands for several xPyD sets among the runs listed with counts), no column names the workers': 1,
    });
  });
});
