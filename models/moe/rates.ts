/**
 * A kernel table's dtype names and what they mean on a GPU: bytes per weight and the dense peak the GEMM runs at.
 */
import type { GpuSpec } from '../../catalogs/types.js';

/** Weight/GEMM formats of aiconfigurator's MoE and MLA tables. */
export type KernelDtype = 'bfloat16' | 'fp8' | 'fp8_block' | 'nvfp4';
export const KERNEL_DTYPES: readonly KernelDtype[] = ['bfloat16', 'fp8', 'fp8_block', 'nvfp4'];

export function isKernelDtype(x: string): x is KernelDtype {
  return (KERNEL_DTYPES as readonly string[]).includes(x);
}

/** Bytes per weight: BF16 2, FP8 1 (block scales: 4 B per 128×128 block, 0.02%), NVFP4 0.5 + one FP8 scale per 16 = 0.5625. */
export function weightBytesOf(dtype: KernelDtype): number {
  return dtype === 'bfloat16' ? 2 : dtype === 'nvfp4' ? 0.5625 : 1;
}

/**
 * Dense peak FLOP/s a GEMM of this format runs at: BF16 → bf16, FP8 (per-tensor or block) → fp8, NVFP4 → fp4. A GPU
 * without the format gets undefined: it has no pools of it.
 */
export function peakFlopsOf(gpu: GpuSpec, dtype: KernelDtype): number | undefined {
  if (dtype === 'bfloat16') return gpu.bf16FlopsPerSecond;
  if (dtype === 'nvfp4') return gpu.fp4FlopsPerSecond;
  return gpu.fp8FlopsPerSecond;
}

/** The kernel dtype that serves weights of `bytesPerWeight` (the LLM's or the pool's precision). */
export function kernelDtypeForWeightBytes(bytesPerWeight: number): KernelDtype {
  if (bytesPerWeight >= 2) return 'bfloat16';
  if (bytesPerWeight > 0.5625) return 'fp8_block';
  return 'nvfp4';
}
