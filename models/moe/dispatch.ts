/**
 * How a serving stack moves routed tokens to their experts under attention data parallelism, by its documented
 * default, which decides how many routed copies one rank's grouped GEMMs permute (grouped-gemm.ts `TokenTraffic`):
 * - vLLM: `--all2all-backend` defaults to `allgather_reducescatter` ("Standard all2all using allgather/reducescatter
 *   primitives", docs.vllm.ai/en/latest/serving/expert_parallel_deployment/ "Backend Selection Guide"): every DP rank
 *   gathers every rank's tokens and runs fused_moe over all of them, as the kernel tables (vLLM 0.19 fused_moe)
 *   measured.
 * - SGLang: `--moe-a2a-backend` defaults to `none`, "Disables all-to-all for EP. Uses All-Reduce or All-Gather for
 *   token dispatch" (docs.sglang.io/advanced_features/expert_parallelism.html); DeepEP's all-to-all only when a
 *   deployment asks for it, which the staged runs do not record, so the default (gathered) is priced.
 * - TensorRT-LLM: with `enable_attention_dp` a rank computes only the copies routed to its experts, 1/ep of them
 *   ("Parallelism in TensorRT LLM", nvidia.github.io/TensorRT-LLM/features/parallel-strategy.html, attention DP with
 *   EP). How they arrive depends on the layout: its CutlassFusedMoE (the backend aiconfigurator deploys) all-to-alls
 *   only when moe_ep_size > top_k on GPUs sharing multi-node NVLink (GB200/GB300 NVL72; tech blog 18, "One-Sided
 *   AlltoAll Over NVLink", is that case: `all-to-all`); otherwise, as on every HGX B200/H100 run here, it all-gathers
 *   the tokens and reduce-scatters the outputs (`gather-local` below), expanding only its own experts' rows.
 *   Without attention DP it has no dispatch at all (every rank holds every token after the attention all-reduce and
 *   the MoE output is all-reduced); every dispatch prices that layout alike, two all-to-alls of k copies and the
 *   gathered traffic (step-time.ts; the all-reduce form was run for sensitivity and not adopted, and so was the rank's
 *   own-experts traffic that TensorRT-LLM's fused_moe permutes there: docs/accuracy.md).
 * Without a named backend (plan, predict and simulate without `--backend`) the tables' own gathered form is priced.
 * moeDispatchOf is the one choice: plan, predict, simulate and benchmark, calibrated or not, all go through it
 * (models/create.ts, models/serving/moe-calibrated-model.ts).
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { Backend } from '../serving/runs.js';
import type { TokenTraffic } from './grouped-gemm.js';

/** GPUs per HGX baseboard, the largest NVLink domain one host holds (HGX H100/H200/B200/B300: 8). */
const HOST_NVLINK_GPUS = 8;

/**
 * Whether the GPU's NVLink domain spans hosts (multi-node NVLink, what TensorRT-LLM's `MnnvlMemory.supports_mnnvl()`
 * detects): an NVIDIA scale-up domain larger than one baseboard, i.e. GB200/GB300 NVL72 (trays of 4 in a 72-GPU
 * domain). The catalog's `gpusPerNode` is the scale-up domain, so this reads it.
 */
export function hasMultiNodeNvlink(gpu: GpuSpec): boolean {
  return gpu.vendor === 'NVIDIA' && gpu.gpusPerNode > HOST_NVLINK_GPUS;
}

/**
 * `all-gather`: every rank holds every token of the step; `all-to-all`: each rank receives only its experts' copies;
 * `gather-local`: TensorRT-LLM's CutlassFusedMoE without its all-to-all — `select_alltoall_method_type` returns
 * NotEnabled unless attention is data-parallel, moe_ep_size > top_k and the GPUs share multi-node NVLink (MNNVL) or
 * DeepEP is asked for, so on HGX B200/H100 every rank all-gathers the step's tokens (NVFP4-quantized for NVFP4
 * experts, else bf16), fused_moe expands only the rows routed to the rank's own experts, and the outputs are
 * reduce-scattered in bf16 (tensorrt_llm/_torch/modules/fused_moe/fused_moe_cutlass.py, forward_chunk and
 * reducescatter_or_allreduce).
 */
export type MoeDispatch = 'all-gather' | 'all-to-all' | 'gather-local';

/**
 * The dispatch a stack runs for this instance. TensorRT-LLM follows CutlassFusedMoE's `select_alltoall_method_type`:
 * an all-to-all (MNNVL) only with attention DP, moe_ep_size > top_k and multi-node NVLink; else its gather.
 */
export function moeDispatchOf(backend: Backend | undefined, gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout): MoeDispatch {
  if (backend !== 'trtllm') return 'all-gather';
  const topK = llm.moe?.expertsPerToken ?? Number.POSITIVE_INFINITY;
  return layout.attentionDp > 1 && layout.ep > topK && hasMultiNodeNvlink(gpu) ? 'all-to-all' : 'gather-local';
}

/**
 * The routed-token traffic of one rank: dispatched (1/ep) only where attention is data-parallel, experts are spread
 * (ep > 1) and the stack permutes only its experts' copies (an all-to-all, or TensorRT-LLM's gather-local); under
 * tensor-parallel attention the all-reduce leaves every token on every rank, and every dispatch is priced gathered.
 */
export function tokenTrafficOf(dispatch: MoeDispatch, attentionDp: number, ep: number): TokenTraffic {
  return dispatch !== 'all-gather' && attentionDp > 1 && ep > 1 ? 'dispatched' : 'gathered';
}
