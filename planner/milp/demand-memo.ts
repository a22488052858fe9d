/**
 * The candidate pools and their demand table, remembered per request and per demand-relevant options. The loop solves
 * one request many times with only its cuts, objective bound or fixed counts changed (those shape the MILP's rows,
 * not what a conversation costs a pool), and the tier comparison asks for the same request's TTFET floors again:
 * deriving the table was 1–2 s of each README `plan` (bench/readme-plan.ts). A memo of pure functions, keyed on the
 * request object (a WeakMap: it goes with the request), so no answer changes.
 */
import { deriveDemand, type Demand } from '../demand/demand.js';
import { enumeratePools, type PoolSet } from '../demand/pools.js';
import type { ResolvedOptions } from '../options.js';
import type { PlanRequest } from '../types.js';

/** Options that change only the MILP's rows or how it is solved, never the pools or the demand table. */
const SOLVE_ONLY: ReadonlySet<string> = new Set<keyof ResolvedOptions>([
  'cuts', 'objectiveBelow', 'fixedCounts', 'explain', 'solver', 'deadlineMs', 'maxNodes', 'mipRelGap', 'clockMs',
  'objective', 'budgetUsd', 'powerCapWatts', 'availabilityGpus', 'maxAveragePowerWatts',
]);

interface Entry {
  readonly poolSet: PoolSet;
  demand?: Demand;
}

const memo = new WeakMap<PlanRequest, Map<string, Entry>>();

function keyOf(options: ResolvedOptions): string {
  return JSON.stringify(Object.entries(options).filter(([k, v]) => !SOLVE_ONLY.has(k) && typeof v !== 'function').sort(([a], [b]) => a.localeCompare(b)));
}

function entryFor(request: PlanRequest, options: ResolvedOptions): Entry {
  let byOptions = memo.get(request);
  if (!byOptions) memo.set(request, (byOptions = new Map()));
  const key = keyOf(options);
  let entry = byOptions.get(key);
  if (!entry) byOptions.set(key, (entry = { poolSet: enumeratePools(request.gpus, request.llm, request.perfModelFor, options, request.serving) }));
  return entry;
}

/** enumeratePools(request.gpus, request.llm, request.perfModelFor, options, request.serving), remembered. */
export function memoPools(request: PlanRequest, options: ResolvedOptions): PoolSet {
  return entryFor(request, options).poolSet;
}

/** deriveDemand(request, memoPools(request, options).pools, options), remembered. */
export function memoDemand(request: PlanRequest, options: ResolvedOptions): Demand {
  const entry = entryFor(request, options);
  entry.demand ??= deriveDemand(request, entry.poolSet.pools, options);
  return entry.demand;
}
