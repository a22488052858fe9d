/**
 * One grid cell, solved: the base problem with the cell's scales applied, planned (and, when the grid asks, run
 * through the plan → kernel check → tighten loop). Pure and deterministic: the same base and cell give the same
 * result on any thread, which is what makes sharded runs merge into the unsharded one byte for byte.
 */
import { instanceGpus } from '../../catalogs/precision.js';
import type { Datacenter, GpuSpec, InstancePool, LlmSpec, Mix, Precision, SloSet } from '../../catalogs/types.js';
import type { CheckPlan } from '../check/check-result.js';
import { createKernelChecker, type KernelCheckOptions } from '../check/kernel-check.js';
import { planAndCheck } from '../check/loop.js';
import { createPerfModelFor } from '../demand/perf-adapter.js';
import { planFleet } from '../milp/plan.js';
import type { Objective, Plan, PlanOptions, PlanRequest } from '../types.js';
import type { AxisName, Cell, SweepMetric } from './grid.js';

/** Everything a cell needs, as plain data (it crosses to worker threads by structured clone). */
export interface ScenarioBase {
  readonly mix: Mix;
  readonly slo: SloSet;
  readonly datacenter: Datacenter;
  readonly gpus: readonly GpuSpec[];
  readonly llm: LlmSpec;
  /** Weight formats the planner may use (default: every format each GPU has). */
  readonly precisions?: readonly Precision[];
  readonly objective: Objective;
  readonly metric: SweepMetric;
  readonly check: boolean;
  readonly durationS: number;
  readonly seed: number;
}

/** A cell's outcome, snake_case with units (the sweep JSON contract). */
export interface CellResult {
  readonly index: number;
  readonly row: number;
  readonly col: number;
  readonly scales: Record<AxisName, number>;
  readonly ok: boolean;
  /** Kernel verdict; null when the grid does not check or no plan exists. */
  readonly holds: boolean | null;
  readonly tco_usd: number | null;
  readonly j_per_output_token: number | null;
  readonly gpus: number | null;
  readonly instances: ReadonlyArray<{ readonly pool: string; readonly count: number }>;
  readonly rounds: number;
  readonly stopped_because?: string;
  readonly reason?: string;
}

/** The base problem with a cell's scales applied: arrival rates, every SLO bound, every GPU price. */
export function scaleScenario(base: ScenarioBase, scales: Record<AxisName, number>): ScenarioBase {
  const mix: Mix = { ...base.mix, classes: base.mix.classes.map((c) => ({ ...c, arrivalRatePerSecond: c.arrivalRatePerSecond * scales.rate_scale })) };
  const slo: SloSet = {
    ...base.slo,
    targets: base.slo.targets.map((t) => (t.kind === 'absolute' ? { ...t, maxValue: t.maxValue * scales.slo_scale } : { ...t, maxSlowdown: t.maxSlowdown * scales.slo_scale })),
  };
  const gpus = base.gpus.map((g) => ({
    ...g,
    ...(g.capexUsd !== undefined ? { capexUsd: g.capexUsd * scales.price_scale } : {}),
    ...(g.rentUsdPerHour !== undefined ? { rentUsdPerHour: g.rentUsdPerHour * scales.price_scale } : {}),
  }));
  return { ...base, mix, slo, gpus };
}

// Models depend on the GPU and LLM, never on prices or traffic: one memo per thread serves every cell.
const perfModelFor = createPerfModelFor();

function gpuCount(plan: Plan): number {
  return plan.instances.reduce((a, i) => a + i.count * instanceGpus(i), 0);
}

/** The metric's value for a cell (null when there is no plan). */
export function metricOf(result: CellResult, metric: SweepMetric): number | null {
  if (!result.ok) return null;
  if (metric === 'holds') return result.holds === null ? null : result.holds ? 1 : 0;
  return result[metric];
}

/** A cell's result and the plan behind it (offered to its easier neighbours' loops; not part of the JSON). */
export interface CellOutcome {
  readonly result: CellResult;
  readonly plan?: Plan;
}

/**
 * The cheapest of the neighbours' plans re-costed for this cell (their fleets with counts fixed): what the cell's
 * loop checks first. A plan the cell's formulation cannot serve with its fleet is no candidate.
 */
async function cheapestCandidate(request: PlanRequest, options: PlanOptions, neighbours: readonly Plan[]): Promise<Plan | undefined> {
  let best: Plan | undefined;
  for (const plan of neighbours) {
    const counts: Record<string, number> = {};
    for (const i of plan.instances) if (i.count > 0) counts[i.poolKey] = (counts[i.poolKey] ?? 0) + i.count;
    const out = await planFleet(request, { ...options, fixedCounts: counts });
    if (out.ok && (!best || out.plan.objectiveValue < best.objectiveValue)) best = { ...out.plan, notes: [...out.plan.notes, "the harder neighbouring cell's plan, re-costed for this cell"] };
  }
  return best;
}

/** How a cell builds its kernel checker: synchronous by default; the CLI passes one that yields and stops on Ctrl-C. */
export type MakeChecker = (options: KernelCheckOptions) => CheckPlan;

/**
 * Plans one cell; `neighbours` are its harder neighbours' plans (neighbours.ts), checked first. `makeChecker` only
 * changes how the kernel check runs (e.g. sliced, stoppable), never what it answers.
 */
export async function runCellOutcome(base: ScenarioBase, cell: Cell, neighbours: readonly Plan[] = [], makeChecker: MakeChecker = createKernelChecker): Promise<CellOutcome> {
  const s = scaleScenario(base, cell.scales);
  const request: PlanRequest = { mix: s.mix, slo: s.slo, datacenter: s.datacenter, gpus: s.gpus, llm: s.llm, perfModelFor };
  const options = { objective: s.objective, explain: false, ...(s.precisions !== undefined ? { precisions: s.precisions } : {}) };
  const head = { index: cell.index, row: cell.row, col: cell.col, scales: cell.scales };
  const candidate = neighbours.length > 0 ? await cheapestCandidate(request, options, neighbours) : undefined;
  let plan: Plan | undefined;
  let holds: boolean | null = null;
  let rounds = 1;
  let tail: { stopped_because?: string; reason?: string } = {};
  if (s.check) {
    const gpuById = new Map(s.gpus.map((g) => [g.id, g]));
    const kernelPerf = (pool: InstancePool) => perfModelFor(gpuById.get(pool.gpu)!, s.llm, pool, pool.powerCapWatts)!;
    const checker = makeChecker({ mix: s.mix, slo: s.slo, perfModelFor: kernelPerf, seed: s.seed, durationSeconds: s.durationS });
    // The loop checks the candidate first and returns the cheapest fleet it proved, the candidate included.
    const loop = await planAndCheck(request, checker, { ...options, ...(candidate ? { candidate } : {}) });
    plan = loop.plan;
    holds = loop.plan ? loop.holds : null;
    rounds = loop.rounds.length;
    tail = { stopped_because: loop.stoppedBecause, ...(loop.reason ? { reason: loop.reason } : {}) };
  } else {
    const out = await planFleet(request, options);
    if (out.ok) plan = out.plan;
    else tail = { reason: out.reason };
    // Unchecked, the answer is the cheaper of the cell's own optimum and the neighbour's fleet (a solver stopped at
    // its deadline may leave the own optimum dearer).
    if (candidate && (!plan || candidate.objectiveValue < plan.objectiveValue)) {
      plan = candidate;
      tail = {};
    }
  }
  if (!plan) return { result: { ...head, ok: false, holds: null, tco_usd: null, j_per_output_token: null, gpus: null, instances: [], rounds, ...tail } };
  return {
    plan,
    result: {
      ...head,
      ok: true,
      holds,
      tco_usd: plan.cost.tcoUsd,
      j_per_output_token: plan.energy.jPerOutputToken,
      gpus: gpuCount(plan),
      instances: plan.instances.map((i) => ({ pool: i.poolKey, count: i.count })),
      rounds,
      ...tail,
    },
  };
}

/** Plans one cell alone (no neighbours' plans). */
export async function runCell(base: ScenarioBase, cell: Cell, neighbours: readonly Plan[] = []): Promise<CellResult> {
  return (await runCellOutcome(base, cell, neighbours)).result;
}
