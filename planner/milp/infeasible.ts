/**
 * Why a well-formed model has no integer solution: the fleet-wide limits (budget, facility power cap, per-type
 * availability) are dropped one at a time; when dropping one makes a plan possible, the answer names it and the
 * least value of it that would work (the minimum budget is the least TCO; the minimum power cap the least
 * provisioned power).
 */
import type { Demand } from '../demand/demand.js';
import { formulatePlan } from './formulate.js';
import type { LpModel } from './lp-model.js';
import type { ResolvedOptions } from '../options.js';
import { solveModel } from './solve.js';

type Limit = 'budget' | 'power' | 'availability';

function without(options: ResolvedOptions, limit: Limit): ResolvedOptions {
  if (limit === 'budget') return { ...options, budgetUsd: undefined };
  if (limit === 'power') return { ...options, powerCapWatts: undefined };
  return { ...options, availabilityGpus: {} };
}

async function minimise(model: LpModel, options: ResolvedOptions): Promise<number | undefined> {
  const res = await solveModel(model, { solver: 'highs', deadlineMs: options.deadlineMs, maxNodes: options.maxNodes, mipRelGap: 1e-6 });
  return res.verification?.ok ? res.solution.objective : undefined;
}

/** Explains an infeasible MILP in words, or returns undefined when no single fleet limit is the cause. */
export async function explainInfeasible(demand: Demand, options: ResolvedOptions): Promise<string | undefined> {
  const present: Limit[] = [];
  if (options.budgetUsd !== undefined) present.push('budget');
  if (options.powerCapWatts !== undefined) present.push('power');
  if (Object.keys(options.availabilityGpus).length > 0) present.push('availability');
  for (const limit of present) {
    const relaxed = without(options, limit);
    if (limit === 'budget') {
      const least = await minimise(formulatePlan(demand, { ...relaxed, objective: 'tco' }).model, relaxed);
      if (least !== undefined) return `the budget of ${fmtUsd(options.budgetUsd!)} is below the cheapest feasible plan: the minimum budget is ${fmtUsd(least)} (TCO over ${options.horizonYears} years)`;
    } else if (limit === 'power') {
      const form = formulatePlan(demand, { ...relaxed, objective: 'gpus' });
      const model: LpModel = {
        ...form.model,
        variables: form.model.variables.map((v, i) => {
          const j = form.countIndex.indexOf(i);
          return { ...v, objective: j >= 0 ? demand.facts[j].peakWatts : 0 };
        }),
      };
      const least = await minimise(model, relaxed);
      if (least !== undefined) return `the facility power cap of ${(options.powerCapWatts! / 1000).toFixed(1)} kW is below the least provisioned GPU power of any feasible plan: ${(least / 1000).toFixed(1)} kW`;
    } else {
      const form = formulatePlan(demand, relaxed);
      const least = await minimise(form.model, relaxed);
      if (least !== undefined) {
        const limits = Object.entries(options.availabilityGpus).map(([g, n]) => `${n} × ${g}`).join(', ');
        return `the available GPUs (${limits}) cannot carry the traffic; without the availability limits a plan exists`;
      }
    }
  }
  if (present.length > 1) {
    let relaxed = options;
    for (const l of present) relaxed = without(relaxed, l);
    const least = await minimise(formulatePlan(demand, relaxed).model, relaxed);
    if (least !== undefined) return `the ${present.join(', ')} limits are jointly too tight: each alone could be met, not all together`;
  }
  return undefined;
}

function fmtUsd(usd: number): string {
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}
