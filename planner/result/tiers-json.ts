/**
 * The plan JSON's tier block (best homogeneous beside best heterogeneous, each with its kernel check) and its
 * Pareto points, shaped for reports (reports/result-types.ts: best_homogeneous, best_heterogeneous, pareto).
 */
import { checkToJson, planToJson } from './plan-json.js';
import type { CheckedTiers, ParetoPoint } from '../sweep/tiers.js';
import type { Plan } from '../types.js';
import type { CheckResult } from '../check/loop.js';

function tierJson(plan: Plan, label: string, check: CheckResult | undefined) {
  return {
    label,
    instances: planToJson(plan).instances,
    tco_usd: plan.cost.tcoUsd,
    energy_j_per_output_token: plan.energy.jPerOutputToken,
    ...(check ? { check: checkToJson(check) } : {}),
  };
}

/** The homogeneous-vs-heterogeneous block; each side carries its kernel verdict when it was checked. */
export function tiersToJson(t: CheckedTiers) {
  return {
    best_homogeneous: t.homogeneous ? tierJson(t.homogeneous, `best single GPU type (${t.homogeneousGpu}, uncapped)`, t.homogeneousCheck) : null,
    best_heterogeneous: t.heterogeneous ? tierJson(t.heterogeneous, 'best over all candidate pools', t.heterogeneousCheck) : null,
    ...(t.deltaTcoUsd !== undefined ? { delta_cost_usd: t.deltaTcoUsd, delta_energy_j: t.deltaJPerOutputToken } : {}),
  };
}

/** One Pareto point as the report plots it. */
export function paretoPointToJson(p: ParetoPoint, i: number) {
  return { cost_usd: p.tcoUsd, energy_j_per_output_token: p.jPerOutputToken, label: `${i === 0 ? 'cheapest' : `point ${i}`}: ${p.plan.instances.map((x) => `${x.count}× ${x.poolKey}`).join(', ')}` };
}

/** One line per tier for the human-readable output. */
export function describeTiers(t: ReturnType<typeof tiersToJson>): string[] {
  const lines: string[] = [];
  for (const [name, tier] of [['homogeneous', t.best_homogeneous], ['heterogeneous', t.best_heterogeneous]] as const) {
    if (!tier) continue;
    const verdict = tier.check ? (tier.check.holds ? 'holds in the kernel' : `misses in the kernel: ${tier.check.misses.map((m) => `${m.slo} ${m.value.toPrecision(4)} vs ${m.target}`).join(', ')}`) : 'not checked';
    lines.push(`best ${name}: ${tier.instances.map((i) => `${i.count}× ${i.gpu} TP${i.tp}${i.ep !== undefined ? ` EP${i.ep}` : ''}${i.precision !== undefined ? ` ${i.precision}` : ''} ${i.role}${i.power_cap_w !== undefined ? ` @${i.power_cap_w} W` : ''}`).join(', ')} — TCO ${Math.round(tier.tco_usd).toLocaleString('en-US')} USD, ${tier.energy_j_per_output_token.toFixed(3)} J/token; ${verdict}`);
  }
  if (t.delta_cost_usd !== undefined) lines.push(`heterogeneous − homogeneous: ${Math.round(t.delta_cost_usd).toLocaleString('en-US')} USD, ${t.delta_energy_j!.toFixed(3)} J/token`);
  return lines;
}
