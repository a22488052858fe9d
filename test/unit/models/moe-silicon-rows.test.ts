/**
 * Reading the MoE rows of aiconfigurator's silicon CSV as benchmark operating points: the two layout encodings the
 * file uses, concurrency from the per-rank batch, and which deployments fleetplan's (tp, ep) can express.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { decodeRunLayout, layoutOfRun, moeSiliconRuns } from '../../../models/moe/silicon-rows.js';

describe('decodeRunLayout', () => {
  it('reads the plain encoding as stated (tp × dp = moe_tp × moe_ep GPUs) with concurrency = batch × dp', () => {
    expect(decodeRunLayout({ id: '2026_03_25_deepseek_r1_b200_sxm_trtllm_fp4_agg_8192x1024_c256_tp8_0_ep8_0_974', tp: 1, dp: 8, moeTp: 1, moeEp: 8, batch: 32 }))
      .toEqual({ tp: 1, dp: 8, moeTp: 1, moeEp: 8, concurrency: 256 });
    // Qwen3-235B on H100: tp 4 with experts 2 × 2 — the id names tp4, so 4 GPUs as stated.
    expect(decodeRunLayout({ id: 'qwen_qwen3_235b_a22b_fp8_h100_sxm_trtllm_agg_128x128_c16_tp4_epnone_1', tp: 4, dp: 1, moeTp: 2, moeEp: 2, batch: 16 }))
      .toEqual({ tp: 4, dp: 1, moeTp: 2, moeEp: 2, concurrency: 16 });
  });

  it('undoes the tp × ep product encoding (tp_size 16 for tp 4, ep 4 on 4 GPUs; dp 64 for dp 8, ep 8)', () => {
    expect(decodeRunLayout({ id: '2026_04_06_deepseek_r1_b200_sxm_sglang_fp4_agg_1024x1024_c4_tp4_ep4_1037', tp: 16, dp: 1, moeTp: 4, moeEp: 4, batch: 4 }))
      .toEqual({ tp: 4, dp: 1, moeTp: 1, moeEp: 4, concurrency: 4 });
    expect(decodeRunLayout({ id: 'dsr1_b200_trtllm_fp4_agg_1024x8192_c256_cfg191', tp: 1, dp: 64, moeTp: 8, moeEp: 8, batch: 4 }))
      .toEqual({ tp: 1, dp: 8, moeTp: 1, moeEp: 8, concurrency: 256 });
  });
});

describe('layoutOfRun', () => {
  it('maps deployments onto fleetplan\'s max(tp, ep) GPUs, and names what it cannot express', () => {
    expect(layoutOfRun(8, 1, 8, 1)).toEqual({ tp: 8, ep: 1 });
    expect(layoutOfRun(4, 1, 1, 4)).toEqual({ tp: 4, ep: 4 });
    expect(layoutOfRun(1, 8, 1, 8)).toEqual({ tp: 1, ep: 8 });
    expect(layoutOfRun(1, 4, 4, 1)).toMatch(/attention data parallelism with tensor-split experts/);
    expect(layoutOfRun(4, 1, 1, 2)).toMatch(/does not cover/);
  });
});

describe('moeSiliconRuns', () => {
  const catalog = loadBuiltinCatalog();
  const header = 'id,backend,backend_version,model_path,system,precision,mode,isl,osl,gemm_quant_mode,moe_quant_mode,batch_size,tp_size,pp_size,attention_dp_size,moe_tp_size,moe_ep_size,silicon_ttft_ms,silicon_tpot_ms';
  it('keeps expressible agg MoE rows, counts the rest by reason, and ignores dense models', () => {
    const text = [
      header,
      'a_c64_tp8_ep1,trtllm,1,deepseek-ai/DeepSeek-R1,b200_sxm,fp8,agg,1024,1024,fp8,fp8,64,8,1,1,8,1,300,20',
      'b_c8,vllm,1,openai/gpt-oss-120b,h100_sxm,fp4,agg,1024,1024,nvfp4,nvfp4,8,2,1,1,2,1,50,4',
      'c_c8,vllm,1,moonshotai/Kimi-K2.5,b200_sxm,fp4,agg,1024,1024,int4_wo,int4_wo,8,8,1,1,8,1,50,4',
      'd_c8,vllm,1,Qwen/Qwen3-32B,h100_sxm,,agg,1024,1024,,,8,2,1,1,2,1,50,4',
    ].join('\n');
    const { runs, unexpressible } = moeSiliconRuns(text, 'x.csv', catalog.gpus, catalog.llms);
    expect(runs.map((r) => [r.run.llm, r.run.tp, r.ep, r.run.concurrency, r.run.precision])).toEqual([['deepseek-r1', 8, 1, 64, 'fp8']]);
    // Kimi-K2.5 is in the catalog: its INT4 weight-only run is counted by reason, not scored.
    expect([...unexpressible.entries()]).toEqual([
      [expect.stringMatching(/weight-only fp4 on a GPU without fp4 tensor cores/), 1],
      ['int4 weight-only quantisation is not modelled', 1],
    ]);
  });
});

describe('decodeRunLayout, the squared encoding of vLLM MiniMax-M2.5 and Kimi-K2.5 rows', () => {
  it('reads tp = dp = T with moe_ep = T x T as the T-GPU tp T, ep T deployment the id names (not T x T GPUs)', () => {
    // The staged file lists this run's measured means also as kimik2_5_b200_vllm_fp4_agg_1024x1024_c32_cfg635, same cells.
    expect(decodeRunLayout({ id: '2026_04_06_kimi_k2_5_b200_sxm_vllm_fp4_agg_1024x1024_c32_tp4_ep4_1295', tp: 4, dp: 4, moeTp: 1, moeEp: 16, batch: 8 }))
      .toEqual({ tp: 4, dp: 1, moeTp: 1, moeEp: 4, concurrency: 32 });
    expect(decodeRunLayout({ id: 'minimaxm2_5_b200_vllm_fp8_agg_1024x1024_c32_cfg690', tp: 2, dp: 2, moeTp: 1, moeEp: 4, batch: 16 }))
      .toEqual({ tp: 2, dp: 1, moeTp: 1, moeEp: 2, concurrency: 32 });
    // Attention data parallelism with whole experts is still read as stated (DeepSeek-R1: dp 8, ep 8 on 8 GPUs).
    expect(decodeRunLayout({ id: 'x_c64_tp8_ep8_1', tp: 1, dp: 8, moeTp: 1, moeEp: 8, batch: 8 }))
      .toEqual({ tp: 1, dp: 8, moeTp: 1, moeEp: 8, concurrency: 64 });
  });
});

describe('decodeRunLayout, attention data parallelism the file leaves unsaid', () => {
  it('reads TensorRT-LLM rows whose id concurrency is batch × tp_size as attention dp over all GPUs', () => {
    expect(decodeRunLayout({ id: 'nvidia_deepseek_r1_nvfp4_b200_sxm_trtllm_agg_4000x1000_c224_tp4_ep4_1', tp: 4, dp: 1, moeTp: 1, moeEp: 4, batch: 56 }))
      .toEqual({ tp: 1, dp: 4, moeTp: 1, moeEp: 4, concurrency: 224 });
  });
});
