/**
 * Physical terms of one engine step (the roofline of roofline.ts, extended to a mixed step and to precision): a step
 * of `decodeSequences` decoding sequences whose contexts sum to `contextTokens`, plus `prefillTokens` new prompt
 * tokens whose causal attention covers `prefillPairs` token pairs, on `tp` GPUs at `precision`.
 *
 * Step time = Σ coefficient × term. The memory term is the weight and KV read at the GPU's kernel-level bandwidth; the
 * compute term is only the GEMM time *beyond* the weight read (max(weights, compute) = weights + max(0, compute −
 * weights): the convex roofline of the GEMMs, linear in its two coefficients; measured against the weight read alone so
 * that a step stays exactly affine in its context tokens, which the kernel's macro-steps rely on). That excess is where a prefill chunk riding a decode step slows every
 * decoder in it: the mixed-batch interference. The rest are the prefill attention FLOPs, the all-reduces, a
 * per-layer kernel floor, and CPU-side costs per step and per scheduled sequence, which no kernel table sees.
 */
import { BYTES_PER_WEIGHT, peakFlopsPerSecond } from '../../catalogs/precision.js';
import type { GpuSpec, KvDtype, LlmSpec } from '../../catalogs/types.js';
import type { GpuEfficiency } from '../coefficients.js';
import { allReduceFloorAt, computeFractionFor } from '../roofline.js';
import { activeParameters, kvBytesPerToken, weightBytes } from '../specs.js';
import type { RunPrecision } from './runs.js';

/** Term names in coefficient order (a calibration file stores its coefficients under these names). */
export const STEP_TERMS = ['memory', 'excess_compute', 'prefill_attention', 'all_reduce', 'layer_kernels', 'step_cpu', 'sequence_cpu', 'request_overhead'] as const;
export type StepTermName = (typeof STEP_TERMS)[number];

/** Units of the CPU-side terms, so fitted coefficients read directly: ms per step, µs per scheduled sequence, ms per request. */
export const STEP_CPU_UNIT_SECONDS = 1e-3;
export const SEQUENCE_CPU_UNIT_SECONDS = 1e-6;
export const REQUEST_OVERHEAD_UNIT_SECONDS = 1e-3;

/** Bytes per weight at a precision (catalogs/precision.ts: fp4 is NVFP4, 4 bits + one fp8 scale per 16 weights). */
export const PRECISION_WEIGHT_BYTES: Readonly<Record<RunPrecision, number>> = BYTES_PER_WEIGHT;

/** Instance-level unit costs that do not depend on the step's composition. */
export interface InstanceUnits {
  readonly memoryBytesPerSecond: number;
  readonly weightBytes: number;
  readonly kvBytesPerToken: number;
  readonly gemmSecondsPerToken: number;
  /** A prompt token skips the vocabulary embedding's share of the parameters (a lookup, not a GEMM). */
  readonly prefillGemmSecondsPerToken: number;
  readonly attentionSecondsPerPair: number;
  readonly allReduceSecondsPerStep: number;
  readonly allReduceSecondsPerToken: number;
  readonly layerKernelSeconds: number;
}

/**
 * Unit costs of an instance. Weight bytes follow the precision; the KV cache its dtype (default: the checkpoint's; the
 * staged runs do not record an fp8 KV cache). Attention runs in bf16 at every precision (aiconfigurator's tables:
 * attn_dtype bfloat16). The GEMM rate at fp8/fp4 is the format's peak × the fraction measured in aiconfigurator's
 * fp8/nvfp4 GEMM tables (roofline.ts `computeFractionFor`; the bf16 fraction where none was measured).
 */
export function instanceUnits(gpu: GpuSpec, llm: LlmSpec, tp: number, precision: RunPrecision, eff: GpuEfficiency, kvDtype?: KvDtype): InstanceUnits | undefined {
  const flops = peakFlopsPerSecond(gpu, precision);
  if (flops === undefined) return undefined;
  const memory = tp * gpu.memoryBandwidthBytesPerSecond * eff.memoryFraction;
  const gemm = tp * flops * computeFractionFor(eff, precision).fraction;
  const bf16 = tp * gpu.bf16FlopsPerSecond * eff.computeFraction;
  const ring = tp > 1 ? (2 * (tp - 1)) / tp : 0;
  const active = activeParameters(llm);
  return {
    memoryBytesPerSecond: memory,
    weightBytes: weightBytes(llm, precision),
    kvBytesPerToken: kvBytesPerToken(llm, kvDtype),
    gemmSecondsPerToken: (2 * active) / gemm,
    prefillGemmSecondsPerToken: (2 * Math.max(0, active - llm.vocabSize * llm.hiddenSize)) / gemm,
    attentionSecondsPerPair: (2 * llm.layers * llm.attentionHeads * llm.headDim) / bf16,
    allReduceSecondsPerStep: tp > 1 ? 2 * llm.layers * allReduceFloorAt(eff, tp) : 0,
    allReduceSecondsPerToken: (2 * llm.layers * llm.hiddenSize * 2 * ring) / gpu.intraNodeBandwidthBytesPerSecond,
    layerKernelSeconds: llm.layers * eff.kernelFloorSeconds,
  };
}

/** What one step carries. */
export interface StepComposition {
  readonly decodeSequences: number;
  readonly contextTokens: number;
  readonly prefillTokens: number;
  readonly prefillPairs: number;
  /** Sequences the scheduler handles this step (decoders + prompts being prefilled). */
  readonly scheduledSequences: number;
}

/** The term vector of one step (request_overhead is 0: it is charged once per request, not per step). */
export function stepTerms(u: InstanceUnits, s: StepComposition): number[] {
  const weights = u.weightBytes / u.memoryBytesPerSecond;
  const compute = s.decodeSequences * u.gemmSecondsPerToken + s.prefillTokens * u.prefillGemmSecondsPerToken;
  const tokens = s.decodeSequences + s.prefillTokens;
  return [
    weights + (s.contextTokens * u.kvBytesPerToken) / u.memoryBytesPerSecond,
    Math.max(0, compute - weights),
    s.prefillPairs * u.attentionSecondsPerPair,
    u.allReduceSecondsPerStep + tokens * u.allReduceSecondsPerToken,
    u.layerKernelSeconds,
    STEP_CPU_UNIT_SECONDS,
    s.scheduledSequences * SEQUENCE_CPU_UNIT_SECONDS,
    0,
  ];
}

/** a·x + b·y element-wise. */
export function combine(a: number, x: readonly number[], b = 0, y: readonly number[] = x): number[] {
  return x.map((v, i) => a * v + b * y[i]);
}
