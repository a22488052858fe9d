/**
 * Turns a verified solution into a Plan: pools with their counts, routing shares, cost, power and energy, all
 * recomputed from the demand table rather than read from the solver's objective.
 */
import type { Demand } from '../demand/demand.js';
import type { Formulation } from './formulate.js';
import type { ResolvedOptions } from '../options.js';
import type { SolverInfo } from './solve.js';
import type { BindingConstraint, OperatingShare, Plan, PlannedPool } from '../types.js';

const SECONDS_PER_DAY = 86_400;

export interface PlanFigures {
  readonly instances: PlannedPool[];
  readonly routing: Record<string, Record<string, number>>;
  readonly operatingPoints: OperatingShare[];
  readonly averagePowerWatts: number;
  readonly peakPowerWatts: number;
  readonly capexUsd: number;
  readonly rentUsdPerHour: number;
  readonly hardwareUsd: number;
  readonly outputTokensPerSecond: number;
}

/** Recomputes a solution's figures from the demand table. */
export function computeFigures(demand: Demand, form: Formulation, values: readonly number[], llmId: string): PlanFigures {
  const instances: PlannedPool[] = [];
  const routing: Record<string, Record<string, number>> = {};
  const operatingPoints: OperatingShare[] = [];
  let averagePowerWatts = 0;
  let peakPowerWatts = 0;
  let capexUsd = 0;
  let rentUsdPerHour = 0;
  let hardwareUsd = 0;
  demand.pools.forEach((pool, j) => {
    const idx = form.countIndex[j];
    const count = idx === undefined ? 0 : Math.round(values[idx]);
    const f = demand.facts[j];
    if (count > 0) {
      instances.push({ gpu: pool.gpu.id, llm: llmId, tp: pool.tp, ...(pool.ep > 1 ? { ep: pool.ep } : {}), precision: pool.precision, kvDtype: pool.kvDtype, role: pool.role, count, powerCapWatts: pool.powerCapWatts, poolKey: pool.key });
      averagePowerWatts += count * f.idleWatts;
      peakPowerWatts += count * f.peakWatts;
      if (f.capexUsd !== undefined) capexUsd += count * f.capexUsd;
      else if (f.rentUsdPerHour !== undefined) rentUsdPerHour += count * f.rentUsdPerHour;
      hardwareUsd += count * (f.hardwareUsd ?? 0);
    }
  });
  let outputTokensPerSecond = 0;
  demand.profiles.forEach((p, c) => {
    outputTokensPerSecond += p.ratePerSecond * p.outputTokensPerConversation;
    const shares: Record<string, number> = {};
    demand.pools.forEach((pool, j) => {
      form.shareIndex[c][j].forEach((idx, k) => {
        if (values[idx] <= 1e-9) return;
        const point = demand.entries[c][j].points[k];
        shares[pool.key] = (shares[pool.key] ?? 0) + values[idx];
        operatingPoints.push({ classId: p.id, poolKey: pool.key, batch: point.batch, ...(point.prefillAllowanceSeconds !== undefined ? { prefillAllowanceSeconds: point.prefillAllowanceSeconds } : {}), share: values[idx] });
        averagePowerWatts += p.ratePerSecond * values[idx] * point.energyJ;
      });
    });
    routing[p.id] = shares;
  });
  return { instances, routing, operatingPoints, averagePowerWatts, peakPowerWatts, capexUsd, rentUsdPerHour, hardwareUsd, outputTokensPerSecond };
}

/** Assembles the Plan. */
export function buildPlan(
  demand: Demand,
  form: Formulation,
  values: readonly number[],
  options: ResolvedOptions,
  extra: { llmId: string; objectiveValue: number; lpRelaxationObjective?: number; binding: BindingConstraint[]; solver: SolverInfo; notes: string[] },
): Plan {
  const fig = computeFigures(demand, form, values, extra.llmId);
  const energyUsd = fig.averagePowerWatts * form.horizonSeconds * form.usdPerJoule;
  return {
    objective: options.objective,
    objectiveValue: extra.objectiveValue,
    lpRelaxationObjective: extra.lpRelaxationObjective,
    instances: fig.instances,
    routing: fig.routing,
    operatingPoints: fig.operatingPoints,
    cost: { capexUsd: fig.capexUsd, rentUsdPerHour: fig.rentUsdPerHour, tcoUsd: fig.hardwareUsd + energyUsd, energyUsd, horizonYears: options.horizonYears },
    powerWatts: fig.peakPowerWatts,
    energy: {
      energyJPerDay: fig.averagePowerWatts * SECONDS_PER_DAY,
      jPerOutputToken: fig.outputTokensPerSecond > 0 ? fig.averagePowerWatts / fig.outputTokensPerSecond : 0,
      averagePowerWatts: fig.averagePowerWatts,
    },
    binding: extra.binding,
    solver: extra.solver,
    notes: extra.notes,
  };
}
