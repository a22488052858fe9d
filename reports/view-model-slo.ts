/**
 * SLO targets against measured values. A simulation result carries percentile summaries, so an absolute target
 * on p50/p90/p95/p99 can be compared here; slowdown targets need each conversation's standalone latency, which
 * only the validator has, so they are listed as not compared rather than guessed. Pure.
 */
import { formatChange, formatNumber, formatShare } from './format.js';
import type { SimulationResult, SloVerdict } from './result-types.js';
import { column, numberCell, readArray, readNumber, readRecord, readString, table, tableBlock, textCell, verdictCell } from './view-model-blocks.js';
import { formatLatency } from './view-model-simulation.js';
import type { Block } from './view-model-types.js';

export interface SloComparison {
  readonly metric: string;
  readonly percentile: number | undefined;
  readonly target: string;
  readonly measured: string;
  /** undefined when the result cannot decide (slowdown target, or a percentile the summary lacks). */
  readonly pass: boolean | undefined;
}

function unitOf(metric: string): 's' | 'ms' {
  return metric.endsWith('_ms') ? 'ms' : 's';
}

/** Compares every target of an SLO set (file or typed form) with a run's summaries. */
export function compareSloTargets(sim: SimulationResult | undefined, slo: unknown): SloComparison[] {
  const record = readRecord(slo);
  const out: SloComparison[] = [];
  for (const raw of readArray(record?.['targets'])) {
    const t = readRecord(raw) ?? {};
    const metric = readString(t['metric']) ?? '—';
    const percentile = readNumber(t['percentile']);
    const slowdown = readNumber(t['max_slowdown'] ?? t['maxSlowdown']);
    const bound = readNumber(t['max_value'] ?? t['maxValue'] ?? t['max'] ?? t['target'] ?? t['value']);
    const summary = readRecord(sim ? (sim as unknown as Record<string, unknown>)[metric] : undefined);
    const measured = percentile === undefined ? undefined : readNumber(summary?.[`p${percentile}`]);
    const unit = unitOf(metric);
    if (slowdown !== undefined) {
      out.push({ metric, percentile, target: `≤ ${formatNumber(slowdown)} × standalone`, measured: 'needs standalone latencies (see validate)', pass: undefined });
    } else {
      out.push({ metric, percentile, target: `≤ ${formatLatency(unit, bound)}`, measured: formatLatency(unit, measured), pass: measured === undefined || bound === undefined ? undefined : measured <= bound });
    }
  }
  const attainment = readNumber(record?.['attainment']);
  if (attainment !== undefined) {
    const measured = readNumber(sim?.slo_attainment);
    out.push({ metric: 'slo_attainment', percentile: undefined, target: `≥ ${formatShare(attainment)}`, measured: formatShare(measured), pass: measured === undefined ? undefined : measured >= attainment });
  }
  return out;
}

/** The table of SLO targets against a run's measured values. */
export function buildSloComparisonTable(comparisons: readonly SloComparison[], id: string): Block {
  const rows = comparisons.map((c) => [
    textCell(c.metric, { strong: true }), numberCell(c.percentile === undefined ? '—' : `p${formatNumber(c.percentile)}`),
    numberCell(c.measured), numberCell(c.target), verdictCell(c.pass),
  ]);
  return tableBlock(table(id, 'SLO targets against the simulated run', [column('metric'), column('percentile', true), column('measured', true), column('target', true), column('verdict')], rows));
}

/** Relative headroom of a validated SLO: (target − value) / target; negative when it misses. */
export function computeHeadroom(verdict: SloVerdict): number | undefined {
  const value = readNumber(verdict.value);
  const target = readNumber(verdict.target);
  if (value === undefined || target === undefined || target === 0) return undefined;
  return verdict.metric === 'slo_attainment' ? (value - target) / target : (target - value) / target;
}

/** A validated SLO's value or target in its metric's unit. */
export function formatSloValue(metric: string | undefined, value: unknown): string {
  if (metric === 'slo_attainment') return formatShare(value);
  if (metric?.endsWith('_ms') || metric?.endsWith('_s')) return formatLatency(unitOf(metric), value);
  return formatNumber(value);
}

/** The validator's per-SLO verdicts as a table (one row per SLO and class). */
export function buildSloVerdictTable(slos: readonly SloVerdict[], id: string): Block {
  const rows = slos.map((s) => [
    textCell(readString(s.name) ?? readString(s.metric) ?? '—', { strong: true }), textCell(readString(s.class) ?? 'all'),
    numberCell(readNumber(s.percentile) === undefined ? '—' : `p${formatNumber(s.percentile)}`),
    numberCell(formatSloValue(s.metric, s.value)), numberCell(formatSloValue(s.metric, s.target)),
    numberCell(formatChange(computeHeadroom(s)), { status: s.pass === false ? 'fail' : null }), verdictCell(typeof s.pass === 'boolean' ? s.pass : undefined),
  ]);
  const columns = [column('SLO'), column('class'), column('percentile', true), column('measured', true), column('target', true), column('headroom', true), column('verdict')];
  return tableBlock(table(id, 'Every SLO, per class', columns, rows, 'Headroom is (target − measured) / target: negative means the SLO is missed by that share.'));
}
