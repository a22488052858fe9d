/**
 * Shard documents and the merge step. A shard document carries the grid it came from (normalised) and its cells;
 * merging checks that every shard ran the same grid and that together they cover every cell exactly once, then
 * emits one result whose `sweep` block is what reports read (reports/result-types.ts SweepGrid). The unsharded
 * run is the merge of its single shard, so merged shards equal it byte for byte.
 */
import { inputError } from '../../catalogs/issues.js';
import { METRICS, type GridSpec, type Shard } from './grid.js';
import { metricOf, type CellResult } from './scenario.js';

export interface ShardDocument {
  readonly kind: 'sweep-shard';
  readonly format_version: 1;
  readonly grid: GridSpec;
  readonly shard: { readonly index: number; readonly count: number };
  readonly cells: readonly CellResult[];
}

/** One shard's output. */
export function toShardDocument(grid: GridSpec, shard: Shard, cells: readonly CellResult[]): ShardDocument {
  return { kind: 'sweep-shard', format_version: 1, grid, shard: { index: shard.index, count: shard.count }, cells: [...cells].sort((a, b) => a.index - b.index) };
}

const AXIS_UNITS = { rate_scale: '× arrival rate', slo_scale: '× SLO bounds', price_scale: '× GPU price' } as const;

/** Merges shard documents (any order) into the sweep result; InputError when they do not fit together. */
export function mergeShards(shards: ReadonlyArray<{ readonly file: string; readonly doc: unknown }>) {
  if (shards.length === 0) throw inputError('usage', '', 'shards', 'found no shard files, expected one or more');
  const docs = shards.map(({ file, doc }) => {
    const d = doc as Partial<ShardDocument> | null;
    if (!d || d.kind !== 'sweep-shard' || !Array.isArray(d.cells) || !d.grid) throw inputError('invalid_value', file, 'kind', `found ${JSON.stringify(d?.kind)}, expected a "sweep-shard" document (fleetplan sweep --shard i/n --out FILE)`);
    return { file, doc: d as ShardDocument };
  });
  const grid = docs[0].doc.grid;
  const gridKey = JSON.stringify(grid);
  for (const { file, doc } of docs) {
    if (JSON.stringify(doc.grid) !== gridKey) throw inputError('invalid_value', file, 'grid', `found a different grid than ${docs[0].file}, expected every shard of one grid`);
  }
  const total = grid.x.values.length * grid.y.values.length;
  const byIndex = new Map<number, CellResult>();
  for (const { file, doc } of docs) {
    for (const cell of doc.cells) {
      if (byIndex.has(cell.index)) throw inputError('invalid_value', file, `cells.${cell.index}`, `found cell ${cell.index} twice, expected each cell in one shard only`);
      byIndex.set(cell.index, cell);
    }
  }
  const missing = Array.from({ length: total }, (_, i) => i).filter((i) => !byIndex.has(i));
  if (missing.length > 0) throw inputError('invalid_value', '', 'shards', `found ${byIndex.size} of ${total} cells (missing ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}), expected every shard of the grid`);
  const cells = Array.from({ length: total }, (_, i) => byIndex.get(i)!);
  const metric = METRICS[grid.metric];
  const values = grid.y.values.map((_, row) => grid.x.values.map((__, col) => metricOf(cells[row * grid.x.values.length + col], grid.metric)));
  return {
    kind: 'plan' as const,
    format_version: 1,
    sweep: {
      title: grid.title ?? `${grid.metric} by ${grid.x.axis} and ${grid.y.axis}`,
      x: { name: grid.x.axis, unit: AXIS_UNITS[grid.x.axis], values: grid.x.values },
      y: { name: grid.y.axis, unit: AXIS_UNITS[grid.y.axis], values: grid.y.values },
      metric: { name: grid.metric, unit: metric.unit, lower_is_better: metric.lowerIsBetter },
      values,
    },
    cells,
    inputs: { mix: grid.mix, ...(grid.llm ? { llm: grid.llm } : {}), slo: grid.slo, ...(grid.gpus ? { gpus: grid.gpus } : {}), seed: grid.seed, duration_s: grid.durationS, objective: grid.objective, check: grid.check, fixed: grid.fixed },
  };
}
