/**
 * Physical terms of one engine step (the roofline of roofline.ts, extended to a mixed step and to precision): a step
 * of `decodeSequences` decoding sequences whose contexts sum to `contextTokens`, plus `prefillTokens` new prompt
 * tokens whose causal attention covers `prefillPairs` token pairs, on `tp` GPUs at `precision`.
 *
 * Step time = Σ coefficient × term. The memory term is the weight and KV read at the GPU's kernel-level bandwidth; the
 * compute term is only the GEMM time *beyond* the weight read, at the rate the GEMM tables measured for the step's
 * token count and the model's shapes (models/gemm-efficiency.ts) (max(weights, compute) = weights + max(0, compute −
 * weights): the convex roofline of the GEMMs, linear in its two coefficients; measured against the weight read alone so
 * that a step stays exactly affine in its context tokens, which the kernel's macro-steps rely on). That excess is where a prefill chunk riding a decode step slows every
 * decoder in it: the mixed-batch interference. The rest are the prefill attention FLOPs, the all-reduces, a
 * per-layer kernel floor, and CPU-side costs per step and per scheduled sequence, which no kernel table sees.
 */
import { BYTES_PER_WEIGHT, peakFlopsPerSecond } from '../../catalogs/precision.js';
import type { GpuSpec, KvDtype, LlmSpec } from '../../catalogs/types.js';
import type { GpuEfficiency } from '../coefficients.js';
import { denseWeightGemms, stepGemmFraction } from '../gemm-efficiency.js';
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
  /** GEMM FLOPs per decoding token (2 × active parameters). */
  readonly gemmFlopsPerToken: number;
  /** A prompt token skips the vocabulary embedding's share of the parameters (a lookup, not a GEMM). */
  readonly prefillGemmFlopsPerToken: number;
  /** The instance's GEMM rate in a step of `stepTokens` tokens (the m of every weight GEMM in it), FLOP/s. */
  readonly gemmFlopsPerSecondAt: (stepTokens: number) => number;
  /** Where the GEMM rate comes from: the GPU's grid by shape (models/gemm-efficiency.ts), or its single fraction. */
  readonly gemmRateFrom: string;
  readonly attentionSecondsPerPair: number;
  readonly allReduceSecondsPerStep: number;
  readonly allReduceSecondsPerToken: number;
  readonly layerKernelSeconds: number;
}

/**
 * Unit costs of an instance. Weight bytes follow the precision; the KV cache its dtype (default: the checkpoint's; the
 * staged runs do not record an fp8 KV cache). Attention runs in bf16 at every precision (aiconfigurator's tables:
 * attn_dtype bfloat16). The GEMM rate is the format's peak × the fraction aiconfigurator's GEMM tables measured for
 * the step's shapes: a dense model's projections at the step's token count on the GPU's grid for that precision
 * (models/gemm-efficiency.ts; FLOP-weighted over QKV, output, gate/up, down and LM head), else — a GPU without a grid
 * for it, or a mixture-of-experts model — the single fraction of roofline.ts `computeFractionFor`.
 */
export function instanceUnits(gpu: GpuSpec, llm: LlmSpec, tp: number, precision: RunPrecision, eff: GpuEfficiency, kvDtype?: KvDtype): InstanceUnits | undefined {
  const flops = peakFlopsPerSecond(gpu, precision);
  if (flops === undefined) return undefined;
  const memory = tp * gpu.memoryBandwidthBytesPerSecond * eff.memoryFraction;
  const bf16 = tp * gpu.bf16FlopsPerSecond * eff.computeFraction;
  const ring = tp > 1 ? (2 * (tp - 1)) / tp : 0;
  const active = activeParameters(llm);
  const rate = gemmRate(eff, llm, tp, precision, tp * flops);
  return {
    memoryBytesPerSecond: memory,
    weightBytes: weightBytes(llm, precision),
    kvBytesPerToken: kvBytesPerToken(llm, kvDtype),
    gemmFlopsPerToken: 2 * active,
    prefillGemmFlopsPerToken: 2 * Math.max(0, active - llm.vocabSize * llm.hiddenSize),
    gemmFlopsPerSecondAt: rate.at,
    gemmRateFrom: rate.from,
    attentionSecondsPerPair: (2 * llm.layers * llm.attentionHeads * llm.headDim) / bf16,
    allReduceSecondsPerStep: tp > 1 ? 2 * llm.layers * allReduceFloorAt(eff, tp) : 0,
    allReduceSecondsPerToken: (2 * llm.layers * llm.hiddenSize * 2 * ring) / gpu.intraNodeBandwidthBytesPerSecond,
    layerKernelSeconds: llm.layers * eff.kernelFloorSeconds,
  };
}

/** Distinct step token counts whose rate is remembered per instance (a step's m repeats across a run). */
const RATE_MEMO_LIMIT = 4096;

/** The instance's GEMM rate by step tokens: the grid's shape-weighted fraction, memoised, or the single fraction. */
function gemmRate(eff: GpuEfficiency, llm: LlmSpec, tp: number, precision: RunPrecision, peak: number): { at: (stepTokens: number) => number; from: string } {
  const grid = eff.gemmGrids?.[precision];
  const gemms = denseWeightGemms(llm, tp);
  if (!grid || !gemms) {
    const single = peak * computeFractionFor(eff, precision).fraction;
    return { at: () => single, from: `single ${precision} fraction of peak (${eff.precisionFrom ?? eff.from})` };
  }
  const memo = new Map<number, number>();
  const at = (stepTokens: number): number => {
    const hit = memo.get(stepTokens);
    if (hit !== undefined) return hit;
    if (memo.size >= RATE_MEMO_LIMIT) memo.clear();
    const value = peak * stepGemmFraction(grid, gemms, stepTokens);
    memo.set(stepTokens, value);
    return value;
  };
  return { at, from: `${precision} GEMM grid by step tokens × weight shape (${grid.from})` };
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
  const tokens = s.decodeSequences + s.prefillTokens;
  const flops = s.decodeSequences * u.gemmFlopsPerToken + s.prefillTokens * u.prefillGemmFlopsPerToken;
  const compute = flops > 0 ? flops / u.gemmFlopsPerSecondAt(tokens) : 0;
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
