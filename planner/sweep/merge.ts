/**
 * Shard documents and the merge step. A shard document carries the grid it came from (normalised) and its cells;
 * merging checks that every shard ran the same grid and that together they cover every cell exactly once, then
 * emits one result whose `sweep` block is what reports read (reports/result-types.ts SweepGrid). The unsharded
 * run is the merge of its single shard, so merged shards equal it byte for byte.
 */
import { inputError } from '../../catalogs/issues.js';
import { AXES, METRICS, type AxisName, type GridSpec, type Shard } from './grid.js';
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
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumberOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/**
 * A shard file as `sweep --shard` writes it, checked field by field: a corrupted or hand-edited shard is one line
 * naming the file and field (it used to reach the merge as a TypeError with a stack).
 */
export function checkShardDocument(doc: unknown, file: string): ShardDocument {
  const fail = (path: string, found: string, expected: string): never => {
    throw inputError('invalid_value', file, path, `found ${found}, expected ${expected}`);
  };
  const shape = (v: unknown) => (v === undefined ? 'nothing' : v === null ? 'null' : Array.isArray(v) ? `a list of ${v.length}` : typeof v === 'string' ? (v.length <= 24 ? JSON.stringify(v) : 'a string') : typeof v === 'object' ? 'an object' : String(v));
  if (!isRecord(doc) || doc.kind !== 'sweep-shard') fail('kind', isRecord(doc) ? shape(doc.kind) : shape(doc), 'a "sweep-shard" document (fleetplan sweep --shard i/n --out FILE)');
  const d = doc as Record<string, unknown>;
  const grid = d.grid;
  if (!isRecord(grid)) fail('grid', shape(grid), 'the grid object sweep wrote');
  const g = grid as Record<string, unknown>;
  for (const axis of ['x', 'y'] as const) {
    const a = g[axis];
    if (!isRecord(a) || !AXES.includes(a.axis as AxisName)) fail(`grid.${axis}.axis`, isRecord(a) ? shape(a.axis) : shape(a), `one of ${AXES.join(', ')}`);
    const values = (a as Record<string, unknown>).values;
    if (!Array.isArray(values) || values.length === 0 || values.length > 10_000 || values.some((v) => typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) fail(`grid.${axis}.values`, shape(values), 'a list of 1 to 10,000 positive finite numbers');
  }
  if (!(typeof g.metric === 'string' && g.metric in METRICS)) fail('grid.metric', shape(g.metric), `one of ${Object.keys(METRICS).join(', ')}`);
  const total = ((g.x as { values: number[] }).values.length) * ((g.y as { values: number[] }).values.length);
  if (!Array.isArray(d.cells)) fail('cells', shape(d.cells), 'a list of cell results');
  (d.cells as unknown[]).forEach((cell, i) => {
    const at = `cells[${i}]`;
    if (!isRecord(cell)) fail(at, shape(cell), 'a cell result object');
    const c = cell as Record<string, unknown>;
    if (!(Number.isInteger(c.index) && (c.index as number) >= 0 && (c.index as number) < total)) fail(`${at}.index`, shape(c.index), `an integer from 0 to ${total - 1}`);
    if (typeof c.ok !== 'boolean') fail(`${at}.ok`, shape(c.ok), 'true or false');
    if (!(c.holds === null || typeof c.holds === 'boolean')) fail(`${at}.holds`, shape(c.holds), 'true, false or null');
    for (const k of ['tco_usd', 'j_per_output_token', 'gpus'] as const) if (!isNumberOrNull(c[k])) fail(`${at}.${k}`, shape(c[k]), 'a finite number or null');
    if (!isRecord(c.scales) || !Array.isArray(c.instances) || typeof c.rounds !== 'number') fail(at, 'a cell without scales, instances or rounds', 'a cell result as sweep writes it');
  });
  return doc as unknown as ShardDocument;
}

export function mergeShards(shards: ReadonlyArray<{ readonly file: string; readonly doc: unknown }>) {
  if (shards.length === 0) throw inputError('usage', '', 'shards', 'found no shard files, expected one or more');
  const docs = shards.map(({ file, doc }) => ({ file, doc: checkShardDocument(doc, file) }));
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
