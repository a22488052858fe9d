/**
 * The plan's JSON contract (DESIGN.md, snake_case with units): what `plan --json` prints and reports read.
 */
import type { CheckResult, LoopResult, Round } from '../check/loop.js';
import type { BindingConstraint, Plan, PlanCut } from '../types.js';
import { saturatedPoolLabel } from '../check/saturation.js';

function bindingJson(b: BindingConstraint) {
  return {
    constraint: b.row,
    family: b.family,
    ...(b.pool !== undefined ? { pool: b.pool } : {}),
    ...(b.classId !== undefined ? { class: b.classId } : {}),
    ...(b.gpu !== undefined ? { gpu: b.gpu } : {}),
    activity: b.activity,
    bound: b.bound,
    slack: b.slack,
    unit: b.unit,
    ...(b.dual !== undefined ? { dual: b.dual } : {}),
    binding: b.binding,
    text: b.text,
  };
}

/** The plan as JSON (without the loop fields). */
export function planToJson(plan: Plan) {
  return {
    objective: plan.objective,
    objective_value: plan.objectiveValue,
    ...(plan.lpRelaxationObjective !== undefined ? { lp_relaxation_objective: plan.lpRelaxationObjective } : {}),
    instances: plan.instances.map((i) => ({
      gpu: i.gpu,
      llm: i.llm,
      tp: i.tp,
      ...(i.ep !== undefined && i.ep > 1 ? { ep: i.ep } : {}),
      ...(i.precision !== undefined ? { precision: i.precision } : {}),
      ...(i.kvDtype !== undefined ? { kv_dtype: i.kvDtype } : {}),
      role: i.role,
      count: i.count,
      ...(i.powerCapWatts !== undefined ? { power_cap_w: i.powerCapWatts } : {}),
    })),
    routing: plan.routing,
    cost: {
      capex_usd: plan.cost.capexUsd,
      rent_usd_per_h: plan.cost.rentUsdPerHour,
      tco_usd: plan.cost.tcoUsd,
      energy_usd: plan.cost.energyUsd,
      horizon_years: plan.cost.horizonYears,
    },
    power_w: plan.powerWatts,
    energy: {
      energy_j_per_day: plan.energy.energyJPerDay,
      j_per_output_token: plan.energy.jPerOutputToken,
      average_power_w: plan.energy.averagePowerWatts,
    },
    binding: plan.binding.filter((b) => b.binding).map(bindingJson),
    solver: {
      requested: plan.solver.requested,
      used: plan.solver.used,
      status: plan.solver.status,
      ...(plan.solver.fallbackReason ? { fallback_reason: plan.solver.fallbackReason } : {}),
      ...(plan.solver.wallSeconds !== undefined ? { wall_s: plan.solver.wallSeconds } : {}),
      variables: plan.solver.variables,
      rows: plan.solver.rows,
      blocks: plan.solver.blocks,
    },
    notes: plan.notes,
  };
}

function cutJson(c: PlanCut) {
  return c.kind === 'refuted-fleet' ? { kind: c.kind, fleet: c.counts, why: c.why } : { kind: c.kind, pool: c.poolKey, family: c.family, factor: c.factor, why: c.why };
}

/** A check's verdict as JSON: holds, attainment (observed/required) and every missed target with its value. */
export function checkToJson(check: CheckResult) {
  const misses = check.slos.filter((v) => !v.holds).map((v) => ({ slo: `p${v.percentile} ${v.metric}`, value: v.observed, target: v.target }));
  if (check.attainment && !check.attainment.holds) misses.push({ slo: 'slo_attainment', value: check.attainment.observed, target: check.attainment.required });
  // A saturated prefiller (check/saturation.ts): its busy share against the planner's utilisation limit.
  for (const p of check.saturated ?? []) misses.push({ slo: `prefill_utilization ${saturatedPoolLabel(p)}`, value: p.utilization, target: p.limit });
  return {
    holds: check.holds,
    ...(check.attainment ? { slo_attainment: check.attainment.observed, required_attainment: check.attainment.required } : {}),
    misses,
    ...(check.seeds ? { seeds: check.seeds.map((s) => ({ seed: s.seed, holds: s.holds, margin: s.margin })) } : {}),
    ...(check.margin !== undefined ? { margin: check.margin } : {}),
    ...stoppedEarlyJson(check),
  };
}

/** A check stopped once its miss was certain: slo_attainment's value is then the most the full run could reach. */
function stoppedEarlyJson(check: CheckResult) {
  const e = check.stoppedEarly;
  return e ? { stopped_early: { at_s: e.atSeconds, failed_conversations: e.failedConversations, measured_conversations: e.measuredConversations } } : {};
}

function roundJson(r: Round, next: Round | undefined) {
  const misses = r.check ? checkToJson(r.check).misses : [];
  return {
    round: r.index,
    ...(r.outcome.ok ? { instances: planToJson(r.outcome.plan).instances, objective_value: r.outcome.plan.objectiveValue } : { no_plan: r.outcome.reason }),
    ...(r.phase ? { phase: r.phase } : {}),
    ...(r.check ? { check: { holds: r.check.holds, misses, ...(r.check.margin !== undefined ? { margin: r.check.margin } : {}), ...(r.check.seeds ? { seeds: r.check.seeds.map((s) => s.seed) } : {}), ...stoppedEarlyJson(r.check) } } : {}),
    // TRIM rounds: one instance removed from `pool` after the plan held; kept when the smaller plan still held.
    ...(r.trim ? { trim: { pool: r.trim.poolKey, removed: r.trim.count, kept: r.trim.kept } } : {}),
    // The cuts added after this round (the next round's cuts that this one did not have).
    ...(next && !next.trim ? { cut: next.cuts.filter((c) => !r.cuts.includes(c)).map(cutJson) } : {}),
  };
}

/** The loop's result as JSON: the final plan plus `holds`, `rounds` and, when there is no plan, `reason`. */
export function loopToJson(result: LoopResult) {
  return {
    ...(result.plan ? planToJson(result.plan) : {}),
    holds: result.holds,
    stopped_because: result.stoppedBecause,
    ...(result.reason ? { reason: result.reason } : {}),
    ...(result.trim
      ? {
          trim: {
            attempts: result.trim.attempts,
            removed: result.trim.removed,
            max_checks: result.trim.maxChecks,
            budget_exhausted: result.trim.budgetExhausted,
            objective_saved: result.trim.objectiveSaved,
          },
        }
      : {}),
    ...(result.check?.seeds ? { check_seeds: result.check.seeds.map((s) => ({ seed: s.seed, holds: s.holds, margin: s.margin })), check_margin: result.check.margin } : {}),
    ...(result.proved !== undefined ? { fleets_proved: result.proved, fleets_refuted: result.refuted ?? 0 } : {}),
    ...(result.cheaper ? { cheaper_search: { rounds: result.cheaper.rounds, budget_exhausted: result.cheaper.exhausted } } : {}),
    rounds: result.rounds.map((r, i) => roundJson(r, result.rounds[i + 1])),
  };
}
