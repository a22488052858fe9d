/**
 * Roofline from the spec sheet. Each term is a physical time at the GPU's achievable rate (peak × the kernel-level
 * fraction measured by aiconfigurator), multiplied by a factor fitted on GPUs with end-to-end measurements (what a
 * serving stack loses on top of its kernels). The result is expressed in the per-pair forms of features.ts, so a
 * roofline model and a fitted one behave identically downstream.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import type { GpuEfficiency, LatencyCoefficients, RooflineCalibration } from './coefficients.js';
import { activeParameters, kvBytesPerToken, weightBytes } from './specs.js';

export const ROOFLINE_PREFILL_TERMS = ['layer_overhead', 'weight_read', 'linear_compute', 'attention_compute', 'all_reduce_bytes', 'all_reduce_calls'] as const;
export const ROOFLINE_DECODE_TERMS = ['layer_overhead', 'weight_read', 'kv_read', 'linear_compute', 'all_reduce_calls'] as const;

/** Physical unit times of one instance: seconds per step, per token, per attention pair, per context token. */
export interface PhysicalTimes {
  readonly weightReadSeconds: number;
  readonly computeSecondsPerToken: number;
  readonly attentionSecondsPerPair: number;
  readonly allReduceSecondsPerToken: number;
  /** All-reduces per forward pass (2 per layer at tp > 1, else 0). */
  readonly allReduceCalls: number;
  readonly kvReadSecondsPerContextToken: number;
  /**
   * Per-layer fixed work (norms, rope, small kernels, launch gaps) as the time to stream 1 MiB per layer: latency-
   * bound kernels speed up with the memory system (at spec bandwidth: they never reach streaming efficiency), so this,
   * not a constant, carries the overhead across GPUs (A100→H100 decode error 25–44% with a constant, 7–17% with this).
   */
  readonly layerOverheadSeconds: number;
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
    // features.ts counts pairs twice over the causal triangle; 4·layers·heads·head_dim FLOPs per causal pair.
    attentionSecondsPerPair: (2 * llm.layers * llm.attentionHeads * llm.headDim) / compute,
    allReduceSecondsPerToken: (2 * llm.layers * llm.hiddenSize * 2 * ringBytes) / gpu.intraNodeBandwidthBytesPerSecond,
    allReduceCalls: tp > 1 ? 2 * llm.layers : 0,
    kvReadSecondsPerContextToken: kvBytesPerToken(llm) / memory,
    layerOverheadSeconds: (llm.layers * 1024 * 1024) / gpu.memoryBandwidthBytesPerSecond,
  };
}

/** Roofline design row of a prefill (for calibration). */
export function rooflinePrefillTerms(p: PhysicalTimes, newTokensPerSequence: number, cachedTokensPerSequence: number, batch: number): number[] {
  const tokens = newTokensPerSequence * batch;
  const pairs = batch * newTokensPerSequence * (newTokensPerSequence + 2 * cachedTokensPerSequence);
  return [p.layerOverheadSeconds, p.weightReadSeconds, p.computeSecondsPerToken * tokens, p.attentionSecondsPerPair * pairs, p.allReduceSecondsPerToken * tokens, p.allReduceCalls];
}

/** Roofline design row of a decode step (for calibration). */
export function rooflineDecodeTerms(p: PhysicalTimes, batch: number, totalContextTokens: number): number[] {
  return [p.layerOverheadSeconds, p.weightReadSeconds, p.kvReadSecondsPerContextToken * totalContextTokens, p.computeSecondsPerToken * batch, p.allReduceCalls];
}

/** The kernel-level efficiency of a GPU: measured when aiconfigurator has it, else the calibration's default. */
export function efficiencyFor(calibration: RooflineCalibration, gpuId: string): GpuEfficiency {
  return calibration.efficiencies[gpuId] ?? calibration.defaultEfficiency;
}

/** A roofline model in the fitted forms: prefill/decode coefficient vectors of features.ts. */
export function deriveRooflineCoefficients(gpu: GpuSpec, llm: LlmSpec, tp: number, calibration: RooflineCalibration): LatencyCoefficients {
  const p = computePhysicalTimes(gpu, llm, tp, efficiencyFor(calibration, gpu.id));
  const [x0, xw, xc, xa, xr, xn] = calibration.prefill;
  const [z0, zw, zk, zc, zn] = calibration.decode;
  return {
    prefill: [x0 * p.layerOverheadSeconds + xw * p.weightReadSeconds + xn * p.allReduceCalls, xc * p.computeSecondsPerToken + xr * p.allReduceSecondsPerToken, xa * p.attentionSecondsPerPair, 0, 0, 0, 0],
    decode: [z0 * p.layerOverheadSeconds + zw * p.weightReadSeconds + zn * p.allReduceCalls, zc * p.computeSecondsPerToken, zk * p.kvReadSecondsPerContextToken],
  };
}
