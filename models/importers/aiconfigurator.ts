/**
 * aiconfigurator kernel tables (github.com/ai-dynamo/aiconfigurator, Apache-2.0): per-kernel latencies in ms for one
 * call in one layer, converted to seconds here. GEMM, prefill (context) attention, decode (generation) attention and
 * NCCL collectives; the H200/B200 tables also carry board power in watts.
 */
import { inputError } from '../../catalogs/issues.js';
import { parseCsvTable, readNumber, readPositive, requireColumns } from './csv.js';

export interface GemmRow { readonly dtype: string; readonly m: number; readonly n: number; readonly k: number; readonly latencySeconds: number; readonly powerWatts?: number }
export interface ContextAttentionRow { readonly batch: number; readonly inputTokens: number; readonly heads: number; readonly kvHeads: number; readonly kvDtype: string; readonly latencySeconds: number }
export interface GenerationAttentionRow { readonly batch: number; readonly heads: number; readonly kvHeads: number; readonly kvDtype: string; readonly cachedTokens: number; readonly latencySeconds: number }
export interface NcclRow { readonly op: string; readonly dtype: string; readonly gpus: number; readonly messageBytes: number; readonly latencySeconds: number }

const optionalPower = (cells: Readonly<Record<string, string>>, file: string, line: number) =>
  cells.power !== undefined && cells.power !== '' ? { powerWatts: readNumber(cells, 'power', file, line) } : {};

/** `gemm_perf.csv`; `gemm_dtype` defaults to bfloat16 where the column was constant and dropped (A100). */
export function importAicGemm(text: string, file = 'gemm_perf.csv'): GemmRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['m', 'n', 'k', 'latency'], file);
  return t.records.map(({ line, cells }) => ({
    dtype: cells.gemm_dtype ?? 'bfloat16',
    m: readPositive(cells, 'm', file, line),
    n: readPositive(cells, 'n', file, line),
    k: readPositive(cells, 'k', file, line),
    latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
    ...optionalPower(cells, file, line),
  }));
}

/** `context_attention_perf.csv`: prefill attention of `batch` sequences of `isl` tokens, heads per GPU. */
export function importAicContextAttention(text: string, file = 'context_attention_perf.csv'): ContextAttentionRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['batch_size', 'isl', 'num_heads', 'num_key_value_heads', 'latency'], file);
  return t.records.map(({ line, cells }) => ({
    batch: readPositive(cells, 'batch_size', file, line),
    inputTokens: readPositive(cells, 'isl', file, line),
    heads: readPositive(cells, 'num_heads', file, line),
    kvHeads: readPositive(cells, 'num_key_value_heads', file, line),
    kvDtype: cells.kv_cache_dtype ?? 'bfloat16',
    latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
  }));
}

/** `generation_attention_perf.csv`: one decode step's attention; `step` = tokens already cached. */
export function importAicGenerationAttention(text: string, file = 'generation_attention_perf.csv'): GenerationAttentionRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['batch_size', 'num_heads', 'num_key_value_heads', 'step', 'latency'], file);
  return t.records.map(({ line, cells }) => ({
    batch: readPositive(cells, 'batch_size', file, line),
    heads: readPositive(cells, 'num_heads', file, line),
    kvHeads: readPositive(cells, 'num_key_value_heads', file, line),
    kvDtype: cells.kv_cache_dtype ?? 'bfloat16',
    cachedTokens: readNumber(cells, 'step', file, line),
    latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
  }));
}

const DTYPE_BYTES: Readonly<Record<string, number>> = { half: 2, int8: 1, bfloat16: 2, float: 4 };

/** `nccl_perf.csv`: `message_size` is elements; converted to bytes by the element size of `nccl_dtype`. */
export function importAicNccl(text: string, file = 'nccl_perf.csv'): NcclRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['op_name', 'nccl_dtype', 'num_gpus', 'message_size', 'latency'], file);
  return t.records.map(({ line, cells }) => {
    const bytes = DTYPE_BYTES[cells.nccl_dtype];
    if (bytes === undefined) throw inputError('invalid_value', file, 'nccl_dtype', `found ${JSON.stringify(cells.nccl_dtype)}, expected one of ${Object.keys(DTYPE_BYTES).join(', ')}`, line);
    return {
      op: cells.op_name,
      dtype: cells.nccl_dtype,
      gpus: readPositive(cells, 'num_gpus', file, line),
      messageBytes: readPositive(cells, 'message_size', file, line) * bytes,
      latencySeconds: readPositive(cells, 'latency', file, line) / 1000,
    };
  });
}
