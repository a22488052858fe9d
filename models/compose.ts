/**
 * Kernel composition: a forward pass as the sum of measured kernels, composed the way Vidur's own simulator does
 * (github.com/microsoft/vidur, vidur/entities/execution_time.py and sklearn_execution_time_predictor.py):
 * per layer, every non-attention op of `mlp.csv` at the batch's token count rounded up to a multiple of 8 (the `add`
 * once, as Vidur counts it), the attention kernels (aiconfigurator here: Vidur's attention.csv is not staged), and at
 * TP > 1 two all-reduces of tokens × hidden × 2 bytes, each with Vidur's NCCL CPU launch overhead. Beyond Vidur, which
 * leaves them out, the pass also counts what the data measures once per pass: the embedding, the final norm and,
 * given a GEMM table, the LM head on the last token of each sequence. Vidur's measured per-step CPU overheads are added
 * only when their table is given (none is staged for H100). Comparing the sum with an end-to-end measurement says how
 * much a stack adds on top of its kernels.
 */
import type { LlmSpec } from '../catalogs/types.js';
import type { ContextAttentionRow, GemmRow, GenerationAttentionRow } from './importers/aiconfigurator.js';
import { VIDUR_CPU_OVERHEADS, VIDUR_LAYER_OPS, type VidurCollectiveRow, type VidurCpuOverheadRow, type VidurOperatorRow } from './importers/vidur.js';

export interface KernelTables {
  readonly operators: readonly VidurOperatorRow[];
  readonly contextAttention: readonly ContextAttentionRow[];
  readonly generationAttention: readonly GenerationAttentionRow[];
  readonly allReduce: readonly VidurCollectiveRow[];
  /** aiconfigurator GEMM table, for the LM head (left out without it). */
  readonly gemm?: readonly GemmRow[];
  /** Vidur's measured per-iteration CPU overheads of this model (left out without it). */
  readonly cpuOverhead?: readonly VidurCpuOverheadRow[];
}

/** Vidur's default CPU launch cost of one NCCL call (`nccl_cpu_launch_overhead_ms` = 0.02 in vidur/config/config.py), seconds. */
export const VIDUR_NCCL_LAUNCH_SECONDS = 0.02e-3;

export interface ComposeOptions {
  /** CPU launch cost added to every all-reduce, seconds; Vidur's default when absent. */
  readonly ncclLaunchSeconds?: number;
}

/** One pass, seconds by component; `totalSeconds` is their sum. */
export interface PassBreakdown {
  /** Layers × the `mlp.csv` ops (norms, QKV/output projections, rope, gate-up, activation, down, add). */
  readonly layerOpsSeconds: number;
  readonly attentionSeconds: number;
  /** Layers × 2 all-reduces (after attention, after the MLP) + 1 (embedding), 0 at TP 1. */
  readonly allReduceSeconds: number;
  /** The NCCL CPU launch cost of each of those all-reduces, 0 at TP 1. */
  readonly ncclLaunchSeconds: number;
  /** Embedding + final norm + LM head, once per pass. */
  readonly perPassSeconds: number;
  /** Vidur's per-iteration CPU overheads, 0 without their table. */
  readonly cpuOverheadSeconds: number;
  readonly totalSeconds: number;
}

/** Linear interpolation of y over sorted x (clamped extrapolation by the end segments' slope, never below 0). */
export function interpolatePoints(points: readonly (readonly [number, number])[], x: number, what: string): number {
  const p = [...points].sort((a, b) => a[0] - b[0]);
  if (p.length === 0) throw new Error(`no measurements for ${what}`);
  if (p.length === 1) return p[0][1];
  let i = p.findIndex((q) => q[0] >= x);
  if (i === -1) i = p.length - 1;
  if (i === 0) i = 1;
  const [x0, y0] = p[i - 1];
  const [x1, y1] = p[i];
  return Math.max(0, y0 + ((y1 - y0) * (x - x0)) / (x1 - x0));
}

/**
 * Interpolation inside the measured range; past its largest x the last measurement scaled by x (throughput-bound:
 * a GEMM or a collective twice as large takes twice as long), below its smallest x the first measurement. The last
 * segment's slope is not used to extrapolate: neighbouring repeats are noisy (Vidur's 8-GPU all-reduce falls from
 * 0.347 to 0.322 ms over its last 128 KiB, which sent 128 MiB to 0 s).
 */
export function interpolateWithin(points: readonly (readonly [number, number])[], x: number, what: string): number {
  const p = [...points].sort((a, b) => a[0] - b[0]);
  if (p.length === 0) throw new Error(`no measurements for ${what}`);
  const [xLast, yLast] = p[p.length - 1];
  if (x > xLast) return (yLast * x) / xLast;
  if (x <= p[0][0]) return p[0][1];
  return interpolatePoints(p, x, what);
}

/** Vidur's token rounding (`Batch._total_num_tokens_rounded`): up to a multiple of 8. */
export function roundTokens(tokens: number): number {
  return Math.ceil(tokens / 8) * 8;
}

function operatorSeconds(rows: readonly VidurOperatorRow[], tp: number, tokens: number, ops: readonly string[]): number {
  const pts = rows.filter((r) => r.tp === tp).map((r) => [r.tokens, ops.reduce((s, op) => s + (r.opSeconds[op] ?? 0), 0)] as const);
  return interpolateWithin(pts, tokens, `Vidur operators ${ops.join('+')} at tp ${tp}`);
}

/** Seconds of one layer's non-attention ops for `tokens` tokens on a `tp`-way shard (Vidur). */
export function layerOperatorSeconds(rows: readonly VidurOperatorRow[], tp: number, tokens: number): number {
  return operatorSeconds(rows, tp, tokens, VIDUR_LAYER_OPS);
}

/** Prefill attention of `batch` sequences of `tokens` each, `heads`/`kvHeads` per GPU, bf16 KV (aiconfigurator). */
export function contextAttentionSeconds(rows: readonly ContextAttentionRow[], heads: number, kvHeads: number, batch: number, tokens: number): number {
  const mine = rows.filter((r) => r.heads === heads && r.kvHeads === kvHeads && r.kvDtype === 'bfloat16');
  const batches = [...new Set(mine.map((r) => r.batch))].sort((a, b) => a - b);
  const b = batches.filter((x) => x <= batch).pop() ?? batches[0];
  // Attention of independent sequences scales with their count: use the nearest measured batch, scaled.
  return (interpolatePoints(mine.filter((r) => r.batch === b).map((r) => [r.inputTokens, r.latencySeconds] as const), tokens, `context attention ${heads}/${kvHeads}`) * batch) / b;
}

/** Decode attention of `batch` sequences with `cachedTokens` each (aiconfigurator). */
export function generationAttentionSeconds(rows: readonly GenerationAttentionRow[], heads: number, kvHeads: number, batch: number, cachedTokens: number): number {
  const mine = rows.filter((r) => r.heads === heads && r.kvHeads === kvHeads && r.kvDtype === 'bfloat16');
  const batches = [...new Set(mine.map((r) => r.batch))].sort((a, b) => a - b);
  const lo = batches.filter((x) => x <= batch).pop() ?? batches[0];
  const at = (b: number) => interpolatePoints(mine.filter((r) => r.batch === b).map((r) => [r.cachedTokens, r.latencySeconds] as const), cachedTokens, `generation attention ${heads}/${kvHeads}`);
  const hi = batches.find((x) => x >= batch) ?? lo;
  return hi === lo ? at(lo) : at(lo) + ((at(hi) - at(lo)) * (batch - lo)) / (hi - lo);
}

/** One all-reduce of `bytes` over `tp` GPUs of one node (Vidur), without the CPU launch cost; 0 at tp 1. */
export function allReduceSeconds(rows: readonly VidurCollectiveRow[], tp: number, bytes: number): number {
  if (tp <= 1) return 0;
  const pts = rows.filter((r) => r.collective === 'all_reduce' && r.gpus === tp && r.devicesPerNode === tp).map((r) => [r.messageBytes, r.latencySeconds] as const);
  return interpolateWithin(pts, bytes, `all-reduce over ${tp} GPUs`);
}

/** bf16 GEMM [m × k]·[k × n] from aiconfigurator, interpolated over m, then over n (k must be measured). */
export function gemmSeconds(rows: readonly GemmRow[], m: number, n: number, k: number): number {
  const mine = rows.filter((r) => r.dtype === 'bfloat16' && r.k === k);
  const ns = [...new Set(mine.map((r) => r.n))].sort((a, b) => a - b);
  const overM = (nn: number) => [nn, interpolateWithin(mine.filter((r) => r.n === nn).map((r) => [r.m, r.latencySeconds] as const), m, `GEMM n ${nn} k ${k}`)] as const;
  const bracket = [...new Set([ns.filter((x) => x <= n).pop(), ns.find((x) => x >= n)])].filter((x): x is number => x !== undefined);
  return interpolateWithin(bracket.map(overM), n, `GEMM n ${n} k ${k}`);
}

/** Vidur's measured per-iteration CPU overhead at `tp` and `batch` (held flat outside the measured batches), seconds. */
export function cpuOverheadSeconds(rows: readonly VidurCpuOverheadRow[], tp: number, batch: number): number {
  const pts = rows.filter((r) => r.tp === tp).map((r) => [r.batch, VIDUR_CPU_OVERHEADS.reduce((s, c) => s + r.componentSeconds[c], 0)] as const);
  const p = [...pts].sort((a, b) => a[0] - b[0]);
  if (p.length === 0) throw new Error(`no Vidur CPU overheads at tp ${tp}`);
  return batch >= p[p.length - 1][0] ? p[p.length - 1][1] : interpolateWithin(p, batch, `CPU overheads at tp ${tp}`);
}

function perGpuHeads(llm: LlmSpec, tp: number): [number, number] {
  return [llm.attentionHeads / tp, Math.max(1, llm.kvHeads / tp)];
}

function composePass(t: KernelTables, llm: LlmSpec, tp: number, sequences: number, tokens: number, attentionPerLayer: number, options: ComposeOptions): PassBreakdown {
  const n = roundTokens(tokens);
  const layers = llm.layers;
  // Two all-reduces per layer, and at TP > 1 one more per pass: vLLM's vocab-parallel embedding reduces its lookup.
  const arCalls = tp > 1 ? 2 * layers + 1 : 0;
  const lmHead = t.gemm ? gemmSeconds(t.gemm, sequences, llm.vocabSize / tp, llm.hiddenSize) : 0;
  const parts = {
    layerOpsSeconds: layers * layerOperatorSeconds(t.operators, tp, n),
    attentionSeconds: layers * attentionPerLayer,
    allReduceSeconds: arCalls * allReduceSeconds(t.allReduce, tp, n * llm.hiddenSize * 2),
    ncclLaunchSeconds: arCalls * (options.ncclLaunchSeconds ?? VIDUR_NCCL_LAUNCH_SECONDS),
    perPassSeconds: operatorSeconds(t.operators, tp, n, ['emb', 'input_layernorm']) + lmHead,
    cpuOverheadSeconds: t.cpuOverhead ? cpuOverheadSeconds(t.cpuOverhead, tp, sequences) : 0,
  };
  return { ...parts, totalSeconds: Object.values(parts).reduce((a, b) => a + b, 0) };
}

/** Composed prefill of `batch` sequences of `tokens` new tokens each (no cached prefix), by component. */
export function composePrefillBreakdown(t: KernelTables, llm: LlmSpec, tp: number, batch: number, tokens: number, options: ComposeOptions = {}): PassBreakdown {
  const [heads, kvHeads] = perGpuHeads(llm, tp);
  return composePass(t, llm, tp, batch, batch * tokens, contextAttentionSeconds(t.contextAttention, heads, kvHeads, batch, tokens), options);
}

/** Composed decode step of `batch` sequences, each with `contextTokens` cached, by component. */
export function composeDecodeStepBreakdown(t: KernelTables, llm: LlmSpec, tp: number, batch: number, contextTokens: number, options: ComposeOptions = {}): PassBreakdown {
  const [heads, kvHeads] = perGpuHeads(llm, tp);
  return composePass(t, llm, tp, batch, batch, generationAttentionSeconds(t.generationAttention, heads, kvHeads, batch, contextTokens), options);
}

/** Composed prefill of `batch` sequences of `tokens` new tokens each (no cached prefix), seconds. */
export function composePrefillSeconds(t: KernelTables, llm: LlmSpec, tp: number, batch: number, tokens: number, options: ComposeOptions = {}): number {
  return composePrefillBreakdown(t, llm, tp, batch, tokens, options).totalSeconds;
}

/** Composed decode step of `batch` sequences, each with `contextTokens` cached, seconds. */
export function composeDecodeStepSeconds(t: KernelTables, llm: LlmSpec, tp: number, batch: number, contextTokens: number, options: ComposeOptions = {}): number {
  return composeDecodeStepBreakdown(t, llm, tp, batch, contextTokens, options).totalSeconds;
}
