/**
 * Memory of an instance laid out as attention TP × expert EP: which weights each GPU holds and how many KV tokens
 * the rest leaves. Attention, dense MLPs, shared experts and embeddings are split `tp` ways and replicated across the
 * gpus/tp attention data-parallel groups; the routed experts are spread over all GPUs of the instance (E/ep experts
 * per GPU, each split gpus/ep ways). KV is per data-parallel group: GQA's KV heads split `tp` ways (replicated when
 * tp exceeds them); MLA's one latent per token is replicated on every TP rank.
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import { backendKvCapacityOptions } from '../serving/backend-policy.js';
import type { Backend } from '../serving/runs.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import { computeKvCapacity, DEFAULT_ACTIVATION_RESERVE_BYTES, type KvCapacityOptions, DEFAULT_USABLE_MEMORY_FRACTION, SLIDING_WINDOW_RESERVE_SEQUENCES, kvBytesPerToken, kvReplication, kvWindowBytesPerSequence, linearStateBytesPerSequence, routedExpertParameters } from '../specs.js';

export { routedExpertParameters };

export interface MemoryLayout {
  readonly tp: number;
  readonly ep: number;
}

export interface MemoryOptions {
  /** Bytes per weight as served (the pool's precision); the LLM's own when absent. */
  readonly weightBytesPerParameter?: number;
  /** KV bytes per token (the pool's KV dtype); the LLM's own when absent. */
  readonly kvBytesPerToken?: number;
  readonly usableMemoryFraction?: number;
  readonly activationReserveBytes?: number;
  /** What the fraction applies to: all of the memory (default), or what the weights and reserve leave (models/specs.ts KvCapacityOptions). */
  readonly memoryBasis?: 'total' | 'free';
}

export const gpusOf = (l: MemoryLayout): number => Math.max(l.tp, l.ep);

/** Weight bytes resident on each GPU of the instance. */
export function residentWeightBytesPerGpu(llm: LlmSpec, layout: MemoryLayout, options: MemoryOptions = {}): number {
  const bytes = options.weightBytesPerParameter ?? llm.weightDtypeBytes;
  const experts = routedExpertParameters(llm);
  return ((llm.parameters - experts) / layout.tp + experts / gpusOf(layout)) * bytes;
}

/** KV bytes one token costs on each GPU of its data-parallel group. */
export function kvBytesPerTokenPerGpu(llm: LlmSpec, tp: number, options: MemoryOptions = {}): number {
  const perToken = options.kvBytesPerToken ?? kvBytesPerToken(llm);
  return (perToken * kvReplication(llm, tp)) / tp;
}

export type LayoutCapacity =
  | { readonly fits: true; readonly kvCapacityTokens: number; readonly weightBytesPerGpu: number; readonly freeBytesPerGpu: number }
  | { readonly fits: false; readonly kvCapacityTokens: 0; readonly weightBytesPerGpu: number; readonly shortfallBytesPerGpu: number; readonly reason: string };

/** KV tokens of the whole instance (all data-parallel groups), or why the weights do not fit. */
export function layoutKvCapacity(gpu: GpuSpec, llm: LlmSpec, layout: MemoryLayout, options: MemoryOptions = {}): LayoutCapacity {
  const usable = (options.usableMemoryFraction ?? DEFAULT_USABLE_MEMORY_FRACTION) * gpu.memoryBytes;
  const reserve = options.activationReserveBytes ?? DEFAULT_ACTIVATION_RESERVE_BYTES;
  const weights = residentWeightBytesPerGpu(llm, layout, options);
  const perTokenPerGpu = kvBytesPerTokenPerGpu(llm, layout.tp, options);
  const dataParallel = gpusOf(layout) / layout.tp;
  const dtypeScale = (options.kvBytesPerToken ?? kvBytesPerToken(llm)) / kvBytesPerToken(llm);
  // Sliding-window layers' fixed KV per sequence, for the sequences one instance runs (spread over its DP groups).
  // Linear-attention state (Qwen3.5) is fixed per sequence too, split over the TP ranks by heads and never replicated.
  const windowsPerGpu = (SLIDING_WINDOW_RESERVE_SEQUENCES / dataParallel) * (kvWindowBytesPerSequence(llm) * dtypeScale * kvReplication(llm, layout.tp) + linearStateBytesPerSequence(llm)) / layout.tp;
  // TensorRT-LLM's rule (`free`): the fraction of what the weights and activations leave, as computeKvCapacity has it.
  const freeBasis = options.memoryBasis === 'free';
  const fraction = options.usableMemoryFraction ?? DEFAULT_USABLE_MEMORY_FRACTION;
  const free = freeBasis ? fraction * Math.max(0, gpu.memoryBytes - weights - reserve) - windowsPerGpu : usable - weights - reserve - windowsPerGpu;
  // One 16-token KV block per data-parallel group, as computeKvCapacity asks of a dense instance.
  if (free < perTokenPerGpu * 16) {
    const gib = (x: number) => (x / 1024 ** 3).toFixed(1);
    // Under `free` the KV room is floored at 0 once the weights pass the memory, so the shortfall is the weights past
    // the most this GPU could hold and still fit (models/specs.ts weightRoomBytes, per GPU), not the KV block missing.
    const shortfall = freeBasis ? weights - (gpu.memoryBytes - reserve - (windowsPerGpu + perTokenPerGpu * 16) / fraction) : perTokenPerGpu * 16 - free;
    return {
      fits: false, kvCapacityTokens: 0, weightBytesPerGpu: weights, shortfallBytesPerGpu: shortfall,
      reason: `${llm.id} does not fit on ${gpusOf(layout)}× ${gpu.id} (tp ${layout.tp}, ep ${layout.ep}): ${gib(weights)} GiB of weights + ${gib(reserve)} GiB reserve per GPU exceed ${gib(options.memoryBasis === 'free' ? gpu.memoryBytes : usable)} GiB usable`,
    };
  }
  return { fits: true, kvCapacityTokens: dataParallel * Math.floor(free / perTokenPerGpu), weightBytesPerGpu: weights, freeBytesPerGpu: free };
}

/**
 * KV tokens of an instance under its serving backend's memory rule (models/serving/backend-policy.ts `kvMemory`, as the
 * dense calibrated model applies it). TensorRT-LLM: 0.9 × (memory − resident weights − activation reserve)
 * (`free_gpu_memory_fraction`); vLLM: 0.9 × memory − weights − reserve. SGLang keeps computeKvCapacity's 0.9 of the whole
 * here, not the policy's mem_fraction_static-by-TP table: that table (0.85 at TP 4) leaves DeepSeek-R1 fp8 no room on
 * 4 B200s, where SGLang 0.5.9 served it (its 0.5.3+ memory heuristic is not modelled). The rules differ most when the
 * weights nearly fill the GPUs: DeepSeek-R1 fp8 on 4 B200s (671 GB of weights on 769 GB) holds 45K tokens by the
 * whole-memory rule and 286K by TensorRT-LLM's.
 */
export function backendKvCapacityTokens(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, backend: Backend): number {
  return computeKvCapacity(gpu, llm, layout, moeBackendKvCapacityOptions(backend, layout)).kvCapacityTokens;
}

/** The computeKvCapacity options of that rule (backendKvCapacityTokens), for a model that reports the capacity's reason too. */
export function moeBackendKvCapacityOptions(backend: Backend, layout: Pick<ResolvedLayout, 'gpus'>): KvCapacityOptions {
  return backend === 'sglang' ? {} : backendKvCapacityOptions(backend, layout.gpus);
}

/**
 * The memory rule a pool's perf model sizes its KV pool by under a serving backend (models/create.ts, both the MoE and
 * the dense path): the MoE rule above for MoE/MLA LLMs, the backend's rule at the attention TP for dense ones, and
 * computeKvCapacity's default without a backend. The layout search (models/layouts.ts, planner/demand/pools.ts) keeps
 * the layouts that fit by this same rule, so the search, the pool's pricing and the kernel agree on what fits.
 */
export function servingKvCapacityOptions(llm: LlmSpec, backend: Backend | undefined, layout: { readonly tp: number; readonly gpus: number }): KvCapacityOptions {
  if (backend === undefined) return {};
  return llm.moe || llm.attention?.kind === 'mla' ? moeBackendKvCapacityOptions(backend, layout) : backendKvCapacityOptions(backend, layout.tp);
}
