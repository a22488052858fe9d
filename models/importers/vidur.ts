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
