/**
 * GEMM efficiency by shape: the achieved fraction of a dtype's peak as a function of the step's token count m and the
 * per-GPU weight matrix size n·k, read from aiconfigurator's kernel tables (gemm_perf.csv). One fraction per GPU ×
 * precision (the median over every compute-bound shape) undervalues the large-m prefill GEMMs and overvalues small
 * matrices: on the H100, per-tensor fp8 at m = 1,024 runs at 0.50 of peak on 4096 × 4096 and 0.67 on 8192 × 51200.
 * This module holds the grid and prices a dense model's GEMMs with it (pure; the fit from the table is in
 * gemm-efficiency-fit.ts).
 */
import type { LlmSpec } from '../catalogs/types.js';

/** Achieved fraction of one dtype's peak on a grid of step tokens × log2(n·k), from one GPU's GEMM table. */
export interface GemmEfficiencyGrid {
  /** Step token counts m, ascending. Below the first the grid holds its first row (see gemm-efficiency-fit.ts). */
  readonly tokens: readonly number[];
  /** log2 of the weight matrix's element count n·k (per GPU, after the TP split), ascending. */
  readonly log2WeightElements: readonly number[];
  /** fraction[i][j]: median achieved fraction of peak at tokens[i] and 2^log2WeightElements[j] weights. */
  readonly fraction: readonly (readonly number[])[];
  /** Which table rows it comes from; an estimate (a dtype the table lacks) says how it was derived. */
  readonly from: string;
  /** True when the grid is derived, not measured (e.g. B200 per-tensor fp8, which aiconfigurator did not collect). */
  readonly estimate?: boolean;
}

/** Grids by serving precision (bf16 → bfloat16, fp8 → per-tensor fp8, fp4 → nvfp4). */
export interface GemmEfficiencyGrids {
  readonly bf16?: GemmEfficiencyGrid;
  readonly fp8?: GemmEfficiencyGrid;
  readonly fp4?: GemmEfficiencyGrid;
}

/** Index and weight of x between two neighbours of an ascending axis, clamped to its ends (held flat beyond them). */
function bracket(axis: readonly number[], x: number): { i: number; w: number } {
  if (axis.length === 1 || x <= axis[0]) return { i: 0, w: 0 };
  const last = axis.length - 1;
  if (x >= axis[last]) return { i: last - 1, w: 1 };
  let i = 0;
  while (axis[i + 1] < x) i++;
  return { i, w: (x - axis[i]) / (axis[i + 1] - axis[i]) };
}

/** The grid's fraction at m tokens and n·k weights: bilinear in (log2 m, log2 n·k), held flat beyond the grid. */
export function gemmFractionAt(grid: GemmEfficiencyGrid, tokens: number, weightElements: number): number {
  const logTokens = grid.tokens.map(Math.log2);
  const a = bracket(logTokens, Math.log2(Math.max(1, tokens)));
  const b = bracket(grid.log2WeightElements, Math.log2(Math.max(1, weightElements)));
  const at = (i: number, j: number) => grid.fraction[Math.min(i, grid.tokens.length - 1)][Math.min(j, grid.log2WeightElements.length - 1)];
  const rowLow = (1 - b.w) * at(a.i, b.i) + b.w * at(a.i, b.i + 1);
  const rowHigh = (1 - b.w) * at(a.i + 1, b.i) + b.w * at(a.i + 1, b.i + 1);
  return (1 - a.w) * rowLow + a.w * rowHigh;
}

/** One weight GEMM of a layer (per GPU after the TP split) and how many times a token runs it. */
export interface WeightGemm {
  readonly n: number;
  readonly k: number;
  readonly count: number;
}

/**
 * The weight GEMMs a token of a dense decoder runs on one GPU of a TP group: per layer the fused QKV projection (split
 * by heads), the output projection (split on k), the fused gate/up projection and the down projection (split on the
 * intermediate size); and once the LM head (split on the vocabulary). Undefined for mixture-of-experts models, whose
 * expert GEMMs are grouped kernels priced elsewhere (models/moe).
 */
export function denseWeightGemms(llm: LlmSpec, tp: number): WeightGemm[] | undefined {
  if (llm.moe) return undefined;
  const qkv = ((llm.attentionHeads + 2 * llm.kvHeads) * llm.headDim) / tp;
  const attentionOut = (llm.attentionHeads * llm.headDim) / tp;
  const inter = llm.intermediateSize / tp;
  return [
    { n: qkv, k: llm.hiddenSize, count: llm.layers },
    { n: llm.hiddenSize, k: attentionOut, count: llm.layers },
    { n: 2 * inter, k: llm.hiddenSize, count: llm.layers },
    { n: llm.hiddenSize, k: inter, count: llm.layers },
    { n: llm.vocabSize / tp, k: llm.hiddenSize, count: 1 },
  ];
}

/**
 * The FLOP-weighted efficiency of a step's GEMMs at m tokens: Σ flops / Σ (flops / fraction), i.e. the fraction that
 * prices the step's GEMM FLOPs at the time the grid gives each shape.
 */
export function stepGemmFraction(grid: GemmEfficiencyGrid, gemms: readonly WeightGemm[], tokens: number): number {
  let flops = 0;
  let weightedTime = 0;
  for (const g of gemms) {
    const f = g.count * g.n * g.k;
    flops += f;
    weightedTime += f / gemmFractionAt(grid, tokens, g.n * g.k);
  }
  return flops / weightedTime;
}
