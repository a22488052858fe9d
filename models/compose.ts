/**
 * Kernel composition: a forward pass as the sum of measured per-layer kernels, with no serving stack around them.
 * Vidur's `mlp.csv` gives every non-attention op of a layer by token count and TP, aiconfigurator the attention
 * kernels by heads per GPU, and Vidur's `all_reduce.csv` the two all-reduces per layer at TP > 1. Comparing the sum
 * with an end-to-end measurement says how much a stack adds on top of its kernels.
 */
import type { LlmSpec } from '../catalogs/types.js';
import type { ContextAttentionRow, GenerationAttentionRow } from './importers/aiconfigurator.js';
import { VIDUR_LAYER_OPS, type VidurCollectiveRow, type VidurOperatorRow } from './importers/vidur.js';

export interface KernelTables {
  readonly operators: readonly VidurOperatorRow[];
  readonly contextAttention: readonly ContextAttentionRow[];
  readonly generationAttention: readonly GenerationAttentionRow[];
  readonly allReduce: readonly VidurCollectiveRow[];
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

/** Seconds of one layer's non-attention ops for `tokens` tokens on a `tp`-way shard (Vidur). */
export function layerOperatorSeconds(rows: readonly VidurOperatorRow[], tp: number, tokens: number): number {
  const pts = rows.filter((r) => r.tp === tp).map((r) => [r.tokens, VIDUR_LAYER_OPS.reduce((s, op) => s + (r.opSeconds[op] ?? 0), 0)] as const);
  return interpolatePoints(pts, tokens, `Vidur operators at tp ${tp}`);
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

/** One all-reduce of `bytes` over `tp` GPUs of one node (Vidur); 0 at tp 1. */
export function allReduceSeconds(rows: readonly VidurCollectiveRow[], tp: number, bytes: number): number {
  if (tp <= 1) return 0;
  const pts = rows.filter((r) => r.collective === 'all_reduce' && r.gpus === tp && r.devicesPerNode === tp).map((r) => [r.messageBytes, r.latencySeconds] as const);
  return interpolatePoints(pts, bytes, `all-reduce over ${tp} GPUs`);
}

function perGpuHeads(llm: LlmSpec, tp: number): [number, number] {
  return [llm.attentionHeads / tp, Math.max(1, llm.kvHeads / tp)];
}

/** Composed prefill of `batch` sequences of `tokens` new tokens each (no cached prefix), seconds. */
export function composePrefillSeconds(t: KernelTables, llm: LlmSpec, tp: number, batch: number, tokens: number): number {
  const [heads, kvHeads] = perGpuHeads(llm, tp);
  const total = batch * tokens;
  const layer = layerOperatorSeconds(t.operators, tp, total) + contextAttentionSeconds(t.contextAttention, heads, kvHeads, batch, tokens) + 2 * allReduceSeconds(t.allReduce, tp, total * llm.hiddenSize * 2);
  return llm.layers * layer;
}

/** Composed decode step of `batch` sequences, each with `contextTokens` cached, seconds. */
export function composeDecodeStepSeconds(t: KernelTables, llm: LlmSpec, tp: number, batch: number, contextTokens: number): number {
  const [heads, kvHeads] = perGpuHeads(llm, tp);
  const layer = layerOperatorSeconds(t.operators, tp, batch) + generationAttentionSeconds(t.generationAttention, heads, kvHeads, batch, contextTokens) + 2 * allReduceSeconds(t.allReduce, tp, batch * llm.hiddenSize * 2);
  return llm.layers * layer;
}
