/** View models of simulation and validation reports: one run, judged against its SLOs. Pure. */
import { formatSeconds, formatShare, formatNumber, formatWithUnit } from './format.js';
import type { SimulationResult, SloVerdict, ValidationResult } from './result-types.js';
import { fact, readArray, readRecord, readString, section } from './view-model-blocks.js';
import { buildInputsSection, describeReference } from './view-model-inputs.js';
import { buildSimulationSections } from './view-model-simulation.js';
import { buildSloComparisonTable, buildSloVerdictTable, compareSloTargets, computeHeadroom, formatSloValue, describeMetric, isSlowdownVerdict, type SloComparison } from './view-model-slo.js';
import type { Fact, ReportViewModel, Section, Verdict } from './view-model-types.js';

type Body = Omit<ReportViewModel, 'footer'>;

function buildRunKeyFacts(sim: SimulationResult | undefined): Fact[] {
  return [
    fact('p95 TTFET', formatSeconds(sim?.ttfet_s?.p95)),
    fact('Last-turn p95 TBT', formatWithUnit(sim?.last_turn_tbt_ms?.p95, 'ms')),
    fact('SLO attainment', formatShare(sim?.slo_attainment)),
    fact('Tokens per joule', formatNumber(sim?.tokens_per_j)),
  ];
}

function undecidedCount(comparisons: readonly SloComparison[]): number {
  return comparisons.filter((c) => c.pass === undefined).length;
}

/** Builds the simulation report's view model. */
export function buildSimulationViewModel(sim: SimulationResult): Body {
  const policy = readString(sim.policy) ?? 'unnamed policy';
  const mix = describeReference(sim.inputs?.mix);
  const comparisons = compareSloTargets(sim, sim.inputs?.slo);
  const decided = comparisons.filter((c) => c.pass !== undefined);
  const failed = decided.filter((c) => c.pass === false);
  const sloId = readString(readRecord(sim.slo)?.['id']) ?? describeReference(sim.inputs?.slo);
  const run = `${formatNumber(sim.conversations)} conversations under ${policy}`;
  const against = sloId ? ` of SLO set ${sloId}` : '';
  let verdict: Verdict;
  if (failed.length > 0 || readRecord(sim.slo)?.['met'] === false) {
    verdict = { status: 'fail', label: 'MISSES SLOs', headline: `${run}: ${failed.length} of ${comparisons.length} SLO targets${against} missed.`, points: failed.map((c) => `${describeMetric(c.metric)}${c.percentile === undefined ? '' : ` p${c.percentile}`}: ${c.measured}, target ${c.target}.`) };
  } else if (decided.length > 0) {
    const undecided = undecidedCount(comparisons);
    verdict = { status: 'pass', label: 'MEETS SLOs', headline: undecidedCount(comparisons) > 0 ? `${run}: every SLO target${against} that can be checked here is met.` : `${run}: every SLO target${against} is met.`, points: undecided > 0 ? [`${undecided} target${undecided === 1 ? '' : 's'} could not be decided from this result: run fleetplan validate.`] : [] };
  } else {
    verdict = { status: 'info', label: 'SIMULATION', headline: `${run}: SLO attainment ${formatShare(sim.slo_attainment)}.`, points: ['The result carries no SLO targets to judge against.'] };
  }
  const sections: Section[] = [];
  if (comparisons.length > 0) sections.push(section('slo', 'SLO metrics against targets', [buildSloComparisonTable(comparisons, 'slo-targets')]));
  sections.push(...buildSimulationSections(sim, 'run', 'Simulation'), buildInputsSection(sim.inputs));
  return { kind: 'simulation', title: `Simulation: ${policy}${mix ? ` on ${mix}` : ''}`, subtitle: '', verdict, keyFacts: buildRunKeyFacts(sim), sections };
}

function describeFailure(s: SloVerdict): string {
  const headroom = computeHeadroom(s);
  const by = headroom === undefined ? '' : ` (missed by ${formatShare(-headroom)})`;
  return `${readString(s.name) ?? readString(s.metric) ?? 'SLO'}${readString(s.class) ? ` for class ${s.class}` : ''}: ${formatSloValue(s.metric, s.value, isSlowdownVerdict(s))} against a target of ${formatSloValue(s.metric, s.target, isSlowdownVerdict(s))}${by}.`;
}

/** Builds the validation report's view model: the verdict CI acted on, and why. */
export function buildValidationViewModel(result: ValidationResult): Body {
  const slos = readArray(result.slos).map((s) => (readRecord(s) ?? {}) as SloVerdict);
  const failed = slos.filter((s) => s.pass === false);
  const passed = slos.filter((s) => s.pass === true).length;
  const tally = `${passed} of ${slos.length} SLO checks pass`;
  const verdict: Verdict =
    result.holds === true
      ? { status: 'pass', label: 'HOLDS', headline: `The plan holds: ${tally}.`, points: [] }
      : result.holds === false
        ? { status: 'fail', label: 'FAILS', headline: `The plan does not hold: ${tally}.`, points: failed.length > 0 ? failed.map(describeFailure) : ['The result does not list which SLO failed.'] }
        : { status: 'info', label: 'UNDECIDED', headline: `The result does not say whether the plan holds; ${tally}.`, points: [] };
  const headrooms = slos.map(computeHeadroom).filter((h): h is number => h !== undefined);
  const keyFacts = [
    fact('SLO checks passed', `${passed} of ${slos.length}`),
    fact('Smallest headroom', headrooms.length === 0 ? '—' : formatShare(Math.min(...headrooms))),
    ...buildRunKeyFacts(result.check).slice(0, 2),
  ];
  const sections: Section[] = [];
  if (slos.length > 0) sections.push(section('slo', 'SLO metrics against targets', [buildSloVerdictTable(slos, 'slo-verdicts')]));
  if (result.check) sections.push(...buildSimulationSections(result.check, 'check', 'Kernel check'));
  sections.push(buildInputsSection(result.inputs));
  const mix = describeReference(result.inputs?.mix);
  return { kind: 'validation', title: `Validation${mix ? ` on ${mix}` : ''}`, subtitle: '', verdict, keyFacts, sections };
}
