/**
 * One planning solve: candidate pools → demand → pre-solve explanations → MILP → verified solution → Plan, or the
 * reason there is none. No I/O; the caller supplies typed inputs and (optionally) a clock.
 */
import { BYTES_PER_WEIGHT, nativePrecision, PRECISIONS, scaleUpProblem } from '../../catalogs/precision.js';
import { weightBytes, weightRoomBytes } from '../../models/specs.js';
import { servingKvCapacityOptions } from '../../models/moe/memory.js';
import { dropDominatedPools } from './dominance.js';
import { memoDemand, memoPools } from './demand-memo.js';
import { explainBinding, explainUnroutable } from './explain.js';
import { explainInfeasible } from './infeasible.js';
import { resolveOptions, type ResolvedOptions } from '../options.js';
import { buildPlan } from './plan-result.js';
import { candidatePrecisions, MAX_MULTI_NODE_DOMAINS, type UnfitGpu } from '../demand/pools.js';
import { explainNoLayout } from '../../models/layouts.js';
import type { Backend } from '../../models/serving/runs.js';
import { memoryRuleBackend } from '../demand/perf-adapter.js';
import type { GpuSpec, LlmSpec, Precision } from '../../catalogs/types.js';
import { solveShapes } from './solve-shapes.js';
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
      reason: `${request.llm.id} (${gb(weights)} of weights${inFormat}) fits on no candidate GPU at any TP ≤ ${maxTp}; ${largestClause(request, options, largest, weights)}` +
        noLayoutDetail(request.gpus.find((g) => g.id === largest.gpu), request.llm, options, memoryRuleBackend(request.serving)),
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
  if (dropped.length > 0) notes.push(`${dropped.length} of ${pools.length} candidate pools left out as dominated: another pool of the same role costs no more (the same GPUs at the same price, or no more GPUs priced no higher) and needs no more time, KV, transfer, power or energy for any class (milp/dominance.ts)`);
  // Shape by shape (solve-shapes.ts): each shape's LP relaxation (it bounds the optimum, feeds the explanation, and its
  // rounded-up counts tighten the integer bounds, bounds.ts), then the MILPs, cheapest bound first.
  const outcome = await solveShapes(demand, options);
  const excluded = new Set(outcome.shapes.flatMap((s) => s.form.excluded));
  notes.push(...demand.pools.flatMap((p) => [...excluded].filter((e) => e.startsWith(`${p.key}:`))));
  const best = outcome.best;
  if (!best) {
    const first = outcome.shapes.find((s) => s.solved) ?? outcome.shapes[0];
    const status = first?.solved?.solution.status ?? first?.relaxed.solution.status;
    const info = first?.solved?.info ?? first?.relaxed.info;
    const everyLpInfeasible = outcome.shapes.every((s) => s.relaxed.solution.status === 'infeasible');
    // Below a known objective, "none is cheaper" is the whole answer: no fleet limit to name.
    if (options.objectiveBelow !== undefined && everyLpInfeasible) return { ok: false, reason: `no plan is cheaper than ${options.objectiveBelow.toPrecision(6)} (the objective bound)`, binding: [], ...(info ? { solver: info } : {}), notes };
    const why = everyLpInfeasible || (status === 'infeasible' && options.objectiveBelow === undefined) ? await explainInfeasible(demand, options) : undefined;
    const reason = why ?? (everyLpInfeasible
      ? 'no plan satisfies every constraint, even with fractional instance counts'
      : status === 'infeasible' ? 'no plan satisfies every constraint (no single fleet limit is the cause)' : `the solver found no verified plan (${status})`);
    return { ok: false, reason, binding: [], ...(info ? { solver: info } : {}), notes };
  }
  const { form, solved } = best;
  const limited = outcome.shapes.filter((s) => s !== best && s.solved && (s.solved.solution.status === 'work-limit' || s.solved.solution.status === 'time-limit'));
  if (limited.length > 0) notes.push(`the ${limited.map((s) => s.shape).join(' and ')} shape stopped at a solver limit: a cheaper plan of that shape may exist`);
  const duals = best.lpBound !== undefined && options.explain ? best.relaxed.solution.rowDuals : undefined;
  const lpRelaxationObjective = outcome.lpRelaxationObjective;
  if (solved.solution.status === 'work-limit') notes.push(`the solver stopped at its node limit (${options.maxNodes} branch-and-bound nodes): the plan is verified feasible but may not be optimal; the limit is a count of work, so any machine gives this plan`);
  if (solved.solution.status === 'time-limit') notes.push(`machine-dependent: the solver stopped at its wall-clock safety net (${options.deadlineMs} ms) before its node limit: the plan is verified feasible but may not be optimal, and a faster or less loaded machine may return another plan`);
  const binding = explainBinding(form, solved.solution.values, duals);
  const plan = buildPlan(best.demand, form, solved.solution.values, options, {
    llmId: request.llm.id,
    objectiveValue: solved.solution.objective,
    lpRelaxationObjective,
    binding,
    solver: solved.info,
    notes,
  });
  return { ok: true, plan };
}

/**
 * The largest GPU's memory and the weights it has room for, under the serving choice's memory rule (--backend): the
 * room, not the memory, is what the weights missed, so "671 GB of weights" is never set next to a larger figure alone.
 * At the widest TP it can run: past its node only with an inter-node link.
 */
function largestClause(request: PlanRequest, options: Pick<ResolvedOptions, 'precisions' | 'tpDegrees'>, largest: UnfitGpu, headlineBytes: number): string {
  const gpu = request.gpus.find((g) => g.id === largest.gpu);
  if (!gpu) return `the largest is ${largest.gpu} at TP${largest.maxTp} with ${gb(largest.memoryBytesAtMaxTp)}`;
  const runnable = options.tpDegrees.filter((t) => scaleUpProblem(gpu, t) === undefined);
  const noLink = `its ${gpu.gpusPerNode}-GPU node, and ${gpu.id} has no inter-node link: inter_node_bytes_per_s is 0`;
  if (runnable.length === 0) return `the largest is ${gpu.id}, but every TP searched (${options.tpDegrees.join(', ')}) is past ${noLink}`;
  const tp = Math.max(...runnable);
  // The rule the pools' perf models use (an MoE LLM under SGLang keeps the default rule: models/moe/memory.ts).
  const room = weightRoomBytes(gpu, request.llm, { tp }, servingKvCapacityOptions(request.llm, memoryRuleBackend(request.serving), { tp, gpus: tp }));
  // Its own weights: in the narrowest format it has, which need not be the format the headline sized them in (an A40
  // has no fp8, so a Kimi-K2 that is 1026 GB in fp8 is 2 TB on it).
  const own = candidatePrecisions(gpu, options.precisions).reduce<Precision | undefined>((a, b) => (a === undefined || BYTES_PER_WEIGHT[b] < BYTES_PER_WEIGHT[a] ? b : a), undefined);
  const ownWeights = own === undefined ? undefined : weightBytes(request.llm, own);
  const theirs = ownWeights !== undefined && gb(ownWeights) !== gb(headlineBytes) ? ` (${request.llm.id}'s weights are ${gb(ownWeights)} in ${own}, the narrowest format ${gpu.id} has)` : '';
  const wider = tp < largest.maxTp ? ` (TP${largest.maxTp} is past ${noLink})` : '';
  return `the largest is ${gpu.id} at TP${tp} with ${gb(gpu.memoryBytes * tp)} of memory, room for at most ${gb(room)} of weights once the runtime's share and a KV block are set aside${theirs}${wider}`;
}

/**
 * What the largest candidate GPU would need (models/layouts.ts), within the multi-node search's reach: in the
 * narrowest format that GPU has (another candidate's fp8 would size an A40 as if it had fp8, find room that is not
 * there and say nothing), and within the ep degrees the user named.
 */
function noLayoutDetail(gpu: GpuSpec | undefined, llm: LlmSpec, options: Pick<ResolvedOptions, 'tpDegrees' | 'requestedEpDegrees' | 'precisions'>, backend?: Backend): string {
  if (!gpu || !llm.moe) return '';
  const native = nativePrecision(llm);
  const bytesOf = (p: Precision) => (p === native ? llm.weightDtypeBytes : BYTES_PER_WEIGHT[p]);
  const formats = candidatePrecisions(gpu, options.precisions);
  if (formats.length === 0) return '';
  const weightBytesPerParameter = Math.min(...formats.map(bytesOf));
  const why = explainNoLayout(gpu, llm, {
    maxGpus: MAX_MULTI_NODE_DOMAINS * Math.max(gpu.gpusPerNode, ...options.tpDegrees), tps: options.tpDegrees, weightBytesPerParameter,
    ...(options.requestedEpDegrees !== undefined ? { eps: options.requestedEpDegrees } : {}),
    // Under the memory rule the pools' models use (`--backend`), as the search that found no layout did.
    ...(backend ? { backend } : {}),
  });
  return why ? `; ${why}` : '';
}
