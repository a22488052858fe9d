/**
 * One engine step of an MoE (and/or MLA) instance, composed per layer from parts that each have their own source:
 * - everything that is not a routed expert or MLA attention (embeddings, GQA attention and its KV reads, dense
 *   layers, shared experts, routers, LM head, TP all-reduces, the per-step and per-layer floors): the dense roofline
 *   of roofline.ts on that part of the model, with its multipliers fitted on end-to-end dense runs;
 * - the routed experts: the grouped-GEMM fit (grouped-gemm.ts) at the step's token count, experts touched as random
 *   top-k routing expects, per rank at the layout's ep and moe_tp; floor, FLOPs and token traffic at the multipliers
 *   fitted on the tables' power-law-routed rows (aiconfigurator's own routing for a served layer);
 * - MLA attention: the module fit (mla.ts) at heads/tp per GPU, per attention data-parallel group;
 * - expert-parallel dispatch and combine: two all-to-alls per MoE layer (all-to-all.ts) when ep > 1, or, for
 *   TensorRT-LLM's gather under attention DP (dispatch.ts `gather-local`), an all-gather and a reduce-scatter.
 * Attention data parallelism (gpus/tp groups) splits sequences over groups; a step waits for its busiest group, so
 * per-sequence work is scaled by dp·ceil(b/dp)/b (one prefill on a dp-8 instance runs on one group of tp GPUs).
 * The kernel-table parts carry no framework multiplier and no per-call floor: each layer's kernel floors are the dense
 * roofline's per-layer term (fitted on whole-model runs), and serving overheads beyond the kernels its per-step term.
 * Nothing here is fitted to a serving run; docs/accuracy.md scores the result against measured MoE runs.
 */
import type { ResolvedLayout } from '../../catalogs/precision.js';
import type { GpuSpec, LlmSpec, Precision } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { evaluateLinear } from '../features.js';
import { computePhysicalTimes, efficiencyFor, rooflineDecodeTerms, rooflinePrefillTerms, type PhysicalTimes } from '../roofline.js';
import { routedExpertParameters } from '../specs.js';
import { allToAllSeconds, fallbackAllToAll, type AllToAllCalibration } from './all-to-all.js';
import type { MoeCalibration } from './calibration.js';
import { fallbackGroupedGemm, groupedGemmTerms, type MoeLayerShape } from './grouped-gemm.js';
import { nvfp4ExpertComputeMultiplier } from './nvfp4-grouped-gemm.js';
import type { GemmEfficiencyGrids } from '../gemm-efficiency.js';
import { tokenTrafficOf, type MoeDispatch } from './dispatch.js';
import { fallbackMla, mlaContextTerms, mlaGenerationTerms, mlaGeometry, mlaParametersPerGpu, type KvKernelDtype, type MlaGeometry } from './mla.js';
import type { KernelDtype } from './rates.js';

/** The kernel-table dtype a pool precision runs its GEMMs in (FP8 checkpoints of MoE models are block-scaled). */
export function kernelDtypeOf(precision: Precision): KernelDtype {
  return precision === 'bf16' ? 'bfloat16' : precision === 'fp8' ? 'fp8_block' : 'nvfp4';
}

/** Where each part's figures came from, for the provenance. */
export interface MoeStepSources {
  /** `heldOut` names the protocol behind heldOutMape where it is not the default (measured: by shape; fallback: by GPU). */
  readonly groupedGemm: { readonly measured: boolean; readonly from: string; readonly heldOutMape: number; readonly heldOut?: string };
  readonly mla?: { readonly measured: boolean; readonly from: string; readonly heldOutMape: number };
  readonly allToAll?: { readonly measured: boolean; readonly from: string };
}

export interface MoeStepModel {
  prefillSeconds(newTokens: number, cachedTokens: number, batch?: number): number;
  chunkedPrefillSeconds(newTokens: number, cachedTokens: number): number;
  decodeStepAffine(batch: number, prefillChunkTokens?: number): { readonly baseSeconds: number; readonly perContextTokenSeconds: number };
  readonly sources: MoeStepSources;
}

/** The model without its routed experts and (for MLA) its attention: what the dense roofline prices. */
export function denseRemainder(llm: LlmSpec): LlmSpec {
  const mla = llm.attention?.kind === 'mla' ? llm.layers * mlaParametersPerGpu(llm.hiddenSize, llm.attentionHeads, llm.attention) : 0;
  const { moe: _moe, attention, ...rest } = llm;
  // A GQA attention's sliding-window layers stay: the dense roofline prices their capped attention and KV.
  return { ...rest, ...(attention?.kind === 'gqa' ? { attention } : {}), parameters: llm.parameters - routedExpertParameters(llm) - mla };
}

/**
 * The grouped-GEMM multipliers a serving step uses: the fits on the tables' power-law-routed rows where the calibration
 * has them (aiconfigurator's own routing for a served layer, grouped-gemm.ts `SERVING_ROUTING`), else the balanced ones.
 */
function groupedGemmFor(cal: MoeCalibration, gpu: GpuSpec, dtype: KernelDtype, grids?: GemmEfficiencyGrids): { c: readonly number[]; measured: boolean; from: string; heldOutMape: number; heldOut?: string; computeAt?: (s: MoeLayerShape) => number } {
  const skewed = cal.groupedGemmServing && cal.groupedGemmServing.length > 0 ? cal.groupedGemmServing : undefined;
  const fits = skewed ?? cal.groupedGemm;
  const routing = fits[0]?.distribution ?? 'balanced';
  // The touched experts' weight read keeps the balanced fit's multiplier: serving counts the experts touched by random
  // routing itself (expert-touch.ts), where the skewed fit's multiplier absorbed the skew's fewer distinct experts.
  // Floor, expert FLOPs and token traffic take the skewed rows' (the busiest expert's tile sets the kernel's time).
  const serving = (balanced: readonly number[], routed: readonly number[]) => (skewed ? [routed[0], balanced[1], routed[2], routed[3]] : balanced);
  const ownBalanced = cal.groupedGemm.find((f) => f.gpu === gpu.id && f.dtype === dtype);
  const own = fits.find((f) => f.gpu === gpu.id && f.dtype === dtype);
  if (own && ownBalanced) return { c: serving(ownBalanced.coefficients, own.coefficients), measured: true, from: `${own.from} (${routing} rows)`, heldOutMape: own.heldOutMape };
  // NVFP4 without its own table: the GPU's own bf16 fit, FLOPs scaled by its dense tables' NVFP4 : bf16 time ratio.
  const bf16Balanced = cal.groupedGemm.find((f) => f.gpu === gpu.id && f.dtype === 'bfloat16');
  const bf16 = fits.find((f) => f.gpu === gpu.id && f.dtype === 'bfloat16');
  const computeAt = dtype === 'nvfp4' && bf16 && bf16Balanced ? nvfp4ExpertComputeMultiplier(bf16.coefficients[2], grids) : undefined;
  if (bf16 && bf16Balanced && computeAt) {
    return {
      c: serving(bf16Balanced.coefficients, bf16.coefficients), computeAt, measured: false, heldOutMape: bf16.heldOutMape,
      heldOut: 'the bf16 fit, leave-one-shape-out; the NVFP4 ratio is checked against no grouped-GEMM table',
      from: `${bf16.from} bfloat16 fit (${routing} rows), expert FLOPs × the NVFP4 : bf16 time ratio of ${gpu.id}'s dense GEMM table at the step's shape (no NVFP4 grouped-GEMM table is staged)`,
    };
  }
  const crossKey = dtype === 'nvfp4' ? 'fp8' : dtype;
  return {
    c: serving(fallbackGroupedGemm(cal.groupedGemm, dtype), fallbackGroupedGemm(fits, dtype)), measured: false,
    from: `median of ${[...new Set(fits.filter((f) => f.dtype === crossKey).map((f) => f.gpu))].join(', ')} ${crossKey} grouped-GEMM fits (${routing} rows)`,
    heldOutMape: cal.crossGpuGroupedGemmMape[crossKey] ?? Number.NaN,
  };
}

function mlaFor(cal: MoeCalibration, gpu: GpuSpec, gemm: KernelDtype, kv: KvKernelDtype) {
  const own = (phase: 'context' | 'generation') => cal.mla.find((f) => f.gpu === gpu.id && f.phase === phase && f.gemmDtype === gemm && f.kvDtype === kv);
  const ctx = own('context');
  const gen = own('generation');
  if (ctx && gen) return { ctx: ctx.coefficients, gen: gen.coefficients, measured: true, from: `${ctx.from}, ${gen.from}`, heldOutMape: Math.max(ctx.heldOutMape, gen.heldOutMape) };
  const all = cal.mla.filter((f) => f.kvDtype === kv);
  return {
    ctx: fallbackMla(cal.mla, 'context', gemm, kv), gen: fallbackMla(cal.mla, 'generation', gemm, kv), measured: false,
    from: `median of ${[...new Set(all.map((f) => f.gpu))].join(', ')} MLA fits`,
    heldOutMape: Math.max(...all.map((f) => f.heldOutMape)),
  };
}

/** Entries a step model's caches hold before they start over (bounded memory; values are recomputed identically). */
const CACHE_LIMIT = 65_536;

/** f with its results kept by argument (f must be pure). */
function memoized(f: (x: number) => number): (x: number) => number {
  const cache = new Map<number, number>();
  return (x) => {
    let y = cache.get(x);
    if (y === undefined) {
      if (cache.size >= CACHE_LIMIT) cache.clear();
      y = f(x);
      cache.set(x, y);
    }
    return y;
  };
}

/** A fit's coefficients with its fixed per-call term (always the first) set to zero. */
function withoutFloor(c: readonly number[]): number[] {
  return [0, ...c.slice(1)];
}

/**
 * The priced parts of one MoE/MLA instance's step, each a function of the step's shape: the dense remainder's physical
 * times (priced with the roofline's multipliers by the caller), the routed experts, the all-to-all and MLA attention.
 * Shared by the uncalibrated step model below and the serving calibration's MoE step terms
 * (models/serving/moe-step-terms.ts), so both price the same physics.
 */
export interface MoeStepParts {
  /** Dense-remainder physical times (MLA attention and cache zeroed: priced by `mlaContext`/`mlaGeneration`). */
  readonly p: PhysicalTimes;
  /** Attention data-parallel groups. */
  readonly dp: number;
  /** Busiest group's share of per-sequence work: dp·ceil(b/dp)/b. */
  imbalance(sequences: number): number;
  /** Routed experts of every MoE layer for `tokens` entering the layers this step (touched experts' weights read once). */
  moeSeconds(tokens: number): number;
  /** Routed experts' FLOPs and token traffic only (a chunk riding a step that already reads the experts). */
  moeChunkSeconds(tokens: number): number;
  /** Routed experts' weight reads only: the experts `tokens` touch on a rank, each read once (moeSeconds = this + moeChunkSeconds). */
  moeWeightSeconds(tokens: number): number;
  /** Dispatch and combine of every MoE layer (0 without expert parallelism). */
  a2aSeconds(tokens: number): number;
  /** MLA prefill attention of `sequences` prompts of `perSequence` new tokens on `cached` each (0 for GQA). */
  mlaContext(sequences: number, perSequence: number, cached: number, variableOnly: boolean): number;
  /** MLA decode attention of `sequences` sequences, `contextPerGroup` cached tokens on the busiest group (0 for GQA). */
  mlaGeneration(sequences: number, contextPerGroup: number): number;
  readonly sources: MoeStepSources;
}

export function buildMoeStepParts(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, cal: MoeCalibration, roofline: RooflineCalibration, dispatch: MoeDispatch = 'all-gather'): MoeStepParts {
  const dp = layout.attentionDp;
  const isMla = llm.attention?.kind === 'mla';
  const base = computePhysicalTimes(gpu, denseRemainder(llm), layout, efficiencyFor(roofline, gpu.id));
  // Under expert parallelism an MoE layer's second all-reduce (after the MLP) is replaced by dispatch and combine,
  // priced below: the TP group all-reduces once per MoE layer (attention) and twice per dense layer.
  const denseLayers = llm.moe?.denseLayers ?? llm.layers;
  const allReduces = layout.ep > 1 && llm.moe ? (llm.layers + denseLayers) / (2 * llm.layers) : 1;
  // MLA's attention and its latent cache are priced by the module fit, not by the dense roofline.
  const p: PhysicalTimes = {
    ...base,
    allReduceSecondsPerToken: base.allReduceSecondsPerToken * allReduces,
    allReduceLatencySeconds: base.allReduceLatencySeconds * allReduces,
    interNodeAllReduceSeconds: base.interNodeAllReduceSeconds * allReduces,
    ...(isMla ? { attentionSecondsPerPair: 0, kvReadSecondsPerContextToken: 0 } : {}),
  };
  const imbalance = (sequences: number) => (sequences <= 0 ? 1 : (dp * Math.ceil(sequences / dp)) / sequences);

  const moe = llm.moe;
  const moeLayers = moe ? llm.layers - moe.denseLayers : 0;
  const dtype = kernelDtypeOf(layout.precision);
  const gg = moe ? groupedGemmFor(cal, gpu, dtype, efficiencyFor(roofline, gpu.id).gemmGrids) : undefined;
  const computeOf = (s: MoeLayerShape) => (gg?.computeAt ? gg.computeAt(s) : gg?.c[2] ?? 0);
  const shape = (tokens: number): MoeLayerShape => ({
    tokens, hiddenSize: llm.hiddenSize, expertIntermediateSize: moe!.expertIntermediateSize, expertsPerToken: moe!.expertsPerToken,
    experts: moe!.experts, moeTp: layout.moeTp, moeEp: layout.ep,
  });
  const table: AllToAllCalibration | undefined = cal.allToAll.find((a) => a.gpu === gpu.id);
  const general = fallbackAllToAll(cal.allToAll);
  // Dispatch and combine: each GPU sends its share of the step's tokens, k copies of a bf16 hidden state each.
  // TensorRT-LLM without its all-to-all under attention DP (dispatch.ts `gather-local`): an all-gather of the step's
  // tokens (NVFP4: 0.5 B an element + one fp8 scale per 16) and a reduce-scatter of the bf16 outputs, each moving what
  // an all-to-all of the whole gathered tensor per GPU moves.
  const gatherLocal = dispatch === 'gather-local' && dp > 1;
  const gatheredBytesPerElement = layout.precision === 'fp4' ? 0.5 + 1 / 16 : 2;
  const a2aSeconds = memoized((tokens: number) => (moe && layout.ep > 1 && tokens > 0
    ? gatherLocal
      ? moeLayers * (allToAllSeconds(gpu, layout.gpus, tokens * llm.hiddenSize * gatheredBytesPerElement, table, general) + allToAllSeconds(gpu, layout.gpus, tokens * llm.hiddenSize * 2, table, general))
      : moeLayers * 2 * allToAllSeconds(gpu, layout.gpus, (tokens * moe.expertsPerToken * llm.hiddenSize * 2) / layout.gpus, table, general)
    : 0));
  // The tables' per-call floors (launch and setup of one module call, measured eagerly: 30–120 µs) are not added: the
  // dense roofline's per-layer kernel term already prices every layer's kernel floors once (fitted on whole-model runs),
  // and counting both made a DeepSeek-R1 decode step at batch 4 on B200 15 ms where TRT-LLM measured 5.4 ms.
  const ggVariable = gg ? withoutFloor(gg.c) : undefined;
  // Under attention data parallelism with an all-to-all dispatch, or TensorRT-LLM's gather that expands only its own
  // experts' rows (dispatch.ts), a rank permutes only its experts' routed copies (1/ep of them); the tables' every-rank gather (vLLM's fused_moe
  // after its default all-gather) priced an 8-prompt step of 8192 tokens on a DP-8 B200 prefiller at 0.9 s of token
  // traffic alone, more than its expert FLOPs.
  const traffic = tokenTrafficOf(dispatch, dp, layout.ep);
  const moeSeconds = memoized((tokens: number) => {
    if (!ggVariable || tokens <= 0) return 0;
    const s = shape(tokens);
    const t = groupedGemmTerms(s, gpu, dtype, 'random', traffic);
    return moeLayers * (ggVariable[1] * t[1] + computeOf(s) * t[2] + ggVariable[3] * t[3]);
  });
  // A chunk riding a step that already reads the experts adds their FLOPs and token traffic, not their weights.
  const moeChunkSeconds = (tokens: number) => {
    if (!gg || tokens <= 0) return 0;
    const s = shape(tokens);
    const t = groupedGemmTerms(s, gpu, dtype, 'random', traffic);
    return moeLayers * (computeOf(s) * t[2] + gg.c[3] * t[3]);
  };
  const moeWeightSeconds = (tokens: number) => (gg && tokens > 0 ? moeLayers * gg.c[1] * groupedGemmTerms(shape(tokens), gpu, dtype, 'random')[1] : 0);

  const mlaFit = isMla ? mlaFor(cal, gpu, dtype, layout.kvDtype === 'fp8' ? 'fp8' : 'bfloat16') : undefined;
  // As for the grouped GEMMs: the module's floor is inside the dense roofline's per-layer term.
  const mla = mlaFit ? { ...mlaFit, ctx: withoutFloor(mlaFit.ctx), gen: withoutFloor(mlaFit.gen) } : undefined;
  const geometry: MlaGeometry | undefined = isMla ? mlaGeometry(llm, layout.tp) : undefined;
  const kv: KvKernelDtype = layout.kvDtype === 'fp8' ? 'fp8' : 'bfloat16';
  const mlaContext = (sequences: number, perSequence: number, cached: number, variableOnly: boolean) => {
    if (!mla || !geometry || perSequence <= 0) return 0;
    const t = mlaContextTerms(geometry, gpu, dtype, Math.ceil(sequences / dp), perSequence, cached);
    const c = variableOnly ? [0, 0, mla.ctx[2], mla.ctx[3]] : mla.ctx;
    return llm.layers * evaluateLinear(c, t);
  };
  const mlaGeneration = (sequences: number, contextPerGroup: number) => {
    if (!mla || !geometry || sequences <= 0) return 0;
    return llm.layers * evaluateLinear(mla.gen, mlaGenerationTerms(geometry, gpu, dtype, kv, Math.ceil(sequences / dp), contextPerGroup));
  };

  return {
    p, dp, imbalance, moeSeconds, moeChunkSeconds, moeWeightSeconds, a2aSeconds, mlaContext, mlaGeneration,
    sources: {
      groupedGemm: gg ? { measured: gg.measured, from: gg.from, heldOutMape: gg.heldOutMape, ...(gg.heldOut ? { heldOut: gg.heldOut } : {}) } : { measured: false, from: 'no routed experts', heldOutMape: 0 },
      ...(mla ? { mla: { measured: mla.measured, from: mla.from, heldOutMape: mla.heldOutMape } } : {}),
      ...(moe && layout.ep > 1 ? { allToAll: { measured: table !== undefined, from: table?.from ?? `floor and link share of ${cal.allToAll.map((a) => a.gpu).join(', ')}` } } : {}),
    },
  };
}

/** The step model of one MoE/MLA instance. */
export function buildMoeStepModel(gpu: GpuSpec, llm: LlmSpec, layout: ResolvedLayout, cal: MoeCalibration, roofline: RooflineCalibration, dispatch: MoeDispatch = 'all-gather'): MoeStepModel {
  const { p, dp, imbalance, moeSeconds, moeChunkSeconds, a2aSeconds, mlaContext, mlaGeneration, sources } = buildMoeStepParts(gpu, llm, layout, cal, roofline, dispatch);
  const [xs, xl, xw, xc, xa, xr, xn] = roofline.prefill;
  const prefillTokenTerms = (perSequence: number, cached: number, sequences: number) => {
    const t = rooflinePrefillTerms(p, perSequence, cached, sequences);
    const f = imbalance(sequences);
    return f * (xc * t[3] + xa * t[4] + xr * t[5]);
  };
  const prefillSeconds = (newTokens: number, cachedTokens: number, batch = 1): number => {
    if (newTokens <= 0) return 0;
    const b = Math.max(1, batch);
    const n = newTokens / b;
    const c = Math.max(0, cachedTokens) / b;
    const fixed = xs * p.stepSeconds + xl * p.layerKernelSeconds + xw * p.weightReadSeconds + xn * p.allReduceLatencySeconds + p.interNodeAllReduceSeconds;
    return fixed + prefillTokenTerms(n, c, b) + mlaContext(b, n, c, false) + moeSeconds(newTokens) + a2aSeconds(newTokens);
  };
  const chunkedPrefillSeconds = (newTokens: number, cachedTokens: number): number => {
    if (newTokens <= 0) return 0;
    return prefillTokenTerms(newTokens, Math.max(0, cachedTokens), 1) + mlaContext(1, newTokens, Math.max(0, cachedTokens), true) + moeChunkSeconds(newTokens) + a2aSeconds(newTokens);
  };
  const decodeStepAffineOf = (batch: number, chunk: number) => {
    const f = imbalance(batch);
    const [zs, zl, zw, zk, zc, zn] = roofline.decode;
    const t0 = rooflineDecodeTerms(p, batch, 0);
    const t1 = rooflineDecodeTerms(p, batch, 1);
    // t0[3] is the sliding-window layers' KV read (a fixed window per sequence; 0 without them).
    const dense = zs * t0[0] + zl * t0[1] + zw * t0[2] + f * zk * t0[3] + f * zc * t0[4] + zn * t0[5] + p.interNodeAllReduceSeconds;
    const perContextDense = f * zk * (t1[3] - t0[3]);
    // MLA's cache terms are linear in each group's context, which is f/dp of the total on the busiest group.
    const perContextMla = batch > 0 ? ((mlaGeneration(batch, 1) - mlaGeneration(batch, 0)) * f) / dp : 0;
    const tokens = batch + chunk;
    const chunkPart = chunk > 0 ? prefillTokenTerms(chunk, 0, 1) + mlaContext(1, chunk, 0, true) : 0;
    return {
      baseSeconds: dense + mlaGeneration(batch, 0) + moeSeconds(tokens) + a2aSeconds(tokens) + chunkPart,
      perContextTokenSeconds: perContextDense + perContextMla,
    };
  };
  // The kernel asks for the same (batch, chunk) steps again and again; each answer is a pure function of them.
  const affineCache = new Map<string, { baseSeconds: number; perContextTokenSeconds: number }>();
  const decodeStepAffine = (batch: number, chunk = 0) => {
    const key = `${batch}|${chunk}`;
    let a = affineCache.get(key);
    if (a === undefined) {
      if (affineCache.size >= CACHE_LIMIT) affineCache.clear();
      a = decodeStepAffineOf(batch, chunk);
      affineCache.set(key, a);
    }
    return a;
  };
  return { prefillSeconds, chunkedPrefillSeconds, decodeStepAffine, sources };
}
