/**
 * Calibration of the roofline and power forms on measured data: kernel-level fractions of peak from aiconfigurator
 * GEMM tables, framework multipliers from end-to-end profiles, decode power by batch from ML.ENERGY, prefill power
 * from aiconfigurator's compute-bound GEMM power readings, and the cap exponent from measured capped prefills.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import type { GpuEfficiency, PowerCalibration, RooflineCalibration } from './coefficients.js';
import type { GemmRow } from './importers/aiconfigurator.js';
import type { MlEnergyRun } from './importers/mlenergy.js';
import { evaluateLinear } from './features.js';
import { meanAbsolutePercentageError, solveLeastSquares } from './least-squares.js';
import { medianOf, type ProfileRow } from './profile.js';
import { computePhysicalTimes, rooflineDecodeTerms, rooflinePrefillTerms } from './roofline.js';
import { splitHoldout } from './split.js';

/** Median achieved fraction of bf16 peak on large GEMMs (m ≥ 1024) and of bandwidth on skinny ones (m ≤ 8). */
export function estimateGpuEfficiency(rows: readonly GemmRow[], gpu: GpuSpec, from: string): GpuEfficiency {
  const bf16 = rows.filter((r) => r.dtype === 'bfloat16' && r.n >= 4096 && r.k >= 4096);
  const compute = bf16.filter((r) => r.m >= 1024).map((r) => (2 * r.m * r.n * r.k) / r.latencySeconds / gpu.bf16FlopsPerSecond);
  const memory = bf16.filter((r) => r.m <= 8).map((r) => (2 * (r.n * r.k + r.m * r.k + r.m * r.n)) / r.latencySeconds / gpu.memoryBandwidthBytesPerSecond);
  if (compute.length === 0 || memory.length === 0) throw new Error(`no large bf16 GEMMs to calibrate ${gpu.id} from ${from}`);
  return { computeFraction: Math.min(1, medianOf(compute)), memoryFraction: Math.min(1, medianOf(memory)), from: `${from} (${compute.length} compute-bound, ${memory.length} memory-bound GEMMs)` };
}

export interface SpecLookup {
  readonly gpu: (id: string) => GpuSpec | undefined;
  readonly llm: (id: string) => LlmSpec | undefined;
}

/**
 * Fits the roofline multipliers on uncapped profile rows of GPUs with specs, holding out a seeded share of rows
 * (by configuration) for the reported error.
 */
export function fitRooflineCalibration(
  rows: readonly ProfileRow[],
  specs: SpecLookup,
  efficiencies: Readonly<Record<string, GpuEfficiency>>,
  options: { holdout?: number; seed?: number; from: string },
): RooflineCalibration {
  const values = Object.values(efficiencies);
  const defaultEfficiency: GpuEfficiency = {
    computeFraction: medianOf(values.map((e) => e.computeFraction)),
    memoryFraction: medianOf(values.map((e) => e.memoryFraction)),
    from: `median of ${Object.keys(efficiencies).sort().join(', ')}`,
  };
  const usable = rows.filter((r) => r.powerCapWatts === undefined && specs.gpu(r.gpu) && specs.llm(r.llm));
  const terms = (r: ProfileRow): number[] => {
    const gpu = specs.gpu(r.gpu) as GpuSpec;
    const p = computePhysicalTimes(gpu, specs.llm(r.llm) as LlmSpec, r.tp, efficiencies[gpu.id] ?? defaultEfficiency);
    return r.phase === 'prefill' ? rooflinePrefillTerms(p, r.inputTokens, r.contextTokens, r.batch) : rooflineDecodeTerms(p, r.batch, r.batch * r.contextTokens);
  };
  const fitPhase = (phase: 'prefill' | 'decode') => {
    const list = usable.filter((r) => r.phase === phase);
    const { train, test } = splitHoldout(list, options.holdout ?? 0.2, options.seed ?? 1, `roofline/${phase}`);
    const c = solveLeastSquares(train.map(terms), train.map((r) => r.latencySeconds));
    const mape = test.length === 0 ? Number.NaN : meanAbsolutePercentageError(test.map((r) => evaluateLinear(c, terms(r))), test.map((r) => r.latencySeconds));
    return { c, mape, n: train.length };
  };
  const prefill = fitPhase('prefill');
  const decode = fitPhase('decode');
  return {
    prefill: prefill.c, decode: decode.c, efficiencies, defaultEfficiency,
    from: options.from, rows: prefill.n + decode.n,
    heldOutMape: { prefill: prefill.mape, decode: decode.mape },
  };
}

/** Predicts a row with a calibration (the cross-GPU check uses it on a GPU the calibration never saw). */
export function predictWithRoofline(calibration: RooflineCalibration, r: ProfileRow, gpu: GpuSpec, llm: LlmSpec): number {
  const p = computePhysicalTimes(gpu, llm, r.tp, calibration.efficiencies[gpu.id] ?? calibration.defaultEfficiency);
  return r.phase === 'prefill'
    ? evaluateLinear(calibration.prefill, rooflinePrefillTerms(p, r.inputTokens, r.contextTokens, r.batch))
    : evaluateLinear(calibration.decode, rooflineDecodeTerms(p, r.batch, r.batch * r.contextTokens));
}

export interface CapObservation {
  /** Cap over the uncapped prefill draw (per GPU). */
  readonly powerRatio: number;
  /** Measured capped / uncapped prefill time on compute-bound work. */
  readonly slowdown: number;
  readonly from: string;
}

/** Power calibration: decode share by ln(batch) on ML.ENERGY dense runs of one GPU, prefill draw, cap exponent. */
export function fitPowerCalibration(
  runs: readonly MlEnergyRun[],
  gpu: GpuSpec,
  prefillTdpFraction: number,
  caps: readonly CapObservation[],
  from: string,
): PowerCalibration {
  const dense = runs.filter((r) => r.architecture === 'Dense Transformer');
  const share = dense.map((r) => (r.perGpuPowerWatts - gpu.idleWatts) / (gpu.tdpWatts - gpu.idleWatts));
  // Plain (not relative) least squares: shares near 0 would otherwise dominate.
  const [a, b] = solveLeastSquares(dense.map((r) => [1, Math.log(Math.max(1, r.meanBatch))]), share, { relative: false, nonNegative: [1] });
  const predicted = dense.map((r) => gpu.idleWatts + (gpu.tdpWatts - gpu.idleWatts) * Math.min(1, Math.max(0, a + b * Math.log(Math.max(1, r.meanBatch)))));
  // slowdown = (1/ratio)^γ → ln s = γ · ln(1/ratio): least squares through the origin.
  const num = caps.reduce((s, c) => s + Math.log(1 / c.powerRatio) * Math.log(c.slowdown), 0);
  const den = caps.reduce((s, c) => s + Math.log(1 / c.powerRatio) ** 2, 0);
  return {
    prefillTdpFraction,
    decodeShareAtBatch1: a,
    decodeSharePerLnBatch: b,
    capSlowdownExponent: den > 0 ? num / den : 1,
    from: `${from}; cap exponent from ${caps.map((c) => c.from).join(' and ')}`,
    rows: dense.length,
    heldOutMape: meanAbsolutePercentageError(predicted, dense.map((r) => r.perGpuPowerWatts)),
  };
}
