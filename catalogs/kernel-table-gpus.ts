/**
 * The GPUs with measured kernel tables (aiconfigurator's GEMM, attention and NCCL tables; MoE and MLA for H100, H200
 * and B200): the ids a GPU's `kernel_tables_from` may name. Read from the shipped roofline calibration, whose per-GPU
 * efficiencies are fitted on exactly those tables (bench/models-builtin.ts), so the list cannot drift from the fits.
 */
import rooflineFile from './coefficients/roofline.json' with { type: 'json' };

export const KERNEL_TABLE_GPU_IDS: readonly string[] = Object.keys(rooflineFile.efficiencies).sort();
