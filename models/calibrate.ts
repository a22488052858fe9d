/**
 * Calibration of the roofline and power forms on measured data: kernel-level fractions of peak from aiconfigurator
 * GEMM tables, framework multipliers from end-to-end profiles, decode power by batch from ML.ENERGY, prefill power
 * from aiconfigurator's compute-bound GEMM power readings, and the cap exponent from measured capped prefills.
 */
import type { GpuSpec, LlmSpec } from '../catalogs/types.js';
import type { GpuEfficiency, PowerCalibration, RooflineCalibration } from './coefficients.js';
import { fitGemmGrids } from './gemm-efficiency-fit.js';
import type { GemmRow, NcclRow } from './importers/aiconfigurator.js';
import type { MlEnergyRun } from './importers/mlenergy.js';
import { evaluateLinear } from './features.js';
import { meanAbsolutePercentageError, solveLeastSquares } from './least-squares.js';
import { medianOf, type ProfileRow } from './profile.js';
import { computePhysicalTimes, rooflineDecodeTerms, rooflinePrefillTerms } from './roofline.js';
import { splitHoldout } from './split.js';

/**
 * Kernel-level efficiency of a GPU from its aiconfigurator GEMM table: the median achieved fraction of bf16 peak on
 * large GEMMs (m ≥ 1024), of bandwidth on large skinny ones (m ≤ 8), and the latency floor of a kernel: the intercept
 * of time = floor + bytes / bandwidth over every skinny bf16 GEMM (relative least squares). The floor is what a small
 * model's many small GEMMs pay regardless of their size (2–4 µs on A100…B200), so it, not bandwidth, sets their cost.
 */
export function estimateGpuEfficiency(rows: readonly GemmRow[], nccl: readonly NcclRow[], gpu: GpuSpec, from: string): GpuEfficiency {
  const bf16 = rows.filter((r) => r.dtype === 'bfloat16');
  const large = bf16.filter((r) => r.n >= 4096 && r.k >= 4096);
  const bytes = (r: GemmRow) => 2 * (r.n * r.k + r.m * r.k + r.m * r.n);
  const compute = large.filter((r) => r.m >= 1024).map((r) => (2 * r.m * r.n * r.k) / r.latencySeconds / gpu.bf16FlopsPerSecond);
  const memory = large.filter((r) => r.m <= 8).map((r) => bytes(r) / r.latencySeconds / gpu.memoryBandwidthBytesPerSecond);
  if (compute.length === 0 || memory.length === 0) throw new Error(`no large bf16 GEMMs to calibrate ${gpu.id} from ${from}`);
  const skinny = bf16.filter((r) => r.m <= 8);
  const [floor] = solveLeastSquares(skinny.map((r) => [1, bytes(r) / gpu.memoryBandwidthBytesPerSecond]), skinny.map((r) => r.latencySeconds));
  const lowPrecision = estimatePrecisionFractions(rows, gpu);
  const gemmGrids = fitGemmGrids(rows, gpu, from);
  return {
    computeFraction: Math.min(1, medianOf(compute)),
    ...(lowPrecision.fractions ? { precisionComputeFractions: lowPrecision.fractions, precisionFrom: `${from} (${lowPrecision.said})` } : {}),
    ...(Object.keys(gemmGrids).length > 0 ? { gemmGrids } : {}),
    memoryFraction: Math.min(1, medianOf(memory)),
    kernelFloorSeconds: floor,
    allReduceFloorSeconds: estimateAllReduceFloor(nccl),
    from: `${from} (${compute.length} compute-bound, ${memory.length} memory-bound, ${skinny.length} skinny GEMMs; NCCL all-reduce)`,
  };
}

/** Large-GEMM shapes whose achieved rate is the compute ceiling (the same cut as the bf16 fraction). */
const isLargeComputeBound = (r: GemmRow) => r.n >= 4096 && r.k >= 4096 && r.m >= 1024;

/**
 * Achieved fraction of the fp8 and fp4 peaks on large GEMMs of those dtypes: fp8 from the per-tensor `fp8` rows
 * (vLLM's `--quantization fp8`), else the block-scaled `fp8_block` rows (the H200/B200 tables have only those); fp4
 * from `nvfp4`. A dtype the table lacks, or a GPU without that peak, gets none (the roofline then uses the bf16 one).
 */
export function estimatePrecisionFractions(rows: readonly GemmRow[], gpu: GpuSpec): { fractions?: { fp8?: number; fp4?: number }; said: string } {
  const fractions: { fp8?: number; fp4?: number } = {};
  const said: string[] = [];
  const measure = (dtype: string, peak: number | undefined): number | undefined => {
    if (peak === undefined) return undefined;
    const achieved = rows.filter((r) => r.dtype === dtype && isLargeComputeBound(r)).map((r) => (2 * r.m * r.n * r.k) / r.latencySeconds / peak);
    if (achieved.length === 0) return undefined;
    said.push(`${achieved.length} compute-bound ${dtype} GEMMs`);
    return Math.min(1, medianOf(achieved));
  };
  const fp8 = measure('fp8', gpu.fp8FlopsPerSecond) ?? measure('fp8_block', gpu.fp8FlopsPerSecond);
  const fp4 = measure('nvfp4', gpu.fp4FlopsPerSecond);
  if (fp8 !== undefined) fractions.fp8 = fp8;
  if (fp4 !== undefined) fractions.fp4 = fp4;
  return { ...(said.length > 0 ? { fractions } : {}), said: said.join(', ') };
}

/**
 * Small-message fp16 all-reduce latency by GPU count: the median over the table's smallest message size. Decode's
 * all-reduces carry a few KB, so this latency, not bandwidth, is what a layer pays twice at TP > 1.
 */
export function estimateAllReduceFloor(rows: readonly NcclRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  const ar = rows.filter((r) => r.op === 'all_reduce' && r.dtype === 'half');
  for (const gpus of [...new Set(ar.map((r) => r.gpus))].sort((a, b) => a - b)) {
    const mine = ar.filter((r) => r.gpus === gpus);
    const smallest = Math.min(...mine.map((r) => r.messageBytes));
    out[String(gpus)] = medianOf(mine.filter((r) => r.messageBytes === smallest).map((r) => r.latencySeconds));
  }
  return out;
}

/** The efficiency of a GPU without a kernel table: the median of the measured ones, each figure on its own. */
export function medianEfficiency(efficiencies: Readonly<Record<string, GpuEfficiency>>): GpuEfficiency {
  const values = Object.values(efficiencies);
  return {
    computeFraction: medianOf(values.map((e) => e.computeFraction)),
    memoryFraction: medianOf(values.map((e) => e.memoryFraction)),
    kernelFloorSeconds: medianOf(values.map((e) => e.kernelFloorSeconds)),
    allReduceFloorSeconds: Object.fromEntries([...new Set(values.flatMap((e) => Object.keys(e.allReduceFloorSeconds)))].sort()
      .map((k) => [k, medianOf(values.flatMap((e) => (e.allReduceFloorSeconds[k] !== undefined ? [e.allReduceFloorSeconds[k]] : [])))])),
    from: `median of ${Object.keys(efficiencies).sort().join(', ')}`,
  };
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
  const defaultEfficiency = medianEfficiency(efficiencies);
  const usable = rows.filter((r) => r.powerCapWatts === undefined && specs.gpu(r.gpu) && specs.llm(r.llm));
  const terms = (r: ProfileRow): number[] => {
    const gpu = specs.gpu(r.gpu) as GpuSpec;
    const p = computePhysicalTimes(gpu, specs.llm(r.llm) as LlmSpec, { tp: r.tp }, efficiencies[gpu.id] ?? defaultEfficiency);
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
  const p = computePhysicalTimes(gpu, llm, { tp: r.tp }, calibration.efficiencies[gpu.id] ?? calibration.defaultEfficiency);
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
