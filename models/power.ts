/**
 * Instance power (all `tp` GPUs) by state, and the power cap as a compute ceiling.
 *
 * Decode power rises with batch (more KV and more FLOPs per weight byte) and saturates: per-GPU watts =
 * idle + (tdp − idle) × min(1, a + b·ln(batch)), with a and b fitted on ML.ENERGY's H100 runs. Prefill runs at
 * `prefillTdpFraction` of TDP (fitted on aiconfigurator's compute-bound GEMM power readings). A cap clips both.
 */
import type { GpuSpec } from '../catalogs/types.js';

export interface PowerCoefficients {
  /** Prefill (compute-bound) draw as a fraction of TDP. */
  readonly prefillTdpFraction: number;
  /** Decode busy share of (tdp − idle) at batch 1. */
  readonly decodeShareAtBatch1: number;
  /** Increase of that share per e-fold of batch. */
  readonly decodeSharePerLnBatch: number;
  /** Prefill slowdown under a cap = (uncapped prefill watts / cap)^exponent on the token-dependent time. */
  readonly capSlowdownExponent: number;
}

/** Per-GPU watts a state draws, before a cap. */
export function uncappedGpuWatts(gpu: GpuSpec, c: PowerCoefficients, state: 'idle' | 'prefill' | 'decode', batch = 1): number {
  if (state === 'idle') return gpu.idleWatts;
  if (state === 'prefill') return Math.max(gpu.idleWatts, c.prefillTdpFraction * gpu.tdpWatts);
  const share = Math.min(1, Math.max(0, c.decodeShareAtBatch1 + c.decodeSharePerLnBatch * Math.log(Math.max(1, batch))));
  return gpu.idleWatts + (gpu.tdpWatts - gpu.idleWatts) * share;
}

/** Per-GPU watts with an optional cap (idle is never above a cap's lower end in practice; it is not clipped). */
export function cappedGpuWatts(gpu: GpuSpec, c: PowerCoefficients, state: 'idle' | 'prefill' | 'decode', batch: number, capWatts?: number): number {
  const w = uncappedGpuWatts(gpu, c, state, batch);
  return state === 'idle' || capWatts === undefined ? w : Math.min(w, capWatts);
}

/**
 * Factor (≥ 1) by which a cap stretches the compute-bound part of a prefill: a compute ceiling at the rate the cap
 * can power. Decode is memory-bound and left unchanged (the paper's A40 decode TBT moved ±13% with no sign).
 */
export function capComputeSlowdown(gpu: GpuSpec, c: PowerCoefficients, capWatts?: number): number {
  if (capWatts === undefined) return 1;
  const demand = uncappedGpuWatts(gpu, c, 'prefill');
  return demand <= capWatts ? 1 : (demand / capWatts) ** c.capSlowdownExponent;
}
