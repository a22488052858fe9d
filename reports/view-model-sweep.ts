/** View-model parts for sweeps: the cost–energy Pareto front and scenario heat-maps. Pure. */
import { markParetoFront } from './charts/scatter.js';
import type { HeatmapChart, ScatterChart } from './charts/types.js';
import { formatNumber, formatUsd } from './format.js';
import type { SweepGrid } from './result-types.js';
import { column, numberCell, readArray, readNumber, readRecord, readString, table, tableBlock, textCell } from './view-model-blocks.js';
import type { Block } from './view-model-types.js';

interface ParetoPoint {
  readonly costUsd: number;
  readonly joulesPerOutputToken: number;
  readonly label: string;
}

function readParetoPoints(pareto: unknown): ParetoPoint[] {
  return readArray(pareto).flatMap((raw, i) => {
    const p = readRecord(raw);
    const cost = readNumber(p?.['cost_usd']);
    const energy = readNumber(p?.['energy_j_per_output_token']);
    if (cost === undefined || energy === undefined) return [];
    return [{ costUsd: cost, joulesPerOutputToken: energy, label: readString(p?.['label']) ?? `plan ${i + 1}` }];
  });
}

/**
 * The Pareto chart and its table. `chosen` (the plan's own cost and energy) is ringed when it matches a point
 * (within 1e-9 relative); otherwise it is added as its own point.
 */
export function buildParetoBlocks(pareto: unknown, chosen: { readonly costUsd?: number; readonly joulesPerOutputToken?: number }): Block[] {
  const points = readParetoPoints(pareto);
  if (points.length === 0) return [];
  const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const { costUsd, joulesPerOutputToken } = chosen;
  const hasChosen = costUsd !== undefined && joulesPerOutputToken !== undefined;
  let chosenIndex = hasChosen ? points.findIndex((p) => near(p.costUsd, costUsd) && near(p.joulesPerOutputToken, joulesPerOutputToken)) : -1;
  const all = [...points];
  if (hasChosen && chosenIndex < 0) {
    all.push({ costUsd, joulesPerOutputToken, label: 'this plan' });
    chosenIndex = all.length - 1;
  }
  const front = markParetoFront(all.map((p) => [p.costUsd, p.joulesPerOutputToken]));
  const chart: ScatterChart = {
    type: 'scatter', id: 'pareto', title: 'Cost–energy Pareto front',
    description: 'Each point is a plan found by the sweep: total cost against energy per output token; the joined points are those no other plan beats on both.',
    xLabel: 'total cost of ownership (USD)', yLabel: 'energy per output token (J)',
    points: all.map((p, i) => ({ x: p.costUsd, y: p.joulesPerOutputToken, label: `${p.label}: ${formatUsd(p.costUsd)}, ${formatNumber(p.joulesPerOutputToken)} J/token`, onFront: front[i], chosen: i === chosenIndex })),
  };
  const sorted = all.map((p, i) => ({ p, i })).sort((a, b) => a.p.costUsd - b.p.costUsd || a.p.joulesPerOutputToken - b.p.joulesPerOutputToken);
  const rows = sorted.map(({ p, i }) => [
    textCell(p.label, { strong: i === chosenIndex }), numberCell(formatUsd(p.costUsd)), numberCell(`${formatNumber(p.joulesPerOutputToken)} J`),
    textCell(front[i] ? 'yes' : 'no (dominated)'), textCell(i === chosenIndex ? 'chosen' : ''),
  ]);
  const columns = [column('plan'), column('cost', true), column('energy per output token', true), column('on the front'), column('')];
  return [{ paragraphs: null, facts: null, table: null, chart, code: null }, tableBlock(table('pareto-points', 'Plans of the cost–energy sweep', columns, rows))];
}

function axisLabel(axis: { readonly name?: unknown; readonly unit?: unknown } | undefined): string {
  const name = readString(axis?.name) ?? '—';
  const unit = readString(axis?.unit);
  return unit ? `${name} (${unit})` : name;
}

/** A heat-map of a scenario grid; none when the grid is missing or malformed (rows × columns must match). */
export function buildSweepHeatmap(sweep: SweepGrid | undefined, id: string): HeatmapChart | null {
  const grid = readRecord(sweep);
  if (!grid) return null;
  const x = readRecord(grid['x']);
  const y = readRecord(grid['y']);
  const metric = readRecord(grid['metric']);
  const columns = readArray(x?.['values']).map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
  const rows = readArray(y?.['values']).map((v) => (typeof v === 'number' ? formatNumber(v) : String(v)));
  const values = readArray(grid['values']).map((row) => readArray(row).map((v) => readNumber(v) ?? null));
  if (columns.length === 0 || rows.length === 0 || values.length !== rows.length || values.some((r) => r.length !== columns.length)) return null;
  const metricName = readString(metric?.['name']) ?? 'value';
  const unit = readString(metric?.['unit']);
  const valueLabel = unit ? `${metricName} (${unit})` : metricName;
  return {
    type: 'heatmap', id, title: readString(grid['title']) ?? `Sweep: ${valueLabel}`,
    description: `${valueLabel} for every scenario of the sweep, ${axisLabel(y as never)} by ${axisLabel(x as never)}; empty cells had no result.`,
    xLabel: axisLabel(x as never), yLabel: axisLabel(y as never), columns, rows, values,
    cellText: values.map((r) => r.map((v) => (v === null ? 'no result' : formatNumber(v)))),
    valueLabel, lowerIsBetter: metric?.['lower_is_better'] !== false,
  };
}
