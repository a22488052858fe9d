/**
 * aiconfigurator MoE and MLA kernel tables (github.com/ai-dynamo/aiconfigurator, Apache-2.0; staged under
 * shared/data/aiconfigurator/<gpu>/vllm-0.19.0/): the grouped expert GEMMs of one MoE layer (`moe_perf.csv`) and the
 * whole MLA attention module of one DeepSeek-V3 layer (`mla_context_module_perf.csv`, `mla_generation_module_perf.csv`),
 * per GPU, latency in ms converted to seconds.
 */
import { parseCsvTable, readNumber, readPositive, requireColumns } from './csv.js';

/** One MoE layer's grouped GEMMs on one rank (moe_perf.csv). */
export interface MoeKernelRow {
  /** `bfloat16`, `fp8` (per-tensor) or `fp8_block`. */
  readonly dtype: string;
  /** Tokens entering the MoE layer in one step, before top-k routing (all ranks together). */
  readonly tokens: number;
  readonly hiddenSize: number;
  /** One expert's intermediate size (before any MoE tensor-parallel split). */
  readonly expertIntermediateSize: number;
  readonly topK: number;
  readonly experts: number;
  /** Expert weights split inside each expert over this many GPUs. */
  readonly moeTp: number;
  /** Whole experts spread over this many GPUs. */
  readonly moeEp: number;
  /** `balanced`, or a power-law skew (`power_law_1.01`, `power_law_1.2`). */
  readonly distribution: string;
  readonly latencySeconds: number;
  readonly line: number;
}

/** One DeepSeek-V3 MLA module call (projections + attention) on one GPU. */
export interface MlaKernelRow {
  /** Attention-kernel dtype (B200 measured FP8 attention too); bfloat16 where the column was constant. */
  readonly mlaDtype: string;
  readonly kvDtype: string;
  readonly gemmDtype: string;
  /** Heads on this GPU (128 / TP). */
  readonly heads: number;
  readonly batch: number;
  /** Context: new tokens per sequence (isl); generation: tokens already cached (step). */
  readonly tokens: number;
  readonly latencySeconds: number;
}

export function importAicMoe(text: string, file = 'moe_perf.csv'): MoeKernelRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['moe_dtype', 'num_tokens', 'hidden_size', 'inter_size', 'topk', 'num_experts', 'moe_tp_size', 'moe_ep_size', 'distribution', 'latency'], file);
  return t.records.map(({ line, cells }) => ({
    dtype: cells.moe_dtype,
    tokens: readPositive(cells, 'num_tokens', file, line),
    hiddenSize: readPositive(cells, 'hidden_size', file, line),
    expertIntermediateSize: readPositive(cells, 'inter_size', file, line),
    topK: readPositive(cells, 'topk', file, line),
    experts: readPositive(cells, 'num_experts', file, line),
    moeTp: readPositive(cells, 'moe_tp_size', file, line),
    moeEp: readPositive(cells, 'moe_ep_size', file, line),
    distribution: cells.distribution,
    latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
    line,
  }));
}

/** `mla_context_module_perf.csv` (`isl`) or `mla_generation_module_perf.csv` (`step`). */
export function importAicMla(text: string, phase: 'context' | 'generation', file = `mla_${phase}_module_perf.csv`): MlaKernelRow[] {
  const t = parseCsvTable(text, file);
  const tokenColumn = phase === 'context' ? 'isl' : 'step';
  requireColumns(t, ['num_heads', 'batch_size', tokenColumn, 'latency'], file);
  return t.records.map(({ line, cells }) => ({
    mlaDtype: cells.mla_dtype ?? 'bfloat16',
    kvDtype: cells.kv_cache_dtype ?? 'bfloat16',
    gemmDtype: cells.gemm_type ?? 'bfloat16',
    heads: readPositive(cells, 'num_heads', file, line),
    batch: readPositive(cells, 'batch_size', file, line),
    tokens: readNumber(cells, tokenColumn, file, line),
    latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
  }));
}
