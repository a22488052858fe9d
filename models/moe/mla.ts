/**
 * Multi-head latent attention (DeepSeek-V2/V3, Kimi-K2): the whole attention module of one layer on one GPU —
 * the low-rank query and KV projections, attention, output projection — as physical terms with multipliers fitted on
 * aiconfigurator's `mla_context_module_perf.csv` (prefill) and `mla_generation_module_perf.csv` (decode), measured on
 * DeepSeek-V3 shapes at 128/TP heads per GPU on H100, H200 and B200 (vLLM 0.19). The terms take the LLM's own
 * latent sizes, so Kimi-K2 (64 heads, the same latent) is predicted from the same multipliers. Each TP degree (heads
 * per GPU) is held out in turn for the reported error.
 *
 * Prefill: floor, projection weights read, projection FLOPs (2 × tokens × parameters), causal attention FLOPs
 * (pairs × heads × (qk_nope + qk_rope + v) × 2). Decode: floor, projection weights, projection FLOPs per sequence,
 * the latent cache read (context × (kv_lora_rank + qk_rope) × KV bytes) and the absorbed attention FLOPs per cached
 * token (heads × (2 × kv_lora_rank + qk_rope) × 2), both linear in the total context, as the kernel needs.
 */
import type { AttentionSpec, GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { MlaKernelRow } from '../importers/aiconfigurator-moe.js';
import { evaluateLinear } from '../features.js';
import { medianOf } from '../profile.js';
import { fitWithGroupHoldout } from './group-fit.js';
import { isKernelDtype, peakFlopsOf, weightBytesOf, type KernelDtype } from './rates.js';

export type MlaSpec = Extract<AttentionSpec, { kind: 'mla' }>;
export type MlaPhase = 'context' | 'generation';
export type KvKernelDtype = 'bfloat16' | 'fp8';

export const MLA_CONTEXT_TERMS = ['floor_s', 'projection_weight_read', 'projection_compute', 'attention_compute'] as const;
export const MLA_GENERATION_TERMS = ['floor_s', 'projection_weight_read', 'projection_compute', 'latent_cache_read', 'attention_compute'] as const;

/** DeepSeek-V3's shapes, which the tables measured (aiconfigurator SOURCE.md). */
export const DEEPSEEK_V3_MLA: { readonly hiddenSize: number; readonly heads: number; readonly mla: MlaSpec } = {
  hiddenSize: 7168,
  heads: 128,
  mla: { kind: 'mla', kvLoraRank: 512, qkRopeHeadDim: 64, qkNopeHeadDim: 128, vHeadDim: 128, qLoraRank: 1536 },
};

/** Attention parameters of one layer on a GPU holding `heads` heads (the down-projections are replicated). */
export function mlaParametersPerGpu(hiddenSize: number, heads: number, a: MlaSpec): number {
  const qk = a.qkNopeHeadDim + a.qkRopeHeadDim;
  const q = a.qLoraRank !== undefined ? hiddenSize * a.qLoraRank + a.qLoraRank * heads * qk : hiddenSize * heads * qk;
  return q + hiddenSize * (a.kvLoraRank + a.qkRopeHeadDim) + a.kvLoraRank * heads * (a.qkNopeHeadDim + a.vHeadDim) + heads * a.vHeadDim * hiddenSize;
}

export interface MlaGeometry {
  readonly hiddenSize: number;
  /** Heads on this GPU (attention heads / TP). */
  readonly heads: number;
  readonly mla: MlaSpec;
}

/** The geometry of an LLM's MLA on a `tp`-way shard. */
export function mlaGeometry(llm: LlmSpec, tp: number): MlaGeometry {
  if (llm.attention?.kind !== 'mla') throw new RangeError(`${llm.id} has no multi-head latent attention`);
  return { hiddenSize: llm.hiddenSize, heads: llm.attentionHeads / tp, mla: llm.attention };
}

function rates(gpu: GpuSpec, gemm: KernelDtype) {
  const peak = peakFlopsOf(gpu, gemm);
  if (peak === undefined) throw new RangeError(`${gpu.id} has no ${gemm} tensor path`);
  return { peak, bw: gpu.memoryBandwidthBytesPerSecond, attention: gpu.bf16FlopsPerSecond };
}

/** Prefill terms: `batch` sequences of `newTokens` each, attending to `cachedTokens` already cached each. */
export function mlaContextTerms(g: MlaGeometry, gpu: GpuSpec, gemm: KernelDtype, batch: number, newTokens: number, cachedTokens = 0): number[] {
  const r = rates(gpu, gemm);
  const params = mlaParametersPerGpu(g.hiddenSize, g.heads, g.mla);
  const tokens = batch * newTokens;
  const pairs = batch * newTokens * (newTokens / 2 + cachedTokens);
  return [1, (params * weightBytesOf(gemm)) / r.bw, (2 * tokens * params) / r.peak,
    (pairs * g.heads * (g.mla.qkNopeHeadDim + g.mla.qkRopeHeadDim + g.mla.vHeadDim) * 2) / r.attention];
}

/** Decode terms: `batch` sequences whose cached contexts sum to `totalContextTokens`. */
export function mlaGenerationTerms(g: MlaGeometry, gpu: GpuSpec, gemm: KernelDtype, kv: KvKernelDtype, batch: number, totalContextTokens: number): number[] {
  const r = rates(gpu, gemm);
  const params = mlaParametersPerGpu(g.hiddenSize, g.heads, g.mla);
  const latent = g.mla.kvLoraRank + g.mla.qkRopeHeadDim;
  return [1, (params * weightBytesOf(gemm)) / r.bw, (2 * batch * params) / r.peak,
    (totalContextTokens * latent * (kv === 'fp8' ? 1 : 2)) / r.bw,
    (totalContextTokens * g.heads * (2 * g.mla.kvLoraRank + g.mla.qkRopeHeadDim) * 2) / r.attention];
}

export interface MlaFit {
  readonly gpu: string;
  readonly phase: MlaPhase;
  readonly gemmDtype: KernelDtype;
  readonly kvDtype: KvKernelDtype;
  readonly coefficients: readonly number[];
  readonly rows: number;
  /** Leave-one-heads-per-GPU-out MAPE (fraction). */
  readonly heldOutMape: number;
  readonly worstHeadsMape: number;
  readonly from: string;
}

/** Fits one GPU's MLA table of one phase, per (KV dtype, GEMM dtype); BF16 attention kernels only. */
export function fitMla(rows: readonly MlaKernelRow[], phase: MlaPhase, gpu: GpuSpec, from: string): MlaFit[] {
  const out: MlaFit[] = [];
  const usable = rows.filter((r) => r.mlaDtype === 'bfloat16' && isKernelDtype(r.gemmDtype) && (r.kvDtype === 'bfloat16' || r.kvDtype === 'fp8'));
  const combos = [...new Set(usable.map((r) => `${r.kvDtype}|${r.gemmDtype}`))].sort();
  for (const combo of combos) {
    const [kv, gemm] = combo.split('|') as [KvKernelDtype, KernelDtype];
    if (peakFlopsOf(gpu, gemm) === undefined) continue;
    const mine = usable.filter((r) => r.kvDtype === kv && r.gemmDtype === gemm);
    const geometry = (r: MlaKernelRow): MlaGeometry => ({ hiddenSize: DEEPSEEK_V3_MLA.hiddenSize, heads: r.heads, mla: DEEPSEEK_V3_MLA.mla });
    const terms = phase === 'context'
      ? (r: MlaKernelRow) => mlaContextTerms(geometry(r), gpu, gemm, r.batch, r.tokens)
      : (r: MlaKernelRow) => mlaGenerationTerms(geometry(r), gpu, gemm, kv, r.batch, r.batch * r.tokens);
    const fit = fitWithGroupHoldout(mine, terms, (r) => r.latencySeconds, (r) => `heads${r.heads}`);
    out.push({ gpu: gpu.id, phase, gemmDtype: gemm, kvDtype: kv, coefficients: fit.coefficients, rows: fit.rows, heldOutMape: fit.heldOutMape, worstHeadsMape: fit.worstGroupMape, from });
  }
  return out;
}

/** Multipliers for a GPU without a table: per term, the median over fitted GPUs (NVFP4 → FP8-block where unmeasured). */
export function fallbackMla(fits: readonly MlaFit[], phase: MlaPhase, gemm: KernelDtype, kv: KvKernelDtype): readonly number[] {
  let same = fits.filter((f) => f.phase === phase && f.gemmDtype === gemm && f.kvDtype === kv);
  if (same.length === 0 && gemm !== 'bfloat16') same = fits.filter((f) => f.phase === phase && f.gemmDtype === 'fp8_block' && f.kvDtype === kv);
  if (same.length === 0) throw new Error(`no fitted MLA ${phase} table for ${gemm} weights and ${kv} KV`);
  const n = same[0].coefficients.length;
  return Array.from({ length: n }, (_, j) => medianOf(same.map((f) => f.coefficients[j])));
}

export function mlaContextSeconds(c: readonly number[], g: MlaGeometry, gpu: GpuSpec, gemm: KernelDtype, batch: number, newTokens: number, cachedTokens = 0): number {
  return newTokens > 0 ? evaluateLinear(c, mlaContextTerms(g, gpu, gemm, batch, newTokens, cachedTokens)) : 0;
}

export function mlaGenerationSeconds(c: readonly number[], g: MlaGeometry, gpu: GpuSpec, gemm: KernelDtype, kv: KvKernelDtype, batch: number, totalContextTokens: number): number {
  return batch > 0 ? evaluateLinear(c, mlaGenerationTerms(g, gpu, gemm, kv, batch, totalContextTokens)) : 0;
}
