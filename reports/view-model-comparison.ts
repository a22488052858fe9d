/** The view model of a policy comparison: same fleet, same stream, different scheduling decisions. Pure. */
import type { BarChart } from './charts/types.js';
import { formatBytes, formatChange, formatCount, formatJoules, formatNumber, formatSeconds, formatShare, formatWithUnit } from './format.js';
import type { ComparisonResult, ResultInputs, SimulationResult } from './result-types.js';
import { buildPaperSection } from './view-model-paper.js';
import { chartBlock, column, fact, factsBlock, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString, section, table, tableBlock, textCell } from './view-model-blocks.js';
import { buildInputsSection, describeReference } from './view-model-inputs.js';
import { buildCdfCharts, buildPoolTable } from './view-model-simulation.js';
import { buildSweepHeatmap } from './view-model-sweep.js';
import type { Block, Fact, ReportViewModel, Section, Verdict } from './view-model-types.js';

interface Run {
  readonly name: string;
  readonly sim: SimulationResult;
}

/** The compared figures: how to read each from a run, how to show it, and which direction is better. */
const COLUMNS = [
  { group: 'latency', label: 'p95 TTFET', read: (s: SimulationResult) => s.ttfet_s?.p95, show: formatSeconds, lowerIsBetter: true },
  { group: 'latency', label: 'p95 TTFET slowdown', read: (s: SimulationResult) => readNumber(readRecord(readRecord(s.slowdown)?.['ttfet'])?.['p95']), show: (v: unknown) => (readNumber(v) === undefined ? '—' : `${formatNumber(v)}×`), lowerIsBetter: true },
  { group: 'latency', label: 'p95 TTFT (turns ≥ 2)', read: (s: SimulationResult) => s.ttft_s?.p95, show: formatSeconds, lowerIsBetter: true },
  { group: 'latency', label: 'p95 TBT', read: (s: SimulationResult) => s.tbt_ms?.p95, show: (v: unknown) => formatWithUnit(v, 'ms'), lowerIsBetter: true },
  { group: 'latency', label: 'last-turn p95 TBT', read: (s: SimulationResult) => s.last_turn_tbt_ms?.p95, show: (v: unknown) => formatWithUnit(v, 'ms'), lowerIsBetter: true },
  { group: 'latency', label: 'SLO attainment', read: (s: SimulationResult) => s.slo_attainment, show: (v: unknown) => formatShare(v), lowerIsBetter: false },
  { group: 'energy', label: 'tokens per J', read: (s: SimulationResult) => s.tokens_per_j, show: formatNumber, lowerIsBetter: false },
  { group: 'energy', label: 'output tokens per J', read: (s: SimulationResult) => s.output_tokens_per_j, show: formatNumber, lowerIsBetter: false },
  { group: 'energy', label: 'energy per conversation', read: (s: SimulationResult) => s.energy_per_conversation_j, show: formatJoules, lowerIsBetter: true },
  { group: 'energy', label: 'KV transfers', read: (s: SimulationResult) => s.kv_transfers, show: formatCount, lowerIsBetter: true },
  { group: 'energy', label: 'KV bytes moved', read: (s: SimulationResult) => s.kv_transfer_bytes, show: formatBytes, lowerIsBetter: true },
  { group: 'energy', label: 'preemptions', read: (s: SimulationResult) => s.preemptions, show: formatCount, lowerIsBetter: true },
] as const;

function findColumn(label: (typeof COLUMNS)[number]['label']): (typeof COLUMNS)[number] {
  return COLUMNS.find((c) => c.label === label) ?? COLUMNS[0];
}

function readRuns(result: ComparisonResult): Run[] {
  return readArray(result.policies).map((raw, i) => {
    const sim = (readRecord(raw) ?? {}) as unknown as SimulationResult;
    return { name: readString(sim.policy) ?? `run ${i + 1}`, sim };
  });
}

/** Index of the best run for a figure, or -1 when no run has it; ties go to the first. */
function findBest(runs: readonly Run[], read: (s: SimulationResult) => number | undefined, lowerIsBetter: boolean): number {
  let best = -1;
  runs.forEach((run, i) => {
    const v = readNumber(read(run.sim));
    if (v === undefined) return;
    const current = best < 0 ? undefined : readNumber(read(runs[best].sim));
    if (current === undefined || (lowerIsBetter ? v < current : v > current)) best = i;
  });
  return best;
}

function buildPolicyTable(runs: readonly Run[], group: 'latency' | 'energy'): Block {
  // A figure no run carries (say SLO attainment when no SLO set was given) would be a column of dashes.
  const inGroup = COLUMNS.filter((c) => c.group === group);
  const shown = inGroup.filter((c) => runs.some((run) => readNumber(c.read(run.sim)) !== undefined));
  const best = shown.map((c) => findBest(runs, c.read, c.lowerIsBetter));
  const rows = runs.map((run, r) => [textCell(run.name, { strong: true }), ...shown.map((c, k) => numberCell(c.show(c.read(run.sim)), { strong: best[k] === r, status: best[k] === r ? 'pass' : null }))]);
  const hidden = inGroup.filter((c) => !shown.includes(c));
  const note = hidden.length === 0 ? null : `Not shown, because no run carries them: ${hidden.map((c) => c.label).join(', ')}${hidden.includes(findColumn('SLO attainment')) ? ' (give --slo to judge SLO attainment)' : ''}.`;
  const [id, caption] = group === 'latency' ? ['policies', 'Latency and SLOs by policy (best in each column marked)'] : ['policies-energy', 'Energy and KV traffic by policy (best in each column marked)'];
  return tableBlock(table(id, caption, [column('policy'), ...shown.map((c) => column(c.label, true))], rows, note));
}

function buildBars(runs: readonly Run[]): BarChart[] {
  const picks = [['p95 TTFET', 'p95-ttfet', 'p95 TTFET by policy', 'p95 TTFET (s)'], ['last-turn p95 TBT', 'last-turn-tbt', 'Last-turn p95 TBT by policy', 'last-turn p95 TBT (ms)'], ['tokens per J', 'tokens-per-j', 'Tokens per joule by policy', 'tokens per joule'], ['SLO attainment', 'attainment', 'SLO attainment by policy', 'SLO attainment (%)']] as const;
  return picks.flatMap(([label, id, title, yLabel]) => {
    const c = findColumn(label);
    const present = runs.filter((run) => readNumber(c.read(run.sim)) !== undefined);
    if (present.length === 0) return [];
    const best = findBest(present, c.read, c.lowerIsBetter);
    const scale = label === 'SLO attainment' ? 100 : 1;
    const bars = present.map((run, i) => ({ label: run.name, value: (c.read(run.sim) as number) * scale, text: c.show(c.read(run.sim)), highlight: i === best }));
    return [{ type: 'bars', id: `bars-${id}`, title, description: `${c.lowerIsBetter ? 'Lower' : 'Higher'} is better; the best policy is highlighted.`, yLabel, bars } satisfies BarChart];
  });
}

/** Which policies meet the SLO set every run was judged against (the kernel's `slo.met`), when there is one. */
function describeSloOutcome(runs: readonly Run[]): string[] {
  const judged = runs.filter((r) => typeof readRecord(r.sim.slo)?.['met'] === 'boolean');
  if (judged.length === 0) return [];
  const id = readString(readRecord(judged[0]?.sim.slo)?.['id']);
  const met = judged.filter((r) => readRecord(r.sim.slo)?.['met'] === true).map((r) => r.name);
  const set = id ? `SLO set ${id}` : 'The SLO set';
  if (met.length === 0) return [`${set}: no policy meets it on this fleet.`];
  if (met.length === judged.length) return [`${set}: every policy meets it.`];
  return [`${set}: met only by ${met.join(', ')}.`];
}

/** Sentences comparing the reference policy (conserve when present) with each other policy. */
function describeAgainstReference(runs: readonly Run[]): string[] {
  const refIndex = Math.max(0, runs.findIndex((r) => r.name === 'conserve'));
  const ref = runs[refIndex];
  if (!ref) return [];
  const change = (a: unknown, b: unknown): string => {
    const x = readNumber(a);
    const y = readNumber(b);
    return x === undefined || y === undefined || y === 0 ? '—' : formatChange((x - y) / y);
  };
  return runs.filter((_, i) => i !== refIndex).map((other) =>
    `${ref.name} against ${other.name}: p95 TTFET ${change(ref.sim.ttfet_s?.p95, other.sim.ttfet_s?.p95)}, last-turn p95 TBT ${change(ref.sim.last_turn_tbt_ms?.p95, other.sim.last_turn_tbt_ms?.p95)}, tokens per joule ${change(ref.sim.tokens_per_j, other.sim.tokens_per_j)}.`);
}

function buildScenarioFacts(scenario: unknown): Fact[] {
  if (typeof scenario === 'string') return [fact('Scenario', scenario)];
  const record = readRecord(scenario);
  if (!record) return [];
  return Object.keys(record).map((key) => {
    const v = record[key];
    const label = key.replace(/_/g, ' ').replace(/ s$/, ' (s)').replace(/^./, (c) => c.toUpperCase());
    return fact(label, typeof v === 'string' ? v : typeof v === 'number' ? formatNumber(v) : JSON.stringify(v));
  });
}

/** Builds the comparison report's view model. */
export function buildComparisonViewModel(result: ComparisonResult): Omit<ReportViewModel, 'footer'> {
  const runs = readRuns(result);
  const bestTtfet = findBest(runs, findColumn('p95 TTFET').read, true);
  const bestEnergy = findBest(runs, findColumn('tokens per J').read, false);
  const points = [
    ...describeSloOutcome(runs),
    ...(bestEnergy >= 0 ? [`Most tokens per joule: ${runs[bestEnergy].name} (${formatNumber(runs[bestEnergy].sim.tokens_per_j)}).`] : []),
    ...describeAgainstReference(runs),
  ];
  const verdict: Verdict = {
    status: 'info', label: 'COMPARISON',
    headline: runs.length === 0 ? 'The result lists no policies.' : bestTtfet >= 0 ? `${runs.length} policies compared; lowest p95 TTFET: ${runs[bestTtfet].name} (${formatSeconds(runs[bestTtfet].sim.ttfet_s?.p95)}).` : `${runs.length} policies compared.`,
    points,
  };
  const sections: Section[] = [];
  const scenario = [
    ...buildScenarioFacts(result.scenario),
    ...(readString(result.workload) ? [fact('Workload', readString(result.workload) ?? '')] : []),
    ...(readNumber(result.seed) !== undefined ? [fact('Seed', formatCount(result.seed), 'the same conversation stream for every policy')] : []),
  ];
  if (scenario.length > 0) sections.push(section('scenario', 'Scenario', [factsBlock(scenario)]));
  if (runs.length > 0) {
    sections.push(section('policies', 'Policies compared', [paragraphsBlock(['Every policy served the same fleet and the same conversation stream (same seed).']), buildPolicyTable(runs, 'latency'), buildPolicyTable(runs, 'energy'), ...buildBars(runs).map(chartBlock)]));
    const cdfs = buildCdfCharts(runs, 'compare');
    if (cdfs.length > 0) sections.push(section('distributions', 'Latency distributions by policy', cdfs.map(chartBlock)));
    const pools = runs.flatMap((run, i) => {
      const block = buildPoolTable(run.sim, `pools-${i + 1}`);
      return block?.table ? [{ ...block, table: { ...block.table, caption: `Pools under ${run.name}: busy share and KV occupancy` } }] : [];
    });
    if (pools.length > 0) sections.push(section('pools', 'Pools under each policy', pools));
  }
  const heatmap = buildSweepHeatmap(result.sweep, 'sweep');
  if (heatmap) sections.push(section('sweep', 'Scenario sweep', [chartBlock(heatmap)]));
  const record = result as unknown as Record<string, unknown>;
  const paper = buildPaperSection(record['paper_table'], record['paper_figures']);
  if (paper) sections.push(paper);
  sections.push(buildInputsSection(result.inputs ?? readRecord(runs[0]?.sim.inputs) as ResultInputs | undefined));
  const mix = describeReference(result.inputs?.mix);
  const keyFacts = [fact('Policies', formatCount(runs.length)), ...(bestTtfet >= 0 ? [fact('Lowest p95 TTFET', `${runs[bestTtfet].name}: ${formatSeconds(runs[bestTtfet].sim.ttfet_s?.p95)}`)] : []), ...(bestEnergy >= 0 ? [fact('Most tokens per joule', `${runs[bestEnergy].name}: ${formatNumber(runs[bestEnergy].sim.tokens_per_j)}`)] : [])];
  return { kind: 'comparison', title: `Policy comparison${mix ? ` on ${mix}` : ''}`, subtitle: '', verdict, keyFacts, sections };
}
