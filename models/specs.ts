/**
 * Memory arithmetic from the spec sheets: weight bytes, KV bytes per token and how many KV tokens fit on an instance.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';

/** Share of HBM a serving engine may use (vLLM's default `gpu_memory_utilization`). */
export const DEFAULT_USABLE_MEMORY_FRACTION = 0.9;
/** Per-GPU reserve for activations, CUDA graphs and NCCL buffers (aiconfigurator's `other_mem` is 3.5 GiB). */
export const DEFAULT_ACTIVATION_RESERVE_BYTES = 2 * 1024 ** 3;

/**
 * KV bytes per token = 2 (K and V) × layers × kv_heads × head_dim × kv dtype bytes (DESIGN.md); with multi-head latent
 * attention, one compressed latent and the rotary key part per layer: layers × (kv_lora_rank + qk_rope_head_dim) × bytes.
 */
export function kvBytesPerToken(llm: LlmSpec): number {
  if (llm.attention?.kind === 'mla') return llm.layers * (llm.attention.kvLoraRank + llm.attention.qkRopeHeadDim) * llm.kvDtypeBytes;
  return 2 * llm.layers * llm.kvHeads * llm.headDim * llm.kvDtypeBytes;
}

/** Bytes of weights of the whole model (all parameters, also for MoE: every expert is resident). */
export function weightBytes(llm: LlmSpec): number {
  return llm.parameters * llm.weightDtypeBytes;
}

/** Parameters read (and multiplied) per token: the active ones for MoE. */
export function activeParameters(llm: LlmSpec): number {
  return llm.moe?.activeParameters ?? llm.parameters;
}

export interface KvCapacityOptions {
  readonly usableMemoryFraction?: number;
  readonly activationReserveBytes?: number;
}

/** The KV budget of one instance, or why it has none. */
export type KvCapacity =
  | { readonly fits: true; readonly kvCapacityTokens: number; readonly freeBytes: number }
  | { readonly fits: false; readonly kvCapacityTokens: 0; readonly reason: string; readonly shortfallBytes: number };

/**
 * (memory × usable fraction − weights − activation reserve) / KV bytes per token, over all `tp` GPUs. A pair whose
 * weights do not fit is a result saying so, never a negative capacity.
 */
export function computeKvCapacity(gpu: GpuSpec, llm: LlmSpec, tp: number, options: KvCapacityOptions = {}): KvCapacity {
  const usable = (options.usableMemoryFraction ?? DEFAULT_USABLE_MEMORY_FRACTION) * gpu.memoryBytes * tp;
  const reserve = (options.activationReserveBytes ?? DEFAULT_ACTIVATION_RESERVE_BYTES) * tp;
  const free = usable - weightBytes(llm) - reserve;
  const perToken = kvBytesPerToken(llm);
  // A pool must at least hold one maximal-length sequence is too strict for planning; one block of 16 tokens is not.
  if (free < perToken * 16) {
    const gib = (x: number) => (x / 1024 ** 3).toFixed(1);
    return {
      fits: false,
      kvCapacityTokens: 0,
      shortfallBytes: perToken * 16 - free,
      reason: `${llm.id} does not fit on ${tp}× ${gpu.id}: weights ${gib(weightBytes(llm))} GiB + reserve ${gib(reserve)} GiB exceed ${gib(usable)} GiB usable`,
    };
  }
  return { fits: true, kvCapacityTokens: Math.floor(free / perToken), freeBytes: free };
}

/** KV capacity in tokens (0 when the weights do not fit; use `computeKvCapacity` for the reason). */
export function kvCapacityTokens(gpu: GpuSpec, llm: LlmSpec, tp: number, options: KvCapacityOptions = {}): number {
  return computeKvCapacity(gpu, llm, tp, options).kvCapacityTokens;
}
