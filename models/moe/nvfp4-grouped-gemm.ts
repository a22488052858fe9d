/**
 * NVFP4 grouped expert GEMMs on a GPU whose MoE table has no NVFP4 rows (every staged table: aiconfigurator collected
 * vLLM's fused_moe in bf16, per-tensor fp8 and block fp8 only), priced from what the same GPU did measure: its own
 * bf16 grouped-GEMM fit, with the expert FLOPs scaled by the NVFP4 : bf16 time ratio the GPU's dense GEMM table
 * measured at the same token count and matrix size (models/gemm-efficiency.ts grids from gemm_perf.csv). On B200 that
 * ratio is 0.45–0.65 for a DeepSeek-V3 expert (7168 × 2048) at 1K–64K routed tokens per rank — NVFP4 runs at a third
 * of its 4× peak advantage, not at the per-tensor fp8 fits' efficiency on the fp4 peak that stood in before — and
 * about 1.8 at 1K tokens on a TP8 shard of it (7168 × 256), where the fp4 kernel is slower than bf16's. The weight read
 * (fp4 bytes) and the routed-token traffic (bf16 hidden states) keep the bf16 fit's multipliers. Pure.
 */
import { gemmFractionAt, type GemmEfficiencyGrids } from '../gemm-efficiency.js';
import type { MoeLayerShape } from './grouped-gemm.js';

/**
 * The expert-FLOPs multiplier, in units of FLOPs at the fp4 peak, of one MoE layer step: the bf16 fit's multiplier (in
 * units of FLOPs at the bf16 peak) × bf16's achieved fraction / NVFP4's at the step's routed tokens per rank and one
 * expert's per-GPU matrix. Undefined when the GPU lacks either grid.
 */
export function nvfp4ExpertComputeMultiplier(bf16ComputeMultiplier: number, grids: GemmEfficiencyGrids | undefined): ((s: MoeLayerShape) => number) | undefined {
  const bf16 = grids?.bf16;
  const fp4 = grids?.fp4;
  if (!bf16 || !fp4 || bf16.estimate || fp4.estimate) return undefined;
  return (s) => {
    const routedPerRank = (s.tokens * s.expertsPerToken) / s.moeEp;
    const weights = (s.hiddenSize * s.expertIntermediateSize) / s.moeTp;
    return (bf16ComputeMultiplier * gemmFractionAt(bf16, routedPerRank, weights)) / gemmFractionAt(fp4, routedPerRank, weights);
  };
}
