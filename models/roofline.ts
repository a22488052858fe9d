/**
 * Roofline from the spec sheet. Each term is a physical time at the GPU's achievable rate (peak × the kernel-level
 * fraction measured by aiconfigurator), multiplied by a factor fitted on GPUs with end-to-end measurements (what a
 * serving stack loses on top of its kernels). The result is expressed in the per-pair forms of features.ts, so a
 * roofline model and a fitted one behave identically downstream.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import type { GpuEfficiency, LatencyCoefficients, RooflineCalibration } from './coefficients.js';
import { activeParameters, kvBytesPerToken, weightBytes } from './specs.js';
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
  readonly kvReadSecondsPerContextToken: number;
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

/** Unit times from specs and kernel efficiency. */
export function computePhysicalTimes(gpu: GpuSpec, llm: LlmSpec, tp: number, eff: GpuEfficiency): PhysicalTimes {
  const compute = tp * gpu.bf16FlopsPerSecond * eff.computeFraction;
  const memory = tp * gpu.memoryBandwidthBytesPerSecond * eff.memoryFraction;
  // Ring all-reduce of one token's hidden state (2 bytes) moves 2(tp−1)/tp of it over each GPU's link.
  const ringBytes = tp > 1 ? (2 * (tp - 1)) / tp : 0;
  return {
    weightReadSeconds: weightBytes(llm) / memory,
    computeSecondsPerToken: (2 * activeParameters(llm)) / compute,
    // Up to 26% of a small model's parameters are its vocab × hidden embedding (Qwen3-0.6B), a lookup, not a GEMM.
    prefillComputeSecondsPerToken: (2 * Math.max(0, activeParameters(llm) - llm.vocabSize * llm.hiddenSize)) / compute,
    // features.ts counts pairs twice over the causal triangle; 4·layers·heads·head_dim FLOPs per causal pair.
    attentionSecondsPerPair: (2 * llm.layers * llm.attentionHeads * llm.headDim) / compute,
    allReduceSecondsPerToken: (2 * llm.layers * llm.hiddenSize * 2 * ringBytes) / gpu.intraNodeBandwidthBytesPerSecond,
    allReduceLatencySeconds: tp > 1 ? 2 * llm.layers * allReduceFloorAt(eff, tp) : 0,
    kvReadSecondsPerContextToken: kvBytesPerToken(llm) / memory,
    layerKernelSeconds: llm.layers * eff.kernelFloorSeconds,
    stepSeconds: STEP_OVERHEAD_UNIT_SECONDS,
  };
}

/** Roofline design row of a prefill (for calibration). */
export function rooflinePrefillTerms(p: PhysicalTimes, newTokensPerSequence: number, cachedTokensPerSequence: number, batch: number): number[] {
  const tokens = newTokensPerSequence * batch;
  const pairs = batch * newTokensPerSequence * (newTokensPerSequence + 2 * cachedTokensPerSequence);
  return [p.stepSeconds, p.layerKernelSeconds, p.weightReadSeconds, p.prefillComputeSecondsPerToken * tokens, p.attentionSecondsPerPair * pairs, p.allReduceSecondsPerToken * tokens, p.allReduceLatencySeconds];
}

/** Roofline design row of a decode step (for calibration). */
export function rooflineDecodeTerms(p: PhysicalTimes, batch: number, totalContextTokens: number): number[] {
  return [p.stepSeconds, p.layerKernelSeconds, p.weightReadSeconds, p.kvReadSecondsPerContextToken * totalContextTokens, p.computeSecondsPerToken * batch, p.allReduceLatencySeconds];
}

/** The kernel-level efficiency of a GPU: measured when aiconfigurator has it, else the calibration's default. */
export function efficiencyFor(calibration: RooflineCalibration, gpuId: string): GpuEfficiency {
  return calibration.efficiencies[gpuId] ?? calibration.defaultEfficiency;
}

// The roofline has no per-sequence or hinge terms: zeros for the rest of the fitted prefill form.
const UNUSED_PREFILL_TERMS: readonly number[] = new Array(PREFILL_FEATURE_NAMES.length - 3).fill(0);

/** A roofline model in the fitted forms: prefill/decode coefficient vectors of features.ts. */
export function deriveRooflineCoefficients(gpu: GpuSpec, llm: LlmSpec, tp: number, calibration: RooflineCalibration): LatencyCoefficients {
  const p = computePhysicalTimes(gpu, llm, tp, efficiencyFor(calibration, gpu.id));
  const [xs, xl, xw, xc, xa, xr, xn] = calibration.prefill;
  const [zs, zl, zw, zk, zc, zn] = calibration.decode;
  return {
    prefill: [xs * p.stepSeconds + xl * p.layerKernelSeconds + xw * p.weightReadSeconds + xn * p.allReduceLatencySeconds, xc * p.prefillComputeSecondsPerToken + xr * p.allReduceSecondsPerToken, xa * p.attentionSecondsPerPair, ...UNUSED_PREFILL_TERMS],
    decode: [zs * p.stepSeconds + zl * p.layerKernelSeconds + zw * p.weightReadSeconds + zn * p.allReduceLatencySeconds, zc * p.computeSecondsPerToken, zk * p.kvReadSecondsPerContextToken],
  };
}
