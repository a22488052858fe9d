/**
 * Vidur operator profiles (github.com/microsoft/vidur, MIT). `mlp.csv` holds, per (num_tokens, TP), the median GPU
 * time in ms of every non-attention operator of one layer; `all_reduce.csv`/`send_recv.csv` hold collectives by
 * message bytes. Converted to seconds here; repeated keys are merged by median.
 */
import { medianOf } from '../profile.js';
import { parseCsvTable, readNumber, readPositive, requireColumns } from './csv.js';

export const VIDUR_LAYER_OPS = ['input_layernorm', 'attn_pre_proj', 'attn_rope', 'attn_post_proj', 'post_attention_layernorm', 'mlp_up_proj', 'mlp_act', 'mlp_down_proj', 'add'] as const;

export interface VidurOperatorRow {
  readonly tokens: number;
  readonly tp: number;
  /** Seconds per call in one layer, by op name (`emb` is per model, not per layer). */
  readonly opSeconds: Readonly<Record<string, number>>;
}

export interface VidurCollectiveRow { readonly collective: string; readonly gpus: number; readonly devicesPerNode: number; readonly messageBytes: number; readonly latencySeconds: number }

/** Parses `mlp.csv`. */
export function importVidurOperators(text: string, file = 'mlp.csv'): VidurOperatorRow[] {
  const t = parseCsvTable(text, file);
  const ops = ['emb', ...VIDUR_LAYER_OPS];
  requireColumns(t, ['num_tokens', 'num_tensor_parallel_workers', ...ops.map((o) => `time_stats.${o}.median`)], file);
  const groups = new Map<string, { tokens: number; tp: number; samples: Record<string, number[]> }>();
  for (const { line, cells } of t.records) {
    const tokens = readPositive(cells, 'num_tokens', file, line);
    const tp = readPositive(cells, 'num_tensor_parallel_workers', file, line);
    const key = `${tokens}|${tp}`;
    const g = groups.get(key) ?? { tokens, tp, samples: {} };
    for (const op of ops) (g.samples[op] ??= []).push(readNumber(cells, `time_stats.${op}.median`, file, line) / 1000);
    groups.set(key, g);
  }
  return [...groups.values()]
    .sort((a, b) => a.tp - b.tp || a.tokens - b.tokens)
    .map((g) => ({ tokens: g.tokens, tp: g.tp, opSeconds: Object.fromEntries(Object.entries(g.samples).map(([op, v]) => [op, medianOf(v)])) }));
}

/** Parses `all_reduce.csv` or `send_recv.csv` (median column). */
export function importVidurCollectives(text: string, file = 'all_reduce.csv'): VidurCollectiveRow[] {
  const t = parseCsvTable(text, file);
  requireColumns(t, ['size', 'num_workers', 'collective', 'devices_per_node'], file);
  return t.records.map(({ line, cells }) => {
    const collective = cells.collective;
    return {
      collective,
      gpus: readPositive(cells, 'num_workers', file, line),
      devicesPerNode: readPositive(cells, 'devices_per_node', file, line),
      messageBytes: readPositive(cells, 'size', file, line),
      latencySeconds: readPositive(cells, `time_stats.${collective}.median`, file, line) / 1000,
    };
  });
}

/** One (model, TP, batch) row of Vidur's measured per-iteration CPU overheads of its vLLM-based stack. */
export interface VidurCpuOverheadRow {
  readonly model: string;
  readonly tp: number;
  readonly batch: number;
  /** Seconds per iteration by component: schedule, sampler_e2e, prepare_inputs_e2e, process_model_outputs, ray_comm_time. */
  readonly componentSeconds: Readonly<Record<(typeof VIDUR_CPU_OVERHEADS)[number], number>>;
}

/** The CPU components Vidur adds to a step (vidur/entities/execution_time.py `_get_cpu_overhead`). */
export const VIDUR_CPU_OVERHEADS = ['schedule', 'sampler_e2e', 'prepare_inputs_e2e', 'process_model_outputs', 'ray_comm_time'] as const;

/**
 * Parses Vidur's `cpu_overheads.csv` (ms per iteration; header case varies between Vidur versions). Vidur reads the
 * median of each component except `ray_comm_time`, whose mean it uses; a file with only its median falls back to that.
 */
export function importVidurCpuOverheads(text: string, file = 'cpu_overheads.csv'): VidurCpuOverheadRow[] {
  const t = parseCsvTable(text, file);
  const byLower = new Map(t.header.map((h) => [h.toLowerCase(), h]));
  const column = (name: string) => byLower.get(name);
  const rayColumn = column('ray_comm_time_mean') ?? column('ray_comm_time_median') ?? 'ray_comm_time_mean';
  const needed = ['model_name', 'batch_size', 'tensor_parallel_degree', ...VIDUR_CPU_OVERHEADS.slice(0, 4).map((c) => `${c}_median`)];
  requireColumns(t, [...needed.map((c) => column(c) ?? c), rayColumn], file);
  return t.records.map(({ line, cells }) => {
    const ms = (c: string) => readNumber(cells, column(c) ?? c, file, line);
    const componentSeconds = Object.fromEntries(VIDUR_CPU_OVERHEADS.map((c) => [c, (c === 'ray_comm_time' ? readNumber(cells, rayColumn, file, line) : ms(`${c}_median`)) / 1000])) as VidurCpuOverheadRow['componentSeconds'];
    return {
      model: cells[column('model_name')!],
      tp: readPositive(cells, column('tensor_parallel_degree')!, file, line),
      batch: readPositive(cells, column('batch_size')!, file, line),
      componentSeconds,
    };
  });
}
