/**
 * Pool dimensions shared by the loader, the models and the planner: which weight and KV formats exist, what an LLM
 * runs in when a pool names none, which formats a GPU has, and how many GPUs a layout occupies.
 */
import type { GpuSpec, InstanceLayout, KvDtype, LlmSpec, Precision } from './types.js';

/** Every weight format, narrowest last (the order pools are enumerated and listed in). */
export const PRECISIONS: readonly Precision[] = ['bf16', 'fp8', 'fp4'];
export const KV_DTYPES: readonly KvDtype[] = ['bf16', 'fp8'];

/**
 * Bytes per weight. fp8 per-tensor scales and fp8_block's one fp32 scale per 128×128 block (4 / 16,384 bytes per
 * weight) are negligible, so fp8 is 1. NVFP4 stores 4-bit values plus one fp8 (E4M3) scale per 16 values: 0.5 + 1/16
 * = 0.5625 (NVIDIA, "Introducing NVFP4", 2025; the per-tensor fp32 scale is negligible). Every parameter is counted
 * at the format: checkpoints that keep embeddings in bf16 hold a few percent more than this on small models.
 */
export const BYTES_PER_WEIGHT: Readonly<Record<Precision, number>> = { bf16: 2, fp8: 1, fp4: 0.5625 };
export const BYTES_PER_KV_ELEMENT: Readonly<Record<KvDtype, number>> = { bf16: 2, fp8: 1 };

/** The LLM's published weight format (contract: weight_dtype_bytes 2 → bf16, 1 → fp8, ≤ 0.5625 → fp4). */
export function nativePrecision(llm: LlmSpec): Precision {
  if (llm.weightDtypeBytes <= BYTES_PER_WEIGHT.fp4) return 'fp4';
  if (llm.weightDtypeBytes <= BYTES_PER_WEIGHT.fp8) return 'fp8';
  return 'bf16';
}

/** The LLM's published KV format (kv_dtype_bytes 1 → fp8, else bf16). */
export function nativeKvDtype(llm: LlmSpec): KvDtype {
  return llm.kvDtypeBytes <= BYTES_PER_KV_ELEMENT.fp8 ? 'fp8' : 'bf16';
}

/** The formats a GPU's tensor cores run: bf16 always, fp8 with an fp8 peak, fp4 with an fp4 peak. */
export function gpuPrecisions(gpu: GpuSpec): Precision[] {
  return PRECISIONS.filter((p) => p === 'bf16' || (p === 'fp8' ? gpu.fp8FlopsPerSecond !== undefined : gpu.fp4FlopsPerSecond !== undefined));
}

/** Dense peak FLOP/s of a GPU in a format; undefined when the GPU lacks it. */
export function peakFlopsPerSecond(gpu: GpuSpec, precision: Precision): number | undefined {
  return precision === 'bf16' ? gpu.bf16FlopsPerSecond : precision === 'fp8' ? gpu.fp8FlopsPerSecond : gpu.fp4FlopsPerSecond;
}

/** The message for a format a GPU lacks (contract wording, after the `file: field: ` prefix). */
export function unsupportedPrecisionMessage(gpu: GpuSpec, precision: string): string {
  return `found ${JSON.stringify(precision)}, expected one of the formats ${gpu.id} has (${gpuPrecisions(gpu).join(', ')})`;
}

/** A layout with every default applied. */
export interface ResolvedLayout {
  readonly tp: number;
  readonly ep: number;
  readonly precision: Precision;
  readonly kvDtype: KvDtype;
  /** GPUs of one instance: max(tp, ep). */
  readonly gpus: number;
  /** Attention data-parallel degree: gpus / tp. */
  readonly attentionDp: number;
  /** Tensor-parallel degree inside each expert: gpus / ep. */
  readonly moeTp: number;
}

/** Why a (tp, ep) pair is no layout, or undefined when it is one (whole, positive, one dividing the other). */
export function layoutProblem(tp: number, ep: number): string | undefined {
  if (!Number.isInteger(tp) || tp < 1) return `tp must be a positive whole number, found ${tp}`;
  if (!Number.isInteger(ep) || ep < 1) return `ep must be a positive whole number, found ${ep}`;
  if (Math.max(tp, ep) % Math.min(tp, ep) !== 0) return `found tp ${tp} and ep ${ep}, expected one to divide the other (an instance is max(tp, ep) GPUs)`;
  return undefined;
}

/**
 * Why a layout cannot run on this GPU type: it spans nodes (max(tp, ep) > gpus_per_node) and the GPU has no
 * inter-node link (inter_node_bytes_per_s 0), so nothing joins the nodes. Undefined when it can.
 */
export function scaleUpProblem(gpu: GpuSpec, tp: number, ep = 1): string | undefined {
  const gpus = Math.max(tp, ep);
  if (gpu.interNodeBandwidthBytesPerSecond > 0 || gpus <= gpu.gpusPerNode) return undefined;
  return `found tp ${tp}${ep > 1 ? ` × ep ${ep}` : ''} (${gpus} GPUs), expected at most ${gpu.id}'s scale-up domain of ${gpu.gpusPerNode} GPUs: ${gpu.id} has no inter-node link (inter_node_bytes_per_s 0)`;
}

/** The field a scale-up problem is reported on: the degree that makes the instance as large as it is. */
export const widerDegree = (tp: number, ep = 1): 'tp' | 'ep' => (ep > tp ? 'ep' : 'tp');

/** Applies the defaults (native formats, ep 1) and derives the GPU count; throws on a (tp, ep) that is no layout. */
export function resolveLayout(llm: LlmSpec, layout: InstanceLayout): ResolvedLayout {
  const ep = layout.ep ?? 1;
  const problem = layoutProblem(layout.tp, ep);
  if (problem) throw new RangeError(problem);
  const gpus = Math.max(layout.tp, ep);
  return {
    tp: layout.tp, ep, precision: layout.precision ?? nativePrecision(llm), kvDtype: layout.kvDtype ?? nativeKvDtype(llm),
    gpus, attentionDp: gpus / layout.tp, moeTp: gpus / ep,
  };
}

/** GPUs of one instance: max(tp, ep). */
export function instanceGpus(layout: InstanceLayout): number {
  return Math.max(layout.tp, layout.ep ?? 1);
}

/** A cache key for a layout as given (absent fields stay absent: they mean the LLM's own formats). */
export function layoutCacheKey(layout: InstanceLayout): string {
  return `${layout.tp}|${layout.ep ?? 1}|${layout.precision ?? ''}|${layout.kvDtype ?? ''}`;
}

/** Nodes an instance spans: ceil(gpus / scale-up domain). */
export function nodesSpanned(gpu: GpuSpec, gpus: number): number {
  return Math.ceil(gpus / gpu.gpusPerNode);
}

/** `tp4`, `tp1ep8`: the layout part of a pool key (ep shown only when > 1). */
export function layoutLabel(tp: number, ep = 1): string {
  return ep > 1 ? `tp${tp}ep${ep}` : `tp${tp}`;
}
