/**
 * GEMM efficiency grids from aiconfigurator's gemm_perf.csv (what gemm-efficiency.ts interpolates), and the estimate
 * for a dtype a GPU's table lacks.
 *
 * Rows: m = 1,024 … 32,768 in powers of two (the table's compute-bound range: the same m ≥ 1,024 cut as the single
 * fraction in calibrate.ts). Below 1,024 tokens the grid holds its 1,024 row: there a GEMM's time approaches its weight
 * read, which the step model's memory term already charges, and the table's time includes the per-kernel launch floor
 * its layer-kernel term charges, so reading the table's lower fractions there would charge both twice. Columns:
 * log2(n·k) rounded to the nearest integer, over shapes with n, k ≥ 256 (a TP8 shard of an 8B model's projections);
 * each cell is the median achieved fraction 2·m·n·k / (latency × peak) of its rows.
 */
import type { GpuSpec } from '../catalogs/types.js';
import type { GemmEfficiencyGrid, GemmEfficiencyGrids } from './gemm-efficiency.js';
import { gemmFractionAt } from './gemm-efficiency.js';
import type { GemmRow } from './importers/aiconfigurator.js';
import { medianOf } from './profile.js';

/** Step token counts of the grid's rows. */
export const GRID_TOKENS: readonly number[] = [1024, 2048, 4096, 8192, 16384, 32768];
/** Smallest n and k of a shape the grid reads. */
const MIN_DIMENSION = 256;

/** The grid of one table dtype at its peak, or undefined when the table has none of its rows at every grid m. */
export function fitGemmGrid(rows: readonly GemmRow[], dtype: string, peakFlopsPerSecond: number, from: string): GemmEfficiencyGrid | undefined {
  const cells = new Map<string, number[]>();
  for (const r of rows) {
    if (r.dtype !== dtype || !GRID_TOKENS.includes(r.m) || r.n < MIN_DIMENSION || r.k < MIN_DIMENSION) continue;
    const key = `${r.m}:${Math.round(Math.log2(r.n * r.k))}`;
    const list = cells.get(key) ?? [];
    list.push((2 * r.m * r.n * r.k) / r.latencySeconds / peakFlopsPerSecond);
    cells.set(key, list);
  }
  const sizes = [...new Set([...cells.keys()].map((k) => Number(k.split(':')[1])))].sort((a, b) => a - b)
    .filter((s) => GRID_TOKENS.every((m) => cells.has(`${m}:${s}`)));
  if (sizes.length === 0) return undefined;
  const count = GRID_TOKENS.reduce((n, m) => n + sizes.reduce((t, s) => t + (cells.get(`${m}:${s}`)?.length ?? 0), 0), 0);
  return {
    tokens: GRID_TOKENS,
    log2WeightElements: sizes,
    fraction: GRID_TOKENS.map((m) => sizes.map((s) => Math.min(1, medianOf(cells.get(`${m}:${s}`) as number[])))),
    from: `${from}: ${count} ${dtype} GEMMs, m ${GRID_TOKENS[0]}–${GRID_TOKENS[GRID_TOKENS.length - 1]}, n·k 2^${sizes[0]}–2^${sizes[sizes.length - 1]}`,
  };
}

/** The measured grids of one GPU's table: bf16, per-tensor fp8 (only `fp8`, never `fp8_block`), nvfp4. */
export function fitGemmGrids(rows: readonly GemmRow[], gpu: GpuSpec, from: string): GemmEfficiencyGrids {
  const bf16 = fitGemmGrid(rows, 'bfloat16', gpu.bf16FlopsPerSecond, from);
  const fp8 = gpu.fp8FlopsPerSecond === undefined ? undefined : fitGemmGrid(rows, 'fp8', gpu.fp8FlopsPerSecond, from);
  const fp4 = gpu.fp4FlopsPerSecond === undefined ? undefined : fitGemmGrid(rows, 'nvfp4', gpu.fp4FlopsPerSecond, from);
  return { ...(bf16 ? { bf16 } : {}), ...(fp8 ? { fp8 } : {}), ...(fp4 ? { fp4 } : {}) };
}

/**
 * Per-tensor fp8 for a GPU whose table has no per-tensor fp8 rows (B200 and H200 have only block-scaled `fp8_block`),
 * from its own bf16 grid × the per-tensor fp8 / bf16 ratio a reference GPU measured at the same m and n·k (the H100,
 * the one table with both on a GPU whose fp8 peak is twice its bf16). Why not the GPU's fp8_block grid: a per-tensor
 * fp8 GEMM runs the bf16 kernel's tiling at twice the rate with one scale in the epilogue, while block scaling adds
 * work per K block, and on B200 (vLLM 0.22.0) that path is far off both: 0.02–0.24 of peak at m = 1,024 on
 * 8192 × 1024 … 8192 × 10240 where bf16 reaches 0.52–0.68. At m ≥ 4,096 on 8192 × 8192 the two estimates agree
 * within 10% (block × the H100's per-tensor/block ratio 0.53, this one 0.48). Labelled an estimate in the grid.
 */
export function estimatePerTensorFp8(own: GemmEfficiencyGrid, reference: { readonly bf16: GemmEfficiencyGrid; readonly fp8: GemmEfficiencyGrid; readonly gpu: string }): GemmEfficiencyGrid {
  return {
    tokens: own.tokens,
    log2WeightElements: own.log2WeightElements,
    fraction: own.tokens.map((m, i) => own.log2WeightElements.map((s, j) => {
      const ratio = gemmFractionAt(reference.fp8, m, 2 ** s) / gemmFractionAt(reference.bf16, m, 2 ** s);
      return Math.min(1, own.fraction[i][j] * ratio);
    })),
    from: `estimate: this GPU's bf16 grid × the per-tensor fp8 / bf16 ratio measured on ${reference.gpu} (no per-tensor fp8 rows in this table)`,
    estimate: true,
  };
}
