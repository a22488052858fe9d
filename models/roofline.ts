/**
 * Roofline from the spec sheet. Each term is a physical time at the GPU's achievable rate (peak × the kernel-level
 * fraction measured by aiconfigurator), multiplied by a factor fitted on GPUs with end-to-end measurements (what a
 * serving stack loses on top of its kernels). The result is expressed in the per-pair forms of features.ts, so a
 * roofline model and a fitted one behave identically downstream.
 */
import { nodesSpanned, peakFlopsPerSecond, resolveLayout, unsupportedPrecisionMessage, type ResolvedLayout } from '../catalogs/precision.js';
import type { GpuSpec, InstanceLayout, LlmSpec, Precision } from '../catalogs/types.js';
import type { GpuEfficiency, LatencyCoefficients, RooflineCalibration } from './coefficients.js';
import { activeParameters, fullAttentionLayers, kvBytesPerToken, kvWindowBytesPerSequence, linearAttentionOf, linearStateBytesPerSequence, residentWeightBytes, slidingWindowOf } from './specs.js';
import { PREFILL_FEATURE_NAMES } from './features.js';

export const ROOFLINE_PREFILL_TERMS = ['step_overhead', 'layer_kernels', 'weight_read', 'linear_compute', 'attention_compute', 'all_reduce_bytes', 'all_reduce_latency'] as const;
export const ROOFLINE_DECODE_TERMS = ['step_overhead', 'layer_kernels', 'weight_read', 'kv_read', 'linear_compute', 'all_reduce_latency'] as const;

/** Unit of the per-step term: one millisecond, so its fitted multiplier reads as milliseconds per engine step. */
export const STEP_OVERHEAD_UNIT_SECONDS = 1e-3;

/** Physical unit times of one instance: seconds per step, per token, per attention pair, per context token. */
export interface PhysicalTimes {
  readonly weightReadSeconds: number;
  readonly computeSecondsPerToken: number;
  /** A prefill token skips the vocabulary projection (only a sequence's last token needs logits). */
  readonly prefillComputeSecondsPerToken: number;
  readonly attentionSecondsPerPair: number;
  readonly allReduceSecondsPerToken: number;
  /** Latency of a forward pass's all-reduces: 2 per layer at tp > 1, each at the GPU's measured small-message latency. */
  readonly allReduceLatencySeconds: number;
  /**
   * What those all-reduces add when the TP group spans nodes: NCCL's network hops (allReduceLatencyAt), 0 in one node.
   * Charged at face value (no fitted multiplier): the multipliers were fitted on single-node runs, where it is 0 (the
   * decode fit puts the in-node latency term at 0, inside its per-layer kernel term).
   */
  readonly interNodeAllReduceSeconds: number;
  readonly kvReadSecondsPerContextToken: number;
  /**
   * Sliding-window layers (gpt-oss): a prefill token attends to at most the window on them, so their attention is
   * per token (a full window's pairs: exact once the cached context reaches the window, an upper bound before), and a
   * decode step reads each sequence's window of KV once. Both 0 without sliding layers; the full-attention layers
   * stay in attentionSecondsPerPair and kvReadSecondsPerContextToken. Priced with the same fitted multipliers.
   */
  readonly slidingAttentionSecondsPerToken: number;
  readonly kvWindowReadSecondsPerSequence: number;
  /**
   * Per-layer fixed work as a count of latency-bound kernels: layers × the GPU's measured kernel floor (the intercept
   * of aiconfigurator's skinny GEMMs, 2–4 µs). It grows with depth, never with matrix size or TP, so a 28-layer 0.6B
   * model pays 28 floors, not a share of a 70B model's fixed cost; the multiplier (≈ floor kernels per layer) is fitted.
   */
  readonly layerKernelSeconds: number;
  /** Per engine step (scheduler, sampling, graph launch): CPU-side, the same on every GPU and model. */
  readonly stepSeconds: number;
}

/** Latency of one small all-reduce over `tp` GPUs: the measured count, else the nearest measured one below (or above). */
export function allReduceFloorAt(eff: GpuEfficiency, tp: number): number {
  if (tp <= 1) return 0;
  const counts = Object.keys(eff.allReduceFloorSeconds).map(Number).sort((a, b) => a - b);
  if (counts.length === 0) throw new Error(`no all-reduce latency in ${eff.from}`);
  const at = counts.filter((c) => c <= tp).pop() ?? counts[0];
  return eff.allReduceFloorSeconds[String(at)];
}

/**
 * What one more level of NCCL's tree adds to a small all-reduce when the group spans nodes: NCCL's own latency model
 * (src/graph/tuning.cc `ncclTopoTuneModel`, hwLat[NET][Tree][LL] = 5.0 µs) prices a tree all-reduce at
 * baseLat + 2·((ranks per node − 1)·intraLat + log2(nodes)·interLat): up the tree and down again, one network hop per
 * level each way. In one node its figures give 15.2 µs for 8 H100s (tree) and 15.0 µs (ring), where the staged 8-GPU
 * table measured 15.5 µs; over 2 nodes of 8, 25.2 µs (tree, the cheapest of its small-message choices; ring 43.4 µs).
 * A TP group spanning nodes goes through NCCL (TensorRT-LLM's allreduce falls back to NCCL for an inter-node group,
 * "Found inter-node TP group"; vLLM's and SGLang's custom all-reduce are single-node too).
 */
export const NCCL_NET_TREE_HOP_SECONDS = 5.0e-6;

/**
 * Latency of one small all-reduce over `tp` GPUs of `gpu`: the measured floor at the largest measured count within the
 * scale-up domain, plus, beyond it, NCCL's 2·log2(nodes) network hops.
 */
export function allReduceLatencyAt(gpu: GpuSpec, eff: GpuEfficiency, tp: number): number {
  if (tp <= 1) return 0;
  const nodes = nodesSpanned(gpu, tp);
  if (nodes <= 1) return allReduceFloorAt(eff, tp);
  return allReduceFloorAt(eff, gpu.gpusPerNode) + 2 * Math.floor(Math.log2(nodes)) * NCCL_NET_TREE_HOP_SECONDS;
}

/** The kernel-level fraction of peak for GEMMs in a format: measured for that dtype, else the bf16 one. */
export function computeFractionFor(eff: GpuEfficiency, precision: Precision): { readonly fraction: number; readonly measured: boolean } {
  const own = precision === 'bf16' ? eff.computeFraction : eff.precisionComputeFractions?.[precision];
  return own !== undefined ? { fraction: own, measured: true } : { fraction: eff.computeFraction, measured: false };
}

/**
 * Seconds a TP all-reduce of `payloadBytes` (per GPU) takes at bandwidth. Inside the scale-up domain a ring moves
 * 2(tp−1)/tp of it over NVLink. A TP group larger than the domain runs hierarchically (as NCCL does): reduce-scatter
 * inside each node, all-reduce of each GPU's 1/g share across the n nodes over its NIC (2(n−1)/n of it), all-gather.
 */
export function allReduceTransferSeconds(gpu: GpuSpec, tp: number, payloadBytes: number): number {
  if (tp <= 1) return 0;
  const inNode = Math.min(tp, gpu.gpusPerNode);
  const nodes = nodesSpanned(gpu, tp);
  const intra = inNode > 1 ? (payloadBytes * ((2 * (inNode - 1)) / inNode)) / gpu.intraNodeBandwidthBytesPerSecond : 0;
  const inter = nodes > 1 ? (payloadBytes * ((2 * (nodes - 1)) / nodes / inNode)) / gpu.interNodeBandwidthBytesPerSecond : 0;
  return intra + inter;
}

/**
 * Unit times from specs and kernel efficiency for one instance layout. GEMMs run at the layout's precision (the GPU's
 * fp8/fp4 peak × that dtype's measured fraction); attention stays bf16 (the staged attention kernels are bf16 compute).
 * Weights read are those resident per GPU (attention replicated over data-parallel groups); KV reads follow the KV dtype.
 */
export function computePhysicalTimes(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout | ResolvedLayout, eff: GpuEfficiency): PhysicalTimes {
  const l = 'gpus' in layout ? layout : resolveLayout(llm, layout);
  const peak = peakFlopsPerSecond(gpu, l.precision);
  if (peak === undefined) throw new RangeError(`${gpu.id}: precision: ${unsupportedPrecisionMessage(gpu, l.precision)}`);
  const gemm = l.gpus * peak * computeFractionFor(eff, l.precision).fraction;
  const attention = l.gpus * gpu.bf16FlopsPerSecond * eff.computeFraction;
  const memory = l.gpus * gpu.memoryBandwidthBytesPerSecond * eff.memoryFraction;
  return {
    weightReadSeconds: residentWeightBytes(llm, l) / memory,
    computeSecondsPerToken: (2 * activeParameters(llm)) / gemm,
    // Up to 26% of a small model's parameters are its vocab × hidden embedding (Qwen3-0.6B), a lookup, not a GEMM.
    prefillComputeSecondsPerToken: (2 * Math.max(0, activeParameters(llm) - llm.vocabSize * llm.hiddenSize)) / gemm,
    // features.ts counts pairs twice over the causal triangle; 4·layers·heads·head_dim FLOPs per causal pair.
    attentionSecondsPerPair: (2 * fullAttentionLayers(llm) * llm.attentionHeads * llm.headDim) / attention,
    // A window of causal pairs per token on each sliding layer, at 4·heads·head_dim FLOPs per pair.
    slidingAttentionSecondsPerToken: (4 * (slidingWindowOf(llm)?.layers ?? 0) * (slidingWindowOf(llm)?.windowTokens ?? 0) * llm.attentionHeads * llm.headDim
      // Gated DeltaNet layers: per token and value head, the state's decay-and-update (4·dk·dv) and its read-out (2·dk·dv).
      + linearAttentionFlopsPerToken(llm)) / attention,
    // Two all-reduces per layer of one token's hidden state in bf16 (2 bytes), over the attention TP group.
    allReduceSecondsPerToken: allReduceTransferSeconds(gpu, l.tp, 2 * llm.layers * llm.hiddenSize * 2),
    allReduceLatencySeconds: l.tp > 1 ? 2 * llm.layers * allReduceFloorAt(eff, l.tp) : 0,
    interNodeAllReduceSeconds: 2 * llm.layers * (allReduceLatencyAt(gpu, eff, l.tp) - allReduceFloorAt(eff, l.tp)),
    kvReadSecondsPerContextToken: kvBytesPerToken(llm, l.kvDtype) / memory,
    // Each decode step reads every sequence's windows, and reads and writes back its linear-attention state.
    kvWindowReadSecondsPerSequence: (kvWindowBytesPerSequence(llm, l.kvDtype) + 2 * linearStateBytesPerSequence(llm)) / memory,
    layerKernelSeconds: llm.layers * eff.kernelFloorSeconds,
    stepSeconds: STEP_OVERHEAD_UNIT_SECONDS,
  };
}

/** FLOPs per token of an LLM's linear-attention layers: 6 × value_heads × key_head_dim × value_head_dim each (0 without). */
export function linearAttentionFlopsPerToken(llm: LlmSpec): number {
  const la = linearAttentionOf(llm);
  return la ? 6 * la.layers * la.valueHeads * la.keyHeadDim * la.valueHeadDim : 0;
}

/** Roofline design row of a prefill (for calibration). */
export function rooflinePrefillTerms(p: PhysicalTimes, newTokensPerSequence: number, cachedTokensPerSequence: number, batch: number): number[] {
  const tokens = newTokensPerSequence * batch;
  const pairs = batch * newTokensPerSequence * (newTokensPerSequence + 2 * cachedTokensPerSequence);
  return [p.stepSeconds, p.layerKernelSeconds, p.weightReadSeconds, p.prefillComputeSecondsPerToken * tokens, p.attentionSecondsPerPair * pairs + p.slidingAttentionSecondsPerToken * tokens, p.allReduceSecondsPerToken * tokens, p.allReduceLatencySeconds];
}

/** Roofline design row of a decode step (for calibration). */
export function rooflineDecodeTerms(p: PhysicalTimes, batch: number, totalContextTokens: number): number[] {
  return [p.stepSeconds, p.layerKernelSeconds, p.weightReadSeconds, p.kvReadSecondsPerContextToken * totalContextTokens + p.kvWindowReadSecondsPerSequence * batch, p.computeSecondsPerToken * batch, p.allReduceLatencySeconds];
}

/** The kernel-level efficiency of a GPU: measured when aiconfigurator has it, else the calibration's default. */
export function efficiencyFor(calibration: RooflineCalibration, gpuId: string): GpuEfficiency {
  return calibration.efficiencies[gpuId] ?? calibration.defaultEfficiency;
}

// The roofline has no per-sequence or hinge terms: zeros for the rest of the fitted prefill form.
const UNUSED_PREFILL_TERMS: readonly number[] = new Array(PREFILL_FEATURE_NAMES.length - 3).fill(0);

/** A roofline model in the fitted forms: prefill/decode coefficient vectors of features.ts. */
export function deriveRooflineCoefficients(gpu: GpuSpec, llm: LlmSpec, layout: InstanceLayout, calibration: RooflineCalibration): LatencyCoefficients {
  const p = computePhysicalTimes(gpu, llm, layout, efficiencyFor(calibration, gpu.id));
  const [xs, xl, xw, xc, xa, xr, xn] = calibration.prefill;
  const [zs, zl, zw, zk, zc, zn] = calibration.decode;
  return {
    prefill: [xs * p.stepSeconds + xl * p.layerKernelSeconds + xw * p.weightReadSeconds + xn * p.allReduceLatencySeconds + p.interNodeAllReduceSeconds, xc * p.prefillComputeSecondsPerToken + xr * p.allReduceSecondsPerToken + xa * p.slidingAttentionSecondsPerToken, xa * p.attentionSecondsPerPair, ...UNUSED_PREFILL_TERMS],
    decode: [zs * p.stepSeconds + zl * p.layerKernelSeconds + zw * p.weightReadSeconds + zn * p.allReduceLatencySeconds + p.interNodeAllReduceSeconds, zc * p.computeSecondsPerToken + zk * p.kvWindowReadSecondsPerSequence, zk * p.kvReadSecondsPerContextToken],
  };
}
