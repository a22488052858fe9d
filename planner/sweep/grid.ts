/**
 * Scenario grids: a two-axis grid of plans, each cell the same planning problem with the traffic, the SLOs or the
 * GPU prices scaled. The grid file (YAML or JSON):
 *
 * ```yaml
 * kind: sweep
 * title: TCO by traffic and SLO          # optional
 * mix: coding-agent                      # id or file, as `plan --mix`
 * llm: llama-3.1-70b                     # optional when the mix names one
 * slo: standard                          # base SLO set (id or file)
 * gpus: [h100-sxm, l40s]                 # optional, default every catalog GPU
 * precisions: [bf16, fp8]                # optional, default every format each GPU has
 * objective: tco                         # tco | energy | gpus
 * metric: tco_usd                        # tco_usd | j_per_output_token | gpus | holds (1/0)
 * check: true                            # run every cell's plan through the kernel loop (default true)
 * duration_s: 600                        # simulated seconds per kernel check (default 600)
 * seed: 1
 * x: { axis: rate_scale, values: [0.5, 1, 2] }     # × every class's arrival rate
 * y: { axis: slo_scale, values: [1, 1.5, 2] }      # × every SLO bound (absolute or slowdown)
 * fixed: { price_scale: 1.2 }            # optional: the third axis held at one value
 * ```
 * Axes: `rate_scale`, `slo_scale`, `price_scale` (× each GPU's capex and rent). A rate × SLO × price study is one
 * grid per value of the third axis (`fixed`). Cells are numbered row-major (row = y index); `--shard i/n` takes the
 * cells whose number ≡ i − 1 (mod n), so any n splits the grid deterministically.
 */
import { inputError } from '../../catalogs/issues.js';
import { PRECISIONS } from '../../catalogs/precision.js';
import type { Precision } from '../../catalogs/types.js';
import type { Objective } from '../types.js';

export const AXES = ['rate_scale', 'slo_scale', 'price_scale'] as const;
export type AxisName = (typeof AXES)[number];
export const METRICS = { tco_usd: { unit: 'USD', lowerIsBetter: true }, j_per_output_token: { unit: 'J/token', lowerIsBetter: true }, gpus: { unit: 'GPUs', lowerIsBetter: true }, holds: { unit: '1 = holds', lowerIsBetter: false } } as const;
export type SweepMetric = keyof typeof METRICS;

export interface GridSpec {
  readonly title?: string;
  readonly mix: string;
  readonly llm?: string;
  readonly slo: string;
  readonly gpus?: readonly string[];
  readonly precisions?: readonly Precision[];
  readonly objective: Objective;
  readonly metric: SweepMetric;
  readonly check: boolean;
  readonly durationS: number;
  readonly seed: number;
  readonly x: { readonly axis: AxisName; readonly values: readonly number[] };
  readonly y: { readonly axis: AxisName; readonly values: readonly number[] };
  readonly fixed: Partial<Record<AxisName, number>>;
}

/** One cell: its number, position and the scale on every axis (1 where the grid does not vary it). */
export interface Cell {
  readonly index: number;
  readonly row: number;
  readonly col: number;
  readonly scales: Record<AxisName, number>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function axisOf(doc: Record<string, unknown>, key: 'x' | 'y', file: string): GridSpec['x'] {
  const a = doc[key];
  if (!isRecord(a)) throw inputError('invalid_value', file, key, `found ${JSON.stringify(a)}, expected {axis, values}`);
  if (!AXES.includes(a.axis as AxisName)) throw inputError('invalid_value', file, `${key}.axis`, `found ${JSON.stringify(a.axis)}, expected one of ${AXES.join(', ')}`);
  const values = a.values;
  if (!Array.isArray(values) || values.length === 0) throw inputError('invalid_value', file, `${key}.values`, `found ${JSON.stringify(values)}, expected a non-empty list of positive numbers`);
  values.forEach((v, i) => {
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw inputError('invalid_value', file, `${key}.values.${i}`, `found ${JSON.stringify(v)}, expected a positive number`);
  });
  return { axis: a.axis as AxisName, values: values as number[] };
}

/** Validates a parsed grid document (InputError with the file and the field path on bad input). */
export function parseGridSpec(doc: unknown, file: string): GridSpec {
  if (!isRecord(doc)) throw inputError('invalid_value', file, '', 'found a non-object document, expected a sweep grid');
  if (doc.kind !== 'sweep') throw inputError('invalid_value', file, 'kind', `found ${JSON.stringify(doc.kind)}, expected "sweep"`);
  const str = (k: string, required: boolean): string | undefined => {
    const v = doc[k];
    if (v === undefined && !required) return undefined;
    if (typeof v !== 'string' || v === '') throw inputError('invalid_value', file, k, `found ${JSON.stringify(v)}, expected a string`);
    return v;
  };
  const num = (k: string, fallback: number, integer: boolean): number => {
    const v = doc[k] ?? fallback;
    if (typeof v !== 'number' || !(v > 0 || (integer && v === 0)) || (integer && !Number.isInteger(v))) throw inputError('invalid_value', file, k, `found ${JSON.stringify(v)}, expected a ${integer ? 'non-negative integer' : 'positive number'}`);
    return v;
  };
  const objective = (doc.objective ?? 'tco') as Objective;
  if (!['tco', 'energy', 'gpus'].includes(objective)) throw inputError('invalid_value', file, 'objective', `found ${JSON.stringify(doc.objective)}, expected tco, energy or gpus`);
  const metric = (doc.metric ?? 'tco_usd') as SweepMetric;
  if (!(metric in METRICS)) throw inputError('invalid_value', file, 'metric', `found ${JSON.stringify(doc.metric)}, expected one of ${Object.keys(METRICS).join(', ')}`);
  const gpus = doc.gpus;
  if (gpus !== undefined && (!Array.isArray(gpus) || gpus.length === 0 || gpus.some((g) => typeof g !== 'string'))) throw inputError('invalid_value', file, 'gpus', `found ${JSON.stringify(gpus)}, expected a non-empty list of GPU ids`);
  const precisions = doc.precisions;
  if (precisions !== undefined && (!Array.isArray(precisions) || precisions.length === 0 || precisions.some((p) => !(PRECISIONS as readonly unknown[]).includes(p)))) {
    throw inputError('invalid_value', file, 'precisions', `found ${JSON.stringify(precisions)}, expected a non-empty list of ${PRECISIONS.join(', ')}`);
  }
  if (doc.check !== undefined && typeof doc.check !== 'boolean') throw inputError('invalid_value', file, 'check', `found ${JSON.stringify(doc.check)}, expected true or false`);
  const x = axisOf(doc, 'x', file);
  const y = axisOf(doc, 'y', file);
  if (x.axis === y.axis) throw inputError('invalid_value', file, 'y.axis', `found ${y.axis} on both axes, expected two different axes`);
  const fixed: Partial<Record<AxisName, number>> = {};
  if (doc.fixed !== undefined) {
    if (!isRecord(doc.fixed)) throw inputError('invalid_value', file, 'fixed', `found ${JSON.stringify(doc.fixed)}, expected {axis: value}`);
    for (const [k, v] of Object.entries(doc.fixed)) {
      if (!AXES.includes(k as AxisName) || k === x.axis || k === y.axis) throw inputError('invalid_value', file, `fixed.${k}`, `found ${k}, expected an axis the grid does not vary (${AXES.filter((a) => a !== x.axis && a !== y.axis).join(', ')})`);
      if (typeof v !== 'number' || !(v > 0)) throw inputError('invalid_value', file, `fixed.${k}`, `found ${JSON.stringify(v)}, expected a positive number`);
      fixed[k as AxisName] = v;
    }
  }
  return {
    ...(doc.title !== undefined ? { title: str('title', true)! } : {}),
    mix: str('mix', true)!,
    ...(doc.llm !== undefined ? { llm: str('llm', true)! } : {}),
    slo: str('slo', false) ?? 'standard',
    ...(gpus !== undefined ? { gpus: gpus as string[] } : {}),
    ...(precisions !== undefined ? { precisions: precisions as Precision[] } : {}),
    objective,
    metric,
    check: (doc.check as boolean | undefined) ?? true,
    durationS: num('duration_s', 600, false),
    seed: num('seed', 1, true),
    x,
    y,
    fixed,
  };
}

/** Every cell of the grid, row-major. */
export function enumerateCells(spec: GridSpec): Cell[] {
  const cells: Cell[] = [];
  spec.y.values.forEach((yv, row) =>
    spec.x.values.forEach((xv, col) => {
      const scales: Record<AxisName, number> = { rate_scale: 1, slo_scale: 1, price_scale: 1, ...spec.fixed };
      scales[spec.x.axis] = xv;
      scales[spec.y.axis] = yv;
      cells.push({ index: row * spec.x.values.length + col, row, col, scales });
    }),
  );
  return cells;
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(index >= 1 && count >= 1 && index <= count)) throw inputError('usage', '', '--shard', `found "${text}", expected i/n with 1 ≤ i ≤ n, e.g. 2/4`);
  return { index, count };
}

/** The cells of one shard: numbers ≡ index − 1 (mod count). */
export function selectShard(cells: readonly Cell[], shard: Shard): Cell[] {
  return cells.filter((c) => c.index % shard.count === shard.index - 1);
}
