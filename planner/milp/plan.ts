/**
 * One planning solve: candidate pools → demand → pre-solve explanations → MILP → verified solution → Plan, or the
 * reason there is none. No I/O; the caller supplies typed inputs and (optionally) a clock.
 */
import { BYTES_PER_WEIGHT, nativePrecision, PRECISIONS } from '../../catalogs/precision.js';
import { weightBytes } from '../../models/specs.js';
import { dropDominatedPools } from './dominance.js';
import { memoDemand, memoPools } from './demand-memo.js';
import { explainBinding, explainUnroutable } from './explain.js';
import { formulatePlan } from './formulate.js';
import { explainInfeasible } from './infeasible.js';
import { relaxModel } from './lp-model.js';
import { resolveOptions } from '../options.js';
import { buildPlan } from './plan-result.js';
import { candidatePrecisions, MAX_MULTI_NODE_DOMAINS } from '../demand/pools.js';
import { explainNoLayout } from '../../models/layouts.js';
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import { solveModel } from './solve.js';
import { tightenBounds } from './bounds.js';
import { verifySolution } from './verify.js';
import type { PlanOptions, PlanOutcome, PlanRequest } from '../types.js';

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(0)} GB`;
}

/** Plans the cheapest (or least-energy, or fewest-GPU) fleet for the request. */
export async function planFleet(request: PlanRequest, planOptions: PlanOptions = {}): Promise<PlanOutcome> {
  const options = resolveOptions(planOptions, request.datacenter.powerCapWatts);
  const notes: string[] = [];
  if (request.gpus.length === 0) return { ok: false, reason: 'the candidate GPU set is empty: name at least one GPU type', binding: [], notes };
  if (request.mix.classes.length === 0) return { ok: false, reason: `mix ${request.mix.id} has no conversation classes`, binding: [], notes };
  const { pools, unfit, broken, multiNode } = memoPools(request, options);
  notes.push(...multiNode);
  if (broken.length > 0) notes.push(`left out ${broken.length} pool(s) whose performance model returned a non-finite or non-positive figure: ${broken.join(', ')}`);
  const maxTp = Math.max(...options.tpDegrees);
  if (pools.length === 0 && broken.length > 0) {
    return { ok: false, reason: `every candidate pool's performance model returned a non-finite or non-positive figure (${broken.slice(0, 3).join(', ')}${broken.length > 3 ? ', …' : ''})`, binding: [], notes };
  }
  if (pools.length === 0) {
    const largest = unfit.reduce((a, b) => (b.memoryBytesAtMaxTp > a.memoryBytesAtMaxTp ? b : a));
    // The weights in the narrowest format any candidate GPU was tried in: what would have had to fit.
    const tried = PRECISIONS.filter((p) => request.gpus.some((g) => candidatePrecisions(g, options.precisions).includes(p)));
    const narrowest = tried.reduce((a, b) => (BYTES_PER_WEIGHT[b] < BYTES_PER_WEIGHT[a] ? b : a), nativePrecision(request.llm));
    const weights = weightBytes(request.llm, narrowest);
    const inFormat = narrowest === nativePrecision(request.llm) ? '' : ` in ${narrowest}`;
    return {
      ok: false,
      reason: `${request.llm.id} (${gb(weights)} of weights${inFormat}) fits on no candidate GPU at any TP ≤ ${maxTp}; the largest is ${largest.gpu} at TP${largest.maxTp} with ${gb(largest.memoryBytesAtMaxTp)}` +
        noLayoutDetail(request.gpus.find((g) => g.id === largest.gpu), request.llm, options.tpDegrees, BYTES_PER_WEIGHT[narrowest]),
      binding: [],
      notes,
    };
  }
  for (const u of unfit) notes.push(`${u.gpu}: ${request.llm.id} does not fit at any TP ≤ ${maxTp}`);
  const allDemand = memoDemand(request, options);
  for (let c = 0; c < allDemand.profiles.length; c++) {
    const reason = explainUnroutable(allDemand, c, request.llm.id, maxTp);
    if (reason) return { ok: false, reason, binding: [], notes };
  }
  const { demand, dropped } = dropDominatedPools(allDemand, options);
  if (dropped.length > 0) notes.push(`${dropped.length} of ${pools.length} candidate pools left out as dominated: another pool of the same GPUs and role costs the same and needs no more time, KV, transfer, power or energy for any class (milp/dominance.ts)`);
  const form = formulatePlan(demand, options);
  notes.push(...form.excluded);
  const solveOptions = { solver: options.solver, deadlineMs: options.deadlineMs, maxNodes: options.maxNodes, mipRelGap: options.mipRelGap, clockMs: options.clockMs };
  // The LP relaxation first (always HiGHS: it has duals): it bounds the optimum, feeds the explanation, and its
  // rounded-up counts tighten the integer bounds before branch-and-bound (bounds.ts).
  const relaxed = await solveModel(relaxModel(form.model), { ...solveOptions, solver: 'highs', relax: true });
  if (relaxed.solution.status === 'infeasible') {
    // Below a known objective, "none is cheaper" is the whole answer: no fleet limit to name.
    if (options.objectiveBelow !== undefined) return { ok: false, reason: `no plan is cheaper than ${options.objectiveBelow.toPrecision(6)} (the objective bound)`, binding: [], solver: relaxed.info, notes };
    const why = await explainInfeasible(demand, options);
    return { ok: false, reason: why ?? 'no plan satisfies every constraint, even with fractional instance counts', binding: [], solver: relaxed.info, notes };
  }
  const relaxedOk = relaxed.verification?.ok === true;
  const lpRelaxationObjective = relaxedOk ? relaxed.solution.objective : undefined;
  const duals = relaxedOk && options.explain ? relaxed.solution.rowDuals : undefined;
  const model = relaxedOk ? tightenBounds(form.model, relaxed.solution.values).model : form.model;
  const solved = await solveModel(model, solveOptions);
  if (!solved.verification?.ok || !verifySolution(form.model, solved.solution.values).ok) {
    const why = solved.solution.status === 'infeasible' && options.objectiveBelow === undefined ? await explainInfeasible(demand, options) : undefined;
    const reason = why ?? (solved.solution.status === 'infeasible' ? 'no plan satisfies every constraint (no single fleet limit is the cause)' : `the solver found no verified plan (${solved.solution.status})`);
    return { ok: false, reason, binding: [], solver: solved.info, notes };
  }
  if (solved.solution.status === 'work-limit') notes.push(`the solver stopped at its node limit (${options.maxNodes} branch-and-bound nodes): the plan is verified feasible but may not be optimal; the limit is a count of work, so any machine gives this plan`);
  if (solved.solution.status === 'time-limit') notes.push(`machine-dependent: the solver stopped at its wall-clock safety net (${options.deadlineMs} ms) before its node limit: the plan is verified feasible but may not be optimal, and a faster or less loaded machine may return another plan`);
  const binding = explainBinding(form, solved.solution.values, duals);
  const plan = buildPlan(demand, form, solved.solution.values, options, {
    llmId: request.llm.id,
    objectiveValue: solved.solution.objective,
    lpRelaxationObjective,
    binding,
    solver: solved.info,
    notes,
  });
  return { ok: true, plan };
}

/** What the largest candidate GPU would need (models/layouts.ts), within the multi-node search's reach. */
function noLayoutDetail(gpu: GpuSpec | undefined, llm: LlmSpec, tpDegrees: readonly number[], weightBytesPerParameter: number): string {
  if (!gpu || !llm.moe) return '';
  const why = explainNoLayout(gpu, llm, { maxGpus: MAX_MULTI_NODE_DOMAINS * Math.max(gpu.gpusPerNode, ...tpDegrees), tps: tpDegrees, weightBytesPerParameter });
  return why ? `; ${why}` : '';
}
