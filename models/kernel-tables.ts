/**
 * Which measured GPU's kernel tables price a GPU: its own when aiconfigurator measured it; else the measured GPU of the
 * same architecture its catalog entry names (`kernel_tables_from`: same SM generation and tensor-core kernels, e.g.
 * B200 for GB200 and B300), whose fitted multipliers are efficiencies relative to a GPU's own peaks and bandwidths, so
 * they carry over while this GPU's own spec-sheet figures still scale every roofline term; else none (the callers take
 * the median over the measured GPUs). Pure.
 */
import type { GpuSpec } from '../catalogs/types.js';

/** The id whose tables price `gpu` (`measured`: whether a GPU id has the table in question), or undefined. */
export function kernelTableGpu(gpu: GpuSpec, measured: (id: string) => boolean): string | undefined {
  if (measured(gpu.id)) return gpu.id;
  return gpu.kernelTablesFrom !== undefined && measured(gpu.kernelTablesFrom) ? gpu.kernelTablesFrom : undefined;
}
