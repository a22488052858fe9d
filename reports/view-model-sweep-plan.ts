/**
 * The view model of a sweep (`fleetplan sweep` / `merge`): a plan-kind document with a `sweep` grid and one
 * `cells` entry per scenario, but no single fleet. It is shown as the grid and its cells, not as an empty bill.
 * Pure.
 */
import { formatCount, formatNumber, formatUsd } from './format.js';
import type { PlanResult } from './result-types.js';
import { chartBlock, column, fact, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString, section, table, tableBlock, textCell, verdictCell } from './view-model-blocks.js';
import { buildInputsSection, describeReference } from './view-model-inputs.js';
import { buildSweepHeatmap } from './view-model-sweep.js';
import type { Block, ReportViewModel, Section, Verdict } from './view-model-types.js';

/** True for a plan-kind document that is a sweep: a grid and cells, no instances of its own. */
export function isSweepDocument(plan: PlanResult): boolean {
  const record = plan as unknown as Record<string, unknown>;
  return plan.sweep !== undefined && Array.isArray(record['cells']) && plan.instances === undefined;
}

function describeScales(scales: Record<string, unknown> | undefined): string {
  if (!scales) return '—';
  return Object.keys(scales).map((k) => `${k.replace(/_scale$/, '').replace(/_/g, ' ')} ×${formatNumber(scales[k])}`).join(', ');
}

function describeCellFleet(instances: unknown): string {
  const list = readArray(instances).map((i) => readRecord(i) ?? {});
  if (list.length === 0) return '—';
  return list.map((i) => `${formatCount(i['count'])} × ${readString(i['pool']) ?? readString(i['gpu']) ?? '?'}`).join(' + ');
}

function buildCellsTable(cells: ReadonlyArray<Record<string, unknown>>): Block {
  const rows = cells.map((c) => [
    numberCell(formatCount((readNumber(c['index']) ?? 0) + 1)), textCell(describeScales(readRecord(c['scales']))),
    textCell(c['ok'] === false ? `no plan${readString(c['reason']) ? `: ${readString(c['reason'])}` : ''}` : describeCellFleet(c['instances'])),
    numberCell(formatCount(c['gpus'])), numberCell(formatUsd(c['tco_usd'])),
    numberCell(readNumber(c['j_per_output_token']) === undefined ? '—' : `${formatNumber(c['j_per_output_token'])} J`),
    typeof c['holds'] === 'boolean' ? verdictCell(c['holds']) : textCell('not checked'),
  ]);
  const columns = [column('cell', true), column('scenario'), column('fleet (pool: GPU/TP/role/power)'), column('GPUs', true), column('TCO', true), column('energy per output token', true), column('kernel check')];
  return tableBlock(table('sweep-cells', 'Every cell of the sweep', columns, rows, 'A cell that is "not checked" was planned by the LP only (the grid asked for check: false).'));
}

/** Builds the view model of a sweep document. */
export function buildSweepPlanViewModel(plan: PlanResult): Omit<ReportViewModel, 'footer'> {
  const record = plan as unknown as Record<string, unknown>;
  const cells = readArray(record['cells']).map((c) => readRecord(c) ?? {});
  const planned = cells.filter((c) => c['ok'] !== false).length;
  const held = cells.filter((c) => c['holds'] === true).length;
  const failed = cells.filter((c) => c['holds'] === false).length;
  const checked = cells.some((c) => typeof c['holds'] === 'boolean');
  const status = planned < cells.length || failed > 0 ? 'fail' : checked ? 'pass' : 'info';
  const verdict: Verdict = {
    status, label: status === 'fail' ? 'GAPS' : checked ? 'ALL HOLD' : 'PLANNED',
    headline: `${planned} of ${cells.length} scenarios have a plan${checked ? `; ${held} hold in the kernel` : '; none was checked in the kernel'}.`,
    points: [...(failed > 0 ? [`${failed} planned scenario${failed === 1 ? '' : 's'} missed an SLO in the kernel.`] : []), ...(planned < cells.length ? [`${cells.length - planned} scenario${cells.length - planned === 1 ? '' : 's'} had no feasible plan.`] : [])],
  };
  const costs = cells.map((c) => readNumber(c['tco_usd'])).filter((v): v is number => v !== undefined);
  const sections: Section[] = [];
  const heatmap = buildSweepHeatmap(plan.sweep, 'sweep');
  sections.push(section('sweep', 'Scenario sweep', [paragraphsBlock(['Each cell is a separate plan for the mix scaled as its row and column say.']), ...(heatmap ? [chartBlock(heatmap)] : []), buildCellsTable(cells)]));
  sections.push(buildInputsSection(plan.inputs));
  const mix = describeReference(plan.inputs?.mix);
  const keyFacts = [
    fact('Scenarios', formatCount(cells.length)), fact('With a plan', formatCount(planned)),
    fact('Cheapest', costs.length === 0 ? '—' : formatUsd(Math.min(...costs))), fact('Dearest', costs.length === 0 ? '—' : formatUsd(Math.max(...costs))),
  ];
  return { kind: 'plan', title: `Scenario sweep${mix ? ` for ${mix}` : ''}`, subtitle: '', verdict, keyFacts, sections };
}
