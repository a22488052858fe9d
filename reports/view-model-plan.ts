/** The view model of a plan report. Pure. */
import { formatCount, formatJoules, formatKilowatts, formatKwh, formatNumber, formatSeconds, formatShare, formatUsd } from './format.js';
import type { PlanResult } from './result-types.js';
import { chartBlock, fact, factsBlock, paragraphsBlock, readArray, readNumber, readRecord, readString, section } from './view-model-blocks.js';
import { buildBillTable, countGpus, describeInstances, readInstances } from './view-model-fleet.js';
import { describeReference, buildInputsSection } from './view-model-inputs.js';
import { buildBindingSection, buildProvenanceSection, buildRoundsSection, buildTiersSection, findTierComparison } from './view-model-plan-explain.js';
import { buildSimulationSections } from './view-model-simulation.js';
import { buildSloComparisonTable, compareSloTargets } from './view-model-slo.js';
import { buildParetoBlocks, buildSweepHeatmap } from './view-model-sweep.js';
import type { Fact, ReportViewModel, Section, Verdict } from './view-model-types.js';

function describeMisses(plan: PlanResult): string[] {
  const rounds = plan.rounds ?? [];
  const last = rounds[rounds.length - 1];
  return (last?.check?.misses ?? []).map((m) => `${readString(m.slo) ?? 'an SLO'}${m.class ? ` for class ${m.class}` : ''}: ${formatNumber(m.value)} against a target of ${formatNumber(m.target)}`);
}

function buildPlanVerdict(plan: PlanResult): Verdict {
  const instances = readInstances(plan.instances);
  const fleet = `${formatNumber(countGpus(instances))} GPUs: ${describeInstances(instances)}`;
  const rounds = plan.rounds?.length;
  const check = plan.check;
  const checkLine = check
    ? `Checked by simulation under ${readString(check.policy) ?? 'conserve'}${readNumber(check.seed) === undefined ? '' : ` (seed ${check.seed})`}: p95 TTFET ${formatSeconds(check.ttfet_s?.p95)}, SLO attainment ${formatShare(check.slo_attainment)}.`
    : 'No simulation check is recorded in this result.';
  // Trim rounds (one instance removed after the plan held) are checks of a smaller plan, not search rounds.
  const trims = (plan.rounds ?? []).filter((r) => readRecord((r as unknown as Record<string, unknown>)['trim']) !== undefined).length;
  const search = rounds === undefined ? undefined : rounds - trims;
  const roundsLine = search === undefined ? null : `Found in ${search} plan → kernel round${search === 1 ? '' : 's'}${trims > 0 ? `, then ${trims} trim check${trims === 1 ? '' : 's'} (taking instances away while it still holds: half a pool first, fewer after a miss)` : ''}.`;
  if (plan.holds === true) {
    return { status: 'pass', label: 'HOLDS', headline: `This plan meets its SLOs with ${fleet}.`, points: [checkLine, ...(roundsLine ? [roundsLine] : [])] };
  }
  if (plan.holds === false) {
    const misses = describeMisses(plan);
    return { status: 'fail', label: 'FAILS', headline: `This plan does not meet its SLOs (${fleet}).`, points: [...(misses.length > 0 ? misses.map((m) => `Missed ${m}.`) : ['The result does not list which SLO was missed.']), checkLine] };
  }
  return { status: 'info', label: 'NOT CHECKED', headline: `A plan of ${fleet}; the result does not say whether it holds.`, points: [checkLine] };
}

function buildCostFacts(plan: PlanResult): Fact[] {
  const cost = readRecord(plan.cost) ?? {};
  const energy = readRecord(plan.energy) ?? {};
  const horizon = readNumber(cost['horizon_years']);
  return [
    fact(horizon === undefined ? 'Total cost of ownership' : `Total cost of ownership over ${formatNumber(horizon)} years`, formatUsd(cost['tco_usd']), 'purchase or rent plus electricity'),
    fact('Purchase (capex)', formatUsd(cost['capex_usd'])),
    fact('Rent', readNumber(cost['rent_usd_per_h']) === undefined ? '—' : `${formatUsd(cost['rent_usd_per_h'])} per hour`),
    fact('Electricity cost', formatUsd(cost['energy_usd'])),
    fact('Power', formatKilowatts(plan.power_w), 'GPUs at the planned load'),
    fact('Energy per day', formatKwh(energy['energy_j_per_day']), formatJoules(energy['energy_j_per_day'])),
    fact('Energy per output token', readNumber(energy['j_per_output_token']) === undefined ? '—' : `${formatNumber(energy['j_per_output_token'])} J`),
  ];
}

const STOP_REASONS: Readonly<Record<string, string>> = {
  holds: 'the kernel confirmed the plan meets its SLOs',
  'max-rounds': 'the round limit was reached before the kernel confirmed the plan',
  'no-plan': 'the LP found no fleet that meets the constraints',
  'no-cut': 'the check failed without naming a pool to enlarge',
};

/** How the LP was solved and why the loop stopped; null when the result records none of it. */
function buildSolverSection(plan: PlanResult): ReturnType<typeof section> | null {
  const record = plan as unknown as Record<string, unknown>;
  const solver = readRecord(record['solver']);
  const objective = readString(plan.objective);
  const value = readNumber(record['objective_value']);
  const relaxation = readNumber(record['lp_relaxation_objective']);
  const stopped = readString(record['stopped_because']);
  const notes = readArray(record['notes']).filter((n): n is string => typeof n === 'string');
  if (!solver && objective === undefined && stopped === undefined && notes.length === 0) return null;
  const money = objective === 'tco' || objective === 'capex' || objective === 'rent';
  const show = (v: unknown): string => (money ? formatUsd(v) : formatNumber(v));
  const facts = [
    fact('Objective', objective ?? '—', objective === 'tco' ? 'total cost of ownership, minimised' : null),
    fact('Objective value', show(value), relaxation === undefined ? null : `LP relaxation (fractional instances): ${show(relaxation)}; the gap is the price of whole GPUs`),
    ...(solver ? [fact('Solver', `${readString(solver['used']) ?? '—'}: ${readString(solver['status']) ?? '—'}`, `${formatCount(solver['variables'])} variables, ${formatCount(solver['rows'])} constraints${typeof solver['blocks'] === 'number' && solver['blocks'] > 1 ? ` in ${formatCount(solver['blocks'])} independent blocks` : ''}, solved in ${formatSeconds(solver['wall_s'])}${readString(solver['requested']) && solver['requested'] !== solver['used'] ? `; ${String(solver['requested'])} was asked for` : ''}`)] : []),
    ...(stopped === undefined ? [] : [fact('Stopped because', STOP_REASONS[stopped] ?? stopped, readString(record['reason']) ?? null)]),
    ...(readString(solver?.['fallback_reason']) ? [fact('Solver fallback', readString(solver?.['fallback_reason']) ?? '')] : []),
  ];
  return section('solver', 'How the plan was solved', [factsBlock(facts), ...(notes.length > 0 ? [paragraphsBlock(notes)] : [])]);
}

/** Builds the plan report's view model from a plan result. */
export function buildPlanViewModel(plan: PlanResult): Omit<ReportViewModel, 'footer'> {
  const instances = readInstances(plan.instances);
  const mix = describeReference(plan.inputs?.mix);
  const llm = instances.find((i) => i.llm)?.llm;
  const title = `Fleet plan${mix ? ` for ${mix}` : ''}${llm ? ` serving ${llm}` : ''}`;
  const sections: Section[] = [section('bill', 'What to buy and run', [buildBillTable(instances, 'bill'), factsBlock(buildCostFacts(plan))])];
  const tiers = findTierComparison(plan);
  if (tiers) sections.push(buildTiersSection(tiers));
  const binding = buildBindingSection(plan.binding);
  if (binding) sections.push(binding);
  const rounds = buildRoundsSection(plan.rounds);
  if (rounds) sections.push(rounds);
  const slo = compareSloTargets(plan.check, plan.inputs?.slo);
  if (slo.length > 0) sections.push(section('slo', 'SLO metrics against targets', [buildSloComparisonTable(slo, 'slo-targets')]));
  if (plan.check) sections.push(...buildSimulationSections(plan.check, 'check', 'Kernel check'));
  const pareto = buildParetoBlocks(plan.pareto, { costUsd: readNumber(plan.cost?.tco_usd), joulesPerOutputToken: readNumber(plan.energy?.j_per_output_token) });
  if (pareto.length > 0) sections.push(section('pareto', 'Cost against energy', [paragraphsBlock(['Cheaper plans use more energy per token along the front; plans off the front are beaten on both by another.']), ...pareto]));
  const heatmap = buildSweepHeatmap(plan.sweep, 'sweep');
  if (heatmap) sections.push(section('sweep', 'Scenario sweep', [chartBlock(heatmap)]));
  const solver = buildSolverSection(plan);
  if (solver) sections.push(solver);
  const provenance = buildProvenanceSection(plan.model_provenance);
  if (provenance) sections.push(provenance);
  sections.push(buildInputsSection(plan.inputs));
  const keyFacts = [
    fact('GPUs', formatNumber(countGpus(instances))),
    fact('Total cost', formatUsd(plan.cost?.tco_usd)),
    fact('Power', formatKilowatts(plan.power_w)),
    fact('Energy per output token', readNumber(plan.energy?.j_per_output_token) === undefined ? '—' : `${formatNumber(plan.energy?.j_per_output_token)} J`),
  ];
  return { kind: 'plan', title, subtitle: '', verdict: buildPlanVerdict(plan), keyFacts, sections };
}
