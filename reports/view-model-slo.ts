/**
 * SLO targets against measured values. A simulation result carries the kernel's own verdicts (`slo`) and slowdown
 * summaries (each conversation's latency over its standalone latency); older results without them are compared
 * from their percentile summaries, and a slowdown target nothing can decide is said to be undecided. Pure.
 */
import { formatChange, formatNumber, formatShare } from './format.js';
import type { SimulationResult, SloVerdict } from './result-types.js';
import { column, numberCell, readArray, readNumber, readRecord, readString, table, tableBlock, textCell, verdictCell } from './view-model-blocks.js';
import { formatLatency, LATENCY_METRICS } from './view-model-simulation.js';
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

/** The summary key of a slowdown metric: `ttfet_s` → `ttfet`, `last_turn_tbt_ms` → `last_turn_tbt`. */
function slowdownKey(metric: string): string {
  return metric.replace(/_(s|ms)$/, '');
}

/** The measured value of a target: the latency percentile, or the slowdown percentile for slowdown targets. */
function readMeasured(sim: SimulationResult | undefined, metric: string, percentile: number | undefined, slowdown: boolean): number | undefined {
  if (!sim || percentile === undefined) return undefined;
  const record = sim as unknown as Record<string, unknown>;
  const summary = slowdown ? readRecord(readRecord(record['slowdown'])?.[slowdownKey(metric)]) : readRecord(record[metric]);
  return readNumber(summary?.[`p${percentile}`]);
}

function describeTarget(metric: string, slowdown: boolean, bound: number | undefined): string {
  return slowdown ? `≤ ${formatNumber(bound)} × standalone` : `≤ ${formatLatency(unitOf(metric), bound)}`;
}

function describeMeasured(metric: string, slowdown: boolean, value: number | undefined): string {
  if (value === undefined) return slowdown ? 'not in this result (run fleetplan validate)' : '—';
  return slowdown ? `${formatNumber(value)} × standalone` : formatLatency(unitOf(metric), value);
}

/**
 * The producer's own verdicts (`sim.slo`: targets with kind, bound, value, met; required_attainment), which the
 * kernel computed from each conversation's standalone latency, so slowdown targets are decided too.
 */
function readVerdicts(sim: SimulationResult | undefined): SloComparison[] | undefined {
  const slo = readRecord(sim?.slo);
  const targets = readArray(slo?.['targets']).map((t) => readRecord(t) ?? {});
  if (!slo || targets.length === 0) return undefined;
  const out: SloComparison[] = targets.map((t) => {
    const metric = readString(t['metric']) ?? '—';
    const slowdown = readString(t['kind']) === 'slowdown';
    const value = readNumber(t['value']);
    const met = t['met'];
    return { metric, percentile: readNumber(t['percentile']), target: describeTarget(metric, slowdown, readNumber(t['bound'])), measured: describeMeasured(metric, slowdown, value), pass: typeof met === 'boolean' ? met : undefined };
  });
  const attainment = readNumber(slo['required_attainment']);
  const measured = readNumber(sim?.slo_attainment);
  if (attainment !== undefined) out.push({ metric: 'slo_attainment', percentile: undefined, target: `≥ ${formatShare(attainment)}`, measured: formatShare(measured), pass: measured === undefined ? undefined : measured >= attainment });
  return out;
}

/**
 * Compares every target of an SLO set with a run. The run's own verdicts (`sim.slo`) win when present; otherwise
 * the SLO set given (file or typed form) is checked against the run's latency and slowdown summaries.
 */
export function compareSloTargets(sim: SimulationResult | undefined, slo: unknown): SloComparison[] {
  const verdicts = readVerdicts(sim);
  if (verdicts) return verdicts;
  const record = readRecord(slo);
  const out: SloComparison[] = [];
  for (const raw of readArray(record?.['targets'])) {
    const t = readRecord(raw) ?? {};
    const metric = readString(t['metric']) ?? '—';
    const percentile = readNumber(t['percentile']);
    const slowdownBound = readNumber(t['max_slowdown'] ?? t['maxSlowdown']);
    const slowdown = slowdownBound !== undefined;
    const bound = slowdown ? slowdownBound : readNumber(t['max_value'] ?? t['maxValue'] ?? t['max'] ?? t['target'] ?? t['value']);
    const measured = readMeasured(sim, metric, percentile, slowdown);
    out.push({ metric, percentile, target: describeTarget(metric, slowdown, bound), measured: describeMeasured(metric, slowdown, measured), pass: measured === undefined || bound === undefined ? undefined : measured <= bound });
  }
  const attainment = readNumber(record?.['attainment']);
  if (attainment !== undefined) {
    const measured = readNumber(sim?.slo_attainment);
    out.push({ metric: 'slo_attainment', percentile: undefined, target: `≥ ${formatShare(attainment)}`, measured: formatShare(measured), pass: measured === undefined ? undefined : measured >= attainment });
  }
  return out;
}

/** A metric id in words, e.g. `last_turn_tbt_ms` → "Last-turn TBT (last_turn_tbt_ms)". */
export function describeMetric(metric: string): string {
  const known = LATENCY_METRICS.find((m) => m.key === metric);
  if (known) return `${known.label} (${metric})`;
  return metric === 'slo_attainment' ? 'SLO attainment' : metric;
}

/** The table of SLO targets against a run's measured values. */
export function buildSloComparisonTable(comparisons: readonly SloComparison[], id: string): Block {
  const rows = comparisons.map((c) => [
    textCell(describeMetric(c.metric), { strong: true }), numberCell(c.percentile === undefined ? '—' : `p${formatNumber(c.percentile)}`),
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

/** A validator verdict on a slowdown target (value and target are factors of standalone latency, not seconds). */
export function isSlowdownVerdict(verdict: SloVerdict): boolean {
  const record = verdict as unknown as Record<string, unknown>;
  return record['kind'] === 'slowdown' || /slowdown/.test(readString(verdict.name) ?? '');
}

/** A validated SLO's value or target in its metric's unit. */
export function formatSloValue(metric: string | undefined, value: unknown, slowdown = false): string {
  if (slowdown) return readNumber(value) === undefined ? '—' : `${formatNumber(value)}× standalone`;
  if (metric === 'slo_attainment') return formatShare(value);
  if (metric?.endsWith('_ms') || metric?.endsWith('_s')) return formatLatency(unitOf(metric), value);
  return formatNumber(value);
}

/** The validator's per-SLO verdicts as a table (one row per SLO and class). */
export function buildSloVerdictTable(slos: readonly SloVerdict[], id: string): Block {
  const rows = slos.map((s) => [
    textCell(readString(s.name) ?? readString(s.metric) ?? '—', { strong: true }), textCell(readString(s.class) ?? 'all'),
    numberCell(readNumber(s.percentile) === undefined ? '—' : `p${formatNumber(s.percentile)}`),
    numberCell(formatSloValue(s.metric, s.value, isSlowdownVerdict(s))), numberCell(formatSloValue(s.metric, s.target, isSlowdownVerdict(s))),
    numberCell(formatChange(computeHeadroom(s)), { status: s.pass === false ? 'fail' : null }), verdictCell(typeof s.pass === 'boolean' ? s.pass : undefined),
  ]);
  const columns = [column('SLO'), column('class'), column('percentile', true), column('measured', true), column('target', true), column('headroom', true), column('verdict')];
  return tableBlock(table(id, 'Every SLO, per class', columns, rows, 'Headroom is (target − measured) / target: negative means the SLO is missed by that share.'));
}
