/**
 * The parts of a plan report that say why: homogeneous against heterogeneous tiers, binding constraints in words,
 * the rounds of the plan → kernel loop, and where each performance model came from. Pure.
 */
import { formatChange, formatCount, formatNumber, formatShare, formatUsd } from './format.js';
import type { BindingConstraint, ModelProvenance, PlanResult, PlanRound, TierComparison, TierPlan } from './result-types.js';
import {
  column, numberCell, paragraphsBlock, readArray, readNumber, readRecord, readString, section, table, tableBlock,
  textCell, verdictCell,
} from './view-model-blocks.js';
import { countGpus, describeInstances, readInstances } from './view-model-fleet.js';
import type { Section } from './view-model-types.js';

/**
 * The homogeneous/heterogeneous comparison, wherever the producer put it: at the top level of the plan or in
 * any top-level object that holds `best_homogeneous` or `best_heterogeneous`.
 */
export function findTierComparison(plan: PlanResult): TierComparison | undefined {
  const record = plan as unknown as Record<string, unknown>;
  if (record['best_homogeneous'] !== undefined || record['best_heterogeneous'] !== undefined) return plan;
  for (const key of Object.keys(record).sort()) {
    const value = readRecord(record[key]);
    if (value && (value['best_homogeneous'] !== undefined || value['best_heterogeneous'] !== undefined)) return value as TierComparison;
  }
  return undefined;
}

function readTierCost(tier: TierPlan): number | undefined {
  return readNumber(tier.tco_usd) ?? readNumber(tier.cost_usd) ?? readNumber(readRecord(tier.cost)?.['tco_usd']);
}

function readTierEnergy(tier: TierPlan): number | undefined {
  return readNumber(tier.energy_j_per_output_token) ?? readNumber(readRecord(tier.energy)?.['j_per_output_token']);
}

/** Best homogeneous beside best heterogeneous, with the difference said in a sentence. */
export function buildTiersSection(tiers: TierComparison): Section {
  const sides = [['best homogeneous (one GPU type)', readRecord(tiers.best_homogeneous)], ['best heterogeneous (mixed tiers)', readRecord(tiers.best_heterogeneous)]] as const;
  const rows = sides.map(([label, tier]) => {
    if (!tier) return [textCell(label, { strong: true }), textCell('none found'), numberCell('—'), numberCell('—'), numberCell('—'), verdictCell(undefined), numberCell('—')];
    const instances = readInstances(tier['instances']);
    const check = readRecord(tier['check']);
    const holds = check?.['holds'];
    return [
      textCell(readString(tier['label']) ?? label, { strong: true }), textCell(describeInstances(instances)), numberCell(formatCount(countGpus(instances))),
      numberCell(formatUsd(readTierCost(tier as TierPlan))), numberCell(readTierEnergy(tier as TierPlan) === undefined ? '—' : `${formatNumber(readTierEnergy(tier as TierPlan))} J`),
      verdictCell(typeof holds === 'boolean' ? holds : undefined), numberCell(formatShare(check?.['slo_attainment'])),
    ];
  });
  const homogeneous = readRecord(tiers.best_homogeneous) as TierPlan | undefined;
  const deltaCost = readNumber(tiers.delta_cost_usd) ?? (homogeneous && tiers.best_heterogeneous ? difference(readTierCost(tiers.best_heterogeneous), readTierCost(homogeneous)) : undefined);
  const deltaEnergy = readNumber(tiers.delta_energy_j) ?? (homogeneous && tiers.best_heterogeneous ? difference(readTierEnergy(tiers.best_heterogeneous), readTierEnergy(homogeneous)) : undefined);
  const words: string[] = [];
  const sameFleet = homogeneous && tiers.best_heterogeneous && describeInstances(readInstances(homogeneous.instances)) === describeInstances(readInstances(readRecord(tiers.best_heterogeneous)?.['instances']));
  if (sameFleet) {
    words.push('The cheapest fleet over all candidate GPU types uses a single type, so mixing tiers gains nothing for this workload.');
  } else if (deltaCost !== undefined) {
    // One GPU type in both plans: the difference comes from mixing roles and power caps, not GPU types.
    const types = new Set(readInstances(readRecord(tiers.best_heterogeneous)?.['instances']).map((i) => i.gpu));
    const subject = types.size > 1 ? 'Mixing GPU types' : 'Mixing roles and power caps on one GPU type';
    const base = homogeneous ? readTierCost(homogeneous) : undefined;
    const share = base ? ` (${formatChange(deltaCost / base)})` : '';
    words.push(deltaCost < 0 ? `${subject} saves ${formatUsd(-deltaCost)}${share} against the best single-type fleet.` : deltaCost > 0 ? `${subject} costs ${formatUsd(deltaCost)}${share} more than the best single-type fleet.` : `${subject} costs the same as the best single-type fleet.`);
  }
  if (deltaEnergy !== undefined && !sameFleet) {
    words.push(deltaEnergy < 0 ? `It uses ${formatNumber(-deltaEnergy)} J less per output token.` : deltaEnergy > 0 ? `It uses ${formatNumber(deltaEnergy)} J more per output token.` : 'Energy per output token is the same.');
  }
  const columns = [column('plan'), column('fleet'), column('GPUs', true), column('cost', true), column('energy per output token', true), column('kernel check'), column('SLO attainment', true)];
  return section('tiers', 'Heterogeneous against homogeneous', [...(words.length > 0 ? [paragraphsBlock([words.join(' ')])] : []), tableBlock(table('tiers', 'Best plan with one GPU type against the best with mixed tiers', columns, rows))]);
}

function difference(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a - b;
}

/** Solver noise (|x| < 1e-6) shown as the 0 it stands for. */
function roundTiny(value: unknown): unknown {
  const n = readNumber(value);
  return n !== undefined && Math.abs(n) < 1e-6 ? 0 : value;
}

/** "3.7 of 4 instances": the constraint's activity against its bound, when the producer records them. */
function describeUse(b: BindingConstraint): string {
  const record = b as unknown as Record<string, unknown>;
  const activity = readNumber(record['activity']);
  const bound = readNumber(record['bound']);
  if (activity === undefined || bound === undefined) return '—';
  const unit = readString(record['unit']);
  return `${formatNumber(activity)} of ${formatNumber(bound)}${unit ? ` ${unit}` : ''}`;
}

/** Binding constraints: their sentences first, then the numbers (slack, dual value) for engineers. */
export function buildBindingSection(binding: readonly BindingConstraint[] | undefined): Section | null {
  const list = readArray(binding).map((b) => (readRecord(b) ?? {}) as BindingConstraint);
  if (list.length === 0) return null;
  const sentences = list.map((b) => readString(b.text) ?? `${readString(b.constraint) ?? 'A constraint'} binds${b.pool ? ` on pool ${b.pool}` : ''}${b.class ? ` for class ${b.class}` : ''}.`);
  const rows = list.map((b) => [
    textCell(readString(b.constraint) ?? '—', { strong: true }), textCell(readString(b.pool) ?? '—'), textCell(readString(b.class) ?? '—'),
    numberCell(describeUse(b)), numberCell(formatNumber(roundTiny(b.slack))), numberCell(formatNumber(b.dual)),
  ]);
  const note = 'Slack is how far the constraint is from its limit (0 = at the limit); the dual value is how much the objective would improve per unit of relaxation.';
  return section('binding', 'What limits the plan', [
    paragraphsBlock(sentences),
    tableBlock(table('binding', 'Binding constraints', [column('constraint'), column('pool'), column('class'), column('used of limit', true), column('slack', true), column('dual value', true)], rows, note)),
  ]);
}

function describeCut(cut: unknown): string {
  if (cut === undefined || cut === null) return '—';
  if (typeof cut === 'string') return cut;
  // The planner writes the cuts added after a round as a list of {kind, pool, why}.
  if (Array.isArray(cut)) return cut.length === 0 ? '—' : cut.map(describeCut).join('; ');
  const record = readRecord(cut);
  const why = readString(record?.['why']);
  if (why) return `${why}${readString(record?.['pool']) ? ` (pool ${record?.['pool']})` : ''}`;
  const text = readString(record?.['text']);
  return text ?? JSON.stringify(cut);
}

/** Each round of plan → kernel → cut, so a reader sees how the plan got to its size. */
export function buildRoundsSection(rounds: readonly PlanRound[] | undefined): Section | null {
  const list = readArray(rounds).map((r) => (readRecord(r) ?? {}) as PlanRound);
  if (list.length === 0) return null;
  const rows = list.map((r, i) => {
    const instances = readInstances(r.instances);
    const misses = readArray(r.check?.misses).map((m) => {
      const miss = readRecord(m) ?? {};
      const name = readString(miss['slo']) ?? 'SLO';
      const where = readString(miss['class']) ? ` (${miss['class']})` : '';
      // Attainment misses by falling short; every other target by going over.
      // A check stopped once its miss was certain reports the most attainment the full run could have reached.
      const early = readRecord((r.check as Record<string, unknown> | undefined)?.['stopped_early']);
      if (name === 'slo_attainment' && early) return `SLO attainment${where}: at most ${formatShare(miss['value'])} < ${formatShare(miss['target'])} (check stopped at ${formatNumber(early['at_s'])} s, once ${formatNumber(early['failed_conversations'])} of ${formatNumber(early['measured_conversations'])} conversations were certain to miss)`;
      if (name === 'slo_attainment') return `SLO attainment${where}: ${formatShare(miss['value'])} < ${formatShare(miss['target'])}`;
      return `${name}${where}: ${formatNumber(miss['value'])} > ${formatNumber(miss['target'])}`;
    });
    const record = r as unknown as Record<string, unknown>;
    const noPlan = readString(record['no_plan']);
    const trim = readRecord(record['trim']);
    const fleet = noPlan ? `no plan: ${noPlan}` : describeInstances(instances);
    const removedCount = typeof trim?.['removed'] === 'number' ? trim['removed'] : 1;
    const what = removedCount === 1 ? 'one instance' : `${removedCount} instances`;
    const cut = trim ? `trim: ${what} removed from ${readString(trim['pool']) ?? 'a pool'}, ${trim['kept'] === true ? 'kept (still held)' : 'put back (the smaller plan missed)'}` : describeCut(r.cut);
    return [
      numberCell(formatCount(readNumber(r.round) ?? i + 1)), textCell(fleet), numberCell(formatCount(countGpus(instances))),
      verdictCell(typeof r.check?.holds === 'boolean' ? r.check.holds : undefined), textCell(misses.length > 0 ? misses.join('; ') : '—'), textCell(cut),
    ];
  });
  const columns = [column('round', true), column('fleet'), column('GPUs', true), column('kernel check'), column('missed SLOs'), column('cut added')];
  return section('rounds', 'How the plan was found', [
    paragraphsBlock(['Each round solves the plan, simulates it under conserve, and, if an SLO misses, adds a cut on the pool behind the miss.']),
    tableBlock(table('rounds', 'Rounds of the plan → kernel loop', columns, rows)),
  ]);
}

/** Where every performance model came from and how well it predicts held-out rows. */
export function buildProvenanceSection(provenance: readonly ModelProvenance[] | undefined): Section | null {
  const list = readArray(provenance).map((p) => (readRecord(p) ?? {}) as ModelProvenance);
  if (list.length === 0) return null;
  const rows = list.map((p) => [
    textCell(readString(p.pool) ?? '—', { strong: true }), textCell(readString(p.kind) ?? '—'), textCell(readString(p.from) ?? '—'),
    numberCell(formatCount(p.rows)), numberCell(readNumber(p.held_out_mape) === undefined ? 'not measured' : formatShare(p.held_out_mape)),
  ]);
  const note = 'MAPE: mean absolute percentage error on rows held out of the fit. Models derived from the spec sheet (roofline) have no held-out rows of their own.';
  return section('provenance', 'Where the performance models come from', [
    tableBlock(table('provenance', 'Model provenance and fit errors', [column('pool'), column('model'), column('fitted from'), column('rows', true), column('held-out MAPE', true)], rows, note)),
  ]);
}
