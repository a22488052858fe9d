/** The shapes of fitted figures, as stored in catalogs/coefficients/*.json and passed to `createPerfModel`. */
import type { GemmEfficiencyGrids } from './gemm-efficiency.js';
import type { PowerCoefficients } from './power.js';

/** Latency coefficients of one (gpu, llm, tp[, cap]) in the forms of features.ts (seconds per feature unit). */
export interface LatencyCoefficients {
  /** `PREFILL_FEATURE_NAMES` order. */
  readonly prefill: readonly number[];
  /** `DECODE_FEATURE_NAMES` order. */
  readonly decode: readonly number[];
}

export interface PairFitRecord extends LatencyCoefficients {
  readonly gpu: string;
  readonly llm: string;
  readonly tp: number;
  /** Per-GPU cap the rows were measured under; absent = uncapped. */
  readonly powerCapWatts?: number;
  readonly from: string;
  readonly rows: number;
  readonly heldOutMape: { readonly prefill: number; readonly decode: number };
}

/** Achievable fractions of spec-sheet peaks measured at kernel level (aiconfigurator GEMM tables). */
export interface GpuEfficiency {
  /** Achieved fraction of the bf16 peak on large bf16 GEMMs. */
  readonly computeFraction: number;
  /**
   * Achieved fraction of the fp8 / fp4 peak on large GEMMs of that dtype (aiconfigurator `gemm_dtype` fp8 per-tensor,
   * nvfp4), where the GPU's table has them; a format without one uses `computeFraction` (said in provenance).
   */
  readonly precisionComputeFractions?: { readonly fp8?: number; readonly fp4?: number };
  /** Which table rows the fp8/fp4 fractions come from. */
  readonly precisionFrom?: string;
  /**
   * GEMM efficiency by step tokens × weight size per precision (models/gemm-efficiency.ts), where the GPU's table has
   * the dtype (or an estimate, labelled in the grid). The serving step model prices a dense model's GEMMs with it;
   * absent, it uses the single fraction above.
   */
  readonly gemmGrids?: GemmEfficiencyGrids;
  readonly memoryFraction: number;
  /** Latency of a latency-bound kernel (intercept of skinny GEMM time = floor + bytes / achieved bandwidth), seconds. */
  readonly kernelFloorSeconds: number;
  /** Latency of a small (1K-element fp16) all-reduce by GPU count ("2", "4", "8"), from aiconfigurator NCCL tables. */
  readonly allReduceFloorSeconds: Readonly<Record<string, number>>;
  readonly from: string;
}

/** Roofline calibration: multipliers on physical seconds, fitted on measured GPUs (see roofline.ts). */
export interface RooflineCalibration {
  /** `ROOFLINE_PREFILL_TERMS` order. */
  readonly prefill: readonly number[];
  /** `ROOFLINE_DECODE_TERMS` order. */
  readonly decode: readonly number[];
  readonly efficiencies: Readonly<Record<string, GpuEfficiency>>;
  readonly defaultEfficiency: GpuEfficiency;
  readonly from: string;
  readonly rows: number;
  readonly heldOutMape: { readonly prefill: number; readonly decode: number };
}

export interface PowerCalibration extends PowerCoefficients {
  readonly from: string;
  readonly rows: number;
  readonly heldOutMape?: number;
}

/** Everything a `createPerfModel` call may use. */
export interface CoefficientSet {
  readonly pairs: readonly PairFitRecord[];
  readonly roofline: RooflineCalibration;
  readonly power: PowerCalibration;
}
