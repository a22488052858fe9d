/**
 * One MoE layer's grouped expert GEMMs on one GPU: four physical terms, each a time at the GPU's spec-sheet peak,
 * with multipliers fitted on aiconfigurator's `moe_perf.csv` (vLLM fused_moe on H100, H200, B200):
 * - a fixed floor (launch, routing setup);
 * - the weights of the experts the step touches on this rank (3 × hidden × inter/moe_tp each), read once;
 * - the expert FLOPs of this rank's token-expert pairs (6 × hidden × inter/moe_tp each);
 * - the routed-token traffic of the whole step: every token's k copies of its hidden state permuted in and out
 *   (tokens × k × hidden × 2 B × 2). vLLM's fused_moe sorts and gathers all routed tokens on every rank, masking
 *   the experts it does not hold, so expert parallelism does not shrink this term (without it, the fit
 *   under-predicted the tables' EP-32 rows by 58% at 2048+ tokens).
 * Fitted per GPU × dtype on balanced-routing rows, each model shape held out in turn for the reported error; and, as a
 * second set, on the tables' power-law-routed rows (`SERVING_ROUTING`), which is how aiconfigurator itself prices a
 * served MoE layer: its ModelConfig's `workload_distribution` defaults to `power_law`, read as
 * `power_law_{alpha}` with alpha 1.2 (aiconfigurator sdk/config.py and the MoE op's table query). Real routers are not
 * balanced: on the B200 DeepSeek-V3 shape the power-law rows take 0.94–1.23× the balanced rows' time at 1,024 tokens
 * and 1.0–1.5× at the 4K–16K-token steps of long prompts (the busiest expert's tile sets the grouped GEMM's time),
 * 0.63–1.26× at 16–128 tokens (fewer distinct experts touched). docs/accuracy.md (MoE section) has what pricing
 * serving steps this way did to the held-out figures.
 */
import type { GpuSpec } from '../../catalogs/types.js';
import type { MoeKernelRow } from '../importers/aiconfigurator-moe.js';
import { evaluateLinear } from '../features.js';
import { meanAbsolutePercentageError } from '../least-squares.js';
import { medianOf } from '../profile.js';
import { balancedDistinctExpertsPerRank, expectedDistinctExpertsPerRank } from './expert-touch.js';
import { fitWithGroupHoldout } from './group-fit.js';
import { isKernelDtype, peakFlopsOf, weightBytesOf, type KernelDtype } from './rates.js';

export const GROUPED_GEMM_TERMS = ['floor_s', 'touched_weight_read', 'expert_compute', 'routed_token_traffic'] as const;

/** One MoE layer step on one rank. */
export interface MoeLayerShape {
  /** Tokens entering the layer this step (all ranks together, before routing). */
  readonly tokens: number;
  readonly hiddenSize: number;
  readonly expertIntermediateSize: number;
  readonly expertsPerToken: number;
  readonly experts: number;
  readonly moeTp: number;
  readonly moeEp: number;
}

/** `balanced`: the tables' round-robin routing; `random`: independent uniform top-k (serving). */
export type Routing = 'balanced' | 'random';

/**
 * Where a rank's routed tokens come from. `gathered`: every rank holds every token of the step and permutes all their
 * routed copies (vLLM's fused_moe in the tables; tensor-parallel attention, where the all-reduce leaves every token on
 * every rank). `dispatched`: attention data parallelism, where each rank holds only its own sequences and either an
 * all-to-all delivers to a rank only the copies routed to its experts or, in TensorRT-LLM's gather (dispatch.ts
 * `gather-local`), fused_moe expands only those rows of the gathered tokens (communication priced apart, step-time.ts),
 * so the rank permutes its 1/ep share.
 */
export type TokenTraffic = 'gathered' | 'dispatched';

/** The physical terms in `GROUPED_GEMM_TERMS` order, seconds. */
export function groupedGemmTerms(s: MoeLayerShape, gpu: GpuSpec, dtype: KernelDtype, routing: Routing, traffic: TokenTraffic = 'gathered'): number[] {
  const peak = peakFlopsOf(gpu, dtype);
  if (peak === undefined) throw new RangeError(`${gpu.id} has no ${dtype} tensor path`);
  const touched = routing === 'balanced'
    ? balancedDistinctExpertsPerRank(s.experts, s.expertsPerToken, s.tokens, s.moeEp)
    : expectedDistinctExpertsPerRank(s.experts, s.expertsPerToken, s.tokens, s.moeEp);
  const inter = s.expertIntermediateSize / s.moeTp;
  const pairs = (s.tokens * s.expertsPerToken) / s.moeEp;
  const bw = gpu.memoryBandwidthBytesPerSecond;
  return [
    1,
    (touched * 3 * s.hiddenSize * inter * weightBytesOf(dtype)) / bw,
    (pairs * 6 * s.hiddenSize * inter) / peak,
    (s.tokens * s.expertsPerToken * s.hiddenSize * 4) / bw / (traffic === 'dispatched' ? s.moeEp : 1),
  ];
}

/** The tables' routing a serving step is priced with (aiconfigurator's own default: `power_law` with alpha 1.2). */
export const SERVING_ROUTING = 'power_law_1.2';

/** Fitted multipliers of one GPU × dtype. */
export interface GroupedGemmFit {
  readonly gpu: string;
  readonly dtype: KernelDtype;
  /** The tables' routing the fit is on (`balanced` when absent). */
  readonly distribution?: string;
  readonly coefficients: readonly number[];
  readonly rows: number;
  /** Leave-one-model-shape-out MAPE on balanced rows (fraction). */
  readonly heldOutMape: number;
  readonly worstShapeMape: number;
  readonly shapes: number;
  /** MAPE of the same fit on the tables' rows of the other routings, which it never saw. */
  readonly skewedRoutingMape: number;
  readonly from: string;
}

const shapeKey = (r: MoeKernelRow) => `h${r.hiddenSize}/i${r.expertIntermediateSize}/top${r.topK}of${r.experts}`;
const shapeOf = (r: MoeKernelRow): MoeLayerShape => ({
  tokens: r.tokens, hiddenSize: r.hiddenSize, expertIntermediateSize: r.expertIntermediateSize, expertsPerToken: r.topK,
  experts: r.experts, moeTp: r.moeTp, moeEp: r.moeEp,
});

/**
 * Fits one GPU's table, one entry per dtype it measured, on the rows of one routing (`balanced`, the default, or e.g.
 * `power_law_1.2`). The terms count touched experts as balanced routing does in both cases: a skew's fewer distinct
 * experts at small steps and its hotter busiest expert at large ones go into the multipliers.
 */
export function fitGroupedGemm(rows: readonly MoeKernelRow[], gpu: GpuSpec, from: string, distribution = 'balanced'): GroupedGemmFit[] {
  const out: GroupedGemmFit[] = [];
  const dtypes = [...new Set(rows.map((r) => r.dtype))].filter(isKernelDtype).sort();
  for (const dtype of dtypes) {
    if (peakFlopsOf(gpu, dtype) === undefined) continue;
    const mine = rows.filter((r) => r.dtype === dtype);
    const routed = mine.filter((r) => r.distribution === distribution);
    if (routed.length === 0) continue;
    const terms = (r: MoeKernelRow) => groupedGemmTerms(shapeOf(r), gpu, dtype, 'balanced');
    const fit = fitWithGroupHoldout(routed, terms, (r) => r.latencySeconds, shapeKey);
    const skewed = mine.filter((r) => r.distribution !== distribution);
    out.push({
      gpu: gpu.id, dtype, ...(distribution === 'balanced' ? {} : { distribution }), coefficients: fit.coefficients, rows: fit.rows, heldOutMape: fit.heldOutMape,
      worstShapeMape: fit.worstGroupMape, shapes: fit.groups,
      skewedRoutingMape: meanAbsolutePercentageError(skewed.map((r) => evaluateLinear(fit.coefficients, terms(r))), skewed.map((r) => r.latencySeconds)),
      from,
    });
  }
  return out;
}

/**
 * The multipliers for a GPU without a table: per term, the median over the fitted GPUs of the same dtype (FP8 per
 * tensor stands in for NVFP4, the nearest low-precision grouped GEMM measured).
 */
export function fallbackGroupedGemm(fits: readonly GroupedGemmFit[], dtype: KernelDtype): readonly number[] {
  const want = dtype === 'nvfp4' ? 'fp8' : dtype;
  const same = fits.filter((f) => f.dtype === want);
  if (same.length === 0) throw new Error(`no fitted grouped-GEMM table for ${want}`);
  return GROUPED_GEMM_TERMS.map((_, j) => medianOf(same.map((f) => f.coefficients[j])));
}

/** Seconds of one MoE layer's grouped GEMMs on one rank under serving (random) routing. */
export function groupedGemmSeconds(coefficients: readonly number[], shape: MoeLayerShape, gpu: GpuSpec, dtype: KernelDtype, traffic: TokenTraffic = 'gathered'): number {
  if (shape.tokens <= 0) return 0;
  return evaluateLinear(coefficients, groupedGemmTerms(shape, gpu, dtype, 'random', traffic));
}

/**
 * Leave-one-GPU-out error of the fallback: each measured GPU predicted with the median multipliers of the others,
 * on its balanced rows. What a GPU without a table (MI325X, B300, …) can expect at best.
 */
export function crossGpuGroupedGemmMape(fits: readonly GroupedGemmFit[], rowsByGpu: ReadonlyMap<string, { gpu: GpuSpec; rows: readonly MoeKernelRow[] }>, dtype: KernelDtype): number {
  const predicted: number[] = [];
  const measured: number[] = [];
  for (const [id, { gpu, rows }] of rowsByGpu) {
    const others = fits.filter((f) => f.gpu !== id);
    if (others.filter((f) => f.dtype === dtype).length === 0) continue;
    const c = fallbackGroupedGemm(others, dtype);
    for (const r of rows.filter((x) => x.dtype === dtype && x.distribution === 'balanced')) {
      predicted.push(evaluateLinear(c, groupedGemmTerms(shapeOf(r), gpu, dtype, 'balanced')));
      measured.push(r.latencySeconds);
    }
  }
  return meanAbsolutePercentageError(predicted, measured);
}
