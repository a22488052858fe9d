/**
 * Memory arithmetic from the spec sheets: weight bytes, KV bytes per token and how many KV tokens fit on an instance.
 */
import {
  BYTES_PER_KV_ELEMENT, BYTES_PER_WEIGHT, nativeKvDtype, nativePrecision, resolveLayout, type ResolvedLayout,
} from '../catalogs/precision.js';
import type { GpuSpec, InstanceLayout, KvDtype, LinearAttentionSpec, LlmSpec, Precision } from '../catalogs/types.js';

/** Share of HBM a serving engine may use (vLLM's default `gpu_memory_utilization`). */
export const DEFAULT_USABLE_MEMORY_FRACTION = 0.9;
/** Per-GPU reserve for activations, CUDA graphs and NCCL buffers (aiconfigurator's `other_mem` is 3.5 GiB). */
export const DEFAULT_ACTIVATION_RESERVE_BYTES = 2 * 1024 ** 3;

/** KV bytes one token costs in one layer: K and V of every KV head (GQA), or the MLA latent and rotary key. */
export function kvBytesPerLayerToken(llm: LlmSpec, kvDtype?: KvDtype): number {
  const elementBytes = kvDtype === undefined || kvDtype === nativeKvDtype(llm) ? llm.kvDtypeBytes : BYTES_PER_KV_ELEMENT[kvDtype];
  if (llm.attention?.kind === 'mla') return (llm.attention.kvLoraRank + llm.attention.qkRopeHeadDim) * elementBytes;
  return 2 * llm.kvHeads * llm.headDim * elementBytes;
}

/** The sliding-window layers of an LLM and their window (undefined when every layer attends to the whole context). */
export function slidingWindowOf(llm: LlmSpec): { readonly windowTokens: number; readonly layers: number } | undefined {
  return llm.attention?.kind === 'gqa' ? llm.attention.sliding : undefined;
}

/** The linear-attention layers of an LLM (Gated DeltaNet), undefined when it has none. */
export function linearAttentionOf(llm: LlmSpec): LinearAttentionSpec | undefined {
  return llm.attention?.kind === 'gqa' ? llm.attention.linear : undefined;
}

/** Layers that attend to (and keep KV for) the whole context: all of them but the sliding-window and linear ones. */
export function fullAttentionLayers(llm: LlmSpec): number {
  return llm.layers - (slidingWindowOf(llm)?.layers ?? 0) - (linearAttentionOf(llm)?.layers ?? 0);
}

/**
 * Bytes of linear-attention state one sequence holds, whatever its length, over all its layers (split over the TP
 * ranks by heads, never replicated): per layer a value_heads × key_head_dim × value_head_dim recurrent state plus the
 * short convolution's last conv_kernel − 1 inputs of q, k and v ((2 × key_heads × key_head_dim + value_heads ×
 * value_head_dim) each), at the state's bytes per element. 0 without linear-attention layers.
 */
export function linearStateBytesPerSequence(llm: LlmSpec): number {
  const la = linearAttentionOf(llm);
  if (!la) return 0;
  const recurrent = la.valueHeads * la.keyHeadDim * la.valueHeadDim;
  const conv = (2 * la.keyHeads * la.keyHeadDim + la.valueHeads * la.valueHeadDim) * (la.convKernel - 1);
  return la.layers * (recurrent + conv) * la.stateDtypeBytes;
}

/**
 * KV bytes per token = 2 (K and V) × layers × kv_heads × head_dim × KV element bytes (DESIGN.md); with multi-head
 * latent attention, one compressed latent and the rotary key part per layer: layers × (kv_lora_rank +
 * qk_rope_head_dim) × element bytes. The element bytes follow `kvDtype` (bf16 2, fp8 1), else the LLM's published
 * kv_dtype_bytes. With sliding-window layers (gpt-oss), only the full-attention layers count: this is what each
 * token adds once a sequence is longer than the window, the unit the planner's and kernel's "KV tokens" are counted
 * in; the sliding layers' fixed share per sequence is `kvWindowBytesPerSequence` (see `kvBytesForSequence`).
 */
export function kvBytesPerToken(llm: LlmSpec, kvDtype?: KvDtype): number {
  return fullAttentionLayers(llm) * kvBytesPerLayerToken(llm, kvDtype);
}

/**
 * KV bytes a sequence of `contextTokens` holds: per-layer bytes × (full layers × L + sliding layers × min(L, window)),
 * plus its linear-attention state. Equals `kvBytesPerToken × L` without sliding or linear layers.
 */
export function kvBytesForSequence(llm: LlmSpec, contextTokens: number, kvDtype?: KvDtype): number {
  const sliding = slidingWindowOf(llm);
  const windowed = sliding ? sliding.layers * Math.min(contextTokens, sliding.windowTokens) : 0;
  return kvBytesPerLayerToken(llm, kvDtype) * (fullAttentionLayers(llm) * contextTokens + windowed) + linearStateBytesPerSequence(llm);
}

/** The most KV bytes a sequence's sliding-window layers hold (its whole window, reached at L ≥ window); 0 without. */
export function kvWindowBytesPerSequence(llm: LlmSpec, kvDtype?: KvDtype): number {
  const sliding = slidingWindowOf(llm);
  return sliding ? sliding.layers * sliding.windowTokens * kvBytesPerLayerToken(llm, kvDtype) : 0;
}

/**
 * Sequences whose sliding-window KV is set aside before the rest of memory is counted in KV tokens: vLLM's default
 * max_num_seqs, the kernel's default decode batch (planner/kernel/types.ts DEFAULT_MAX_DECODE_BATCH). The reserve
 * (gpt-oss-120b: 256 × 4.7 MB = 1.2 GB per instance) is exact up to that many resident sequences.
 */
export const SLIDING_WINDOW_RESERVE_SEQUENCES = 256;

/**
 * How many copies of a token's KV the `tp` GPUs of one attention group hold: MLA's latent is replicated on every TP
 * rank (tp copies); GQA's KV heads are split, and replicated once tp exceeds them (tp / kv_heads copies).
 */
export function kvReplication(llm: LlmSpec, tp: number): number {
  if (llm.attention?.kind === 'mla') return tp;
  return (Math.ceil(llm.kvHeads / tp) * tp) / llm.kvHeads;
}

/**
 * Bytes of weights of the whole model (all parameters, also for MoE: every expert is resident), at `precision`
 * (bf16 2, fp8 1, fp4 0.5625 = 4 bits + one fp8 scale per 16: see BYTES_PER_WEIGHT), else at the LLM's published
 * weight_dtype_bytes. Its own format keeps its published figure (a native fp8 checkpoint may keep a few layers in bf16).
 */
export function weightBytes(llm: LlmSpec, precision?: Precision): number {
  const perWeight = precision === undefined || precision === nativePrecision(llm) ? llm.weightDtypeBytes : BYTES_PER_WEIGHT[precision];
  return llm.parameters * perWeight;
}

/**
 * Parameters of the routed experts (0 on a dense LLM): every MoE layer's E experts, each a SwiGLU MLP of
 * 3 × hidden × expert width (biases, under 0.1%, left out).
 */
export function routedExpertParameters(llm: LlmSpec): number {
  const m = llm.moe;
  if (!m) return 0;
  return (llm.layers - m.denseLayers) * m.experts * 3 * llm.hiddenSize * m.expertIntermediateSize;
}

/**
 * Weight bytes resident on one instance's GPUs together: experts are spread over `ep` ranks (one copy), everything
 * else is replicated once per attention data-parallel group (gpus / tp copies). Equals weightBytes on a dense LLM.
 */
export function residentWeightBytes(llm: LlmSpec, layout: ResolvedLayout): number {
  const total = weightBytes(llm, layout.precision);
  if (layout.attentionDp === 1) return total;
  const expertShare = routedExpertParameters(llm) / llm.parameters;
  return total * expertShare + total * (1 - expertShare) * layout.attentionDp;
}

/** Parameters read (and multiplied) per token: the active ones for MoE. */
export function activeParameters(llm: LlmSpec): number {
  return llm.moe?.activeParameters ?? llm.parameters;
}

export interface KvCapacityOptions {
  readonly usableMemoryFraction?: number;
  readonly activationReserveBytes?: number;
  /**
   * What the fraction applies to: `total` GPU memory (vLLM's gpu_memory_utilization, SGLang's mem_fraction_static;
   * default), or the memory still `free` after weights and the activation reserve (TensorRT-LLM's
   * free_gpu_memory_fraction).
   */
  readonly memoryBasis?: 'total' | 'free';
}

/** The KV budget of one instance, or why it has none. */
export type KvCapacity =
  | { readonly fits: true; readonly kvCapacityTokens: number; readonly freeBytes: number }
  | { readonly fits: false; readonly kvCapacityTokens: 0; readonly reason: string; readonly shortfallBytes: number };

/** The memory terms of one instance that do not depend on its weights: computeKvCapacity and weightRoomBytes share them. */
function memoryTerms(gpu: GpuSpec, llm: LlmSpec, l: ResolvedLayout, options: KvCapacityOptions) {
  const fraction = options.usableMemoryFraction ?? DEFAULT_USABLE_MEMORY_FRACTION;
  const usable = fraction * gpu.memoryBytes * l.gpus;
  const reserve = (options.activationReserveBytes ?? DEFAULT_ACTIVATION_RESERVE_BYTES) * l.gpus;
  // Per token over the instance's GPUs: the copies one attention group keeps (MLA on every TP rank).
  const replication = kvReplication(llm, l.tp);
  // Sliding-window layers hold a fixed window per sequence, not per token: set aside for the sequences an engine runs.
  // Linear-attention layers likewise hold a fixed state per sequence (split over TP by heads, not replicated).
  const windows = SLIDING_WINDOW_RESERVE_SEQUENCES * (kvWindowBytesPerSequence(llm, l.kvDtype) * replication + linearStateBytesPerSequence(llm));
  const perToken = kvBytesPerToken(llm, l.kvDtype) * replication;
  return { fraction, usable, reserve, windows, perToken };
}

/**
 * The most weight bytes an instance can hold and still fit (computeKvCapacity's rule solved for the weights: the
 * activation reserve, sliding windows and one 16-token KV block come first). It is what a "does not fit" message
 * compares the weights with: total memory alone reads as room to spare (671 GB of weights next to 8× 85.5 GB).
 */
export function weightRoomBytes(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, options: KvCapacityOptions = {}): number {
  const l = resolveLayout(llm, layout);
  const { fraction, usable, reserve, windows, perToken } = memoryTerms(gpu, llm, l, options);
  const room = options.memoryBasis === 'free'
    ? gpu.memoryBytes * l.gpus - reserve - (windows + perToken * 16) / fraction
    : usable - reserve - windows - perToken * 16;
  return Math.max(0, room);
}

/**
 * (memory × usable fraction − resident weights − activation reserve) / KV bytes per token, over all max(tp, ep) GPUs
 * (with `memoryBasis: 'free'`: fraction × (memory − weights − reserve) instead of the first three terms)
 * of the instance, with the layout's weight and KV formats. A pair whose weights do not fit is a result saying so,
 * never a negative capacity.
 */
export function computeKvCapacity(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, options: KvCapacityOptions = {}): KvCapacity {
  const l = resolveLayout(llm, layout);
  const { fraction, usable, reserve, windows, perToken } = memoryTerms(gpu, llm, l, options);
  const weights = residentWeightBytes(llm, l);
  const free = options.memoryBasis === 'free'
    ? fraction * Math.max(0, gpu.memoryBytes * l.gpus - weights - reserve) - windows
    : usable - weights - reserve - windows;
  // A pool must at least hold one maximal-length sequence is too strict for planning; one block of 16 tokens is not.
  if (free < perToken * 16) {
    const gib = (x: number) => (x / 1024 ** 3).toFixed(1);
    return {
      fits: false,
      kvCapacityTokens: 0,
      shortfallBytes: perToken * 16 - free,
      reason: `${llm.id} does not fit on ${l.gpus}× ${gpu.id}${l.precision === nativePrecision(llm) ? '' : ` in ${l.precision}`}: weights ${gib(weights)} GiB + reserve ${gib(reserve)} GiB exceed ${gib(usable)} GiB usable`,
    };
  }
  return { fits: true, kvCapacityTokens: Math.floor(free / perToken), freeBytes: free };
}

/** KV capacity in tokens (0 when the weights do not fit; use `computeKvCapacity` for the reason). */
export function kvCapacityTokens(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, options: KvCapacityOptions = {}): number {
  return computeKvCapacity(gpu, llm, layout, options).kvCapacityTokens;
}
