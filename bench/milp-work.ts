/**
 * HiGHS's work on the planner's large MILPs, as the model was built before and after two exact reductions:
 * refuted fleets contained in another get no rows (milp/fleet-shape-rows.ts) and capacity rows implied by another row
 * of the same pool are left out (milp/implied-rows.ts). Branch-and-bound nodes and simplex iterations are counts of
 * work — the same on any machine and under any load — so they compare the variants where CPU time on a shared
 * machine cannot; CPU time (process.cpuUsage around HiGHS's run) is printed beside them. Every variant's optimum is
 * printed too (they must agree).
 *
 * `npx tsx bench/milp-work.ts [--readme] [FILE]`: the first MILP (disaggregated shape, after its LP relaxation's bound
 * tightening, as solve-shapes.ts solves it) of the catalog-wide bench (bench/planner.ts's request) or, with --readme,
 * of the README command; FILE (a `npx tsx bench/planner.ts --whole` output) adds that run's cheaper-search MILPs, with
 * the refuted fleets its rounds recorded (cuts_by_round) and its final TCO as the objective bound (`--cheaper N`: its
 * last N rounds were the cheaper search's, default 3). One warm-up solve
 * first: the first MILP in a process runs HiGHS's WebAssembly before V8 has optimised it (seconds; not the model's
 * doing). Prints one JSON line per (case, variant).
 */
import { readFileSync } from 'node:fs';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import type { Mix } from '../catalogs/types.js';
import { createPerfModelFor } from '../planner/demand/perf-adapter.js';
import { resolveOptions } from '../planner/options.js';
import { memoDemand } from '../planner/milp/demand-memo.js';
import { dropDominatedPools } from '../planner/milp/dominance.js';
import { shapeCases } from '../planner/milp/shape-cases.js';
import { formulatePlan } from '../planner/milp/formulate.js';
import { addRefutedFleetRows } from '../planner/milp/fleet-shape-rows.js';
import { LpBuilder, relaxModel, type LpModel } from '../planner/milp/lp-model.js';
import { solveModel } from '../planner/milp/solve.js';
import { tightenBounds } from '../planner/milp/bounds.js';
import { withoutImpliedRows } from '../planner/milp/implied-rows.js';
import { getHighs } from '../planner/milp/solvers/highs.js';
import type { PlanCut } from '../planner/types.js';

const catalog = loadBuiltinCatalog();
const readme = process.argv.includes('--readme');
const file = process.argv.slice(2).find((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--cheaper');
const mixIds = ['coding-agent', 'research-agent', 'multi-turn-chat', 'long-context-rag'];
const mix: Mix = readme
  ? catalog.mixes.get('coding-agent')!
  : { id: 'bench-4-classes', name: 'bench', description: 'first class of four catalog mixes', classes: mixIds.map((id) => ({ ...catalog.mixes.get(id)!.classes[0], id, arrivalRatePerSecond: 2 })), sources: {} };
const request = { mix, slo: catalog.slos.get(readme ? 'standard' : 'relaxed')!, datacenter: catalog.datacenters.get('default')!, gpus: [...catalog.gpus.values()], llm: catalog.llms.get('llama-3.1-70b')!, perfModelFor: createPerfModelFor() };
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** HiGHS on `model` as the planner calls it (node limit, gap), with its work counters. */
async function work(model: LpModel, maxNodes: number, mipRelGap: number) {
  const highs = await getHighs();
  const inf = highs.infinity;
  const columns: Array<Array<[number, number]>> = model.variables.map(() => []);
  model.rows.forEach((row, r) => row.terms.forEach((t) => columns[t.index].push([r, t.coef])));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const col of columns) {
    for (const [r, c] of col) (indices.push(r), values.push(c));
    starts.push(indices.length);
  }
  const native = highs.createModel({
    numCols: model.variables.length, numRows: model.rows.length, offset: model.objectiveOffset,
    colCost: model.variables.map((v) => v.objective), colLower: model.variables.map((v) => v.lower), colUpper: model.variables.map((v) => (Number.isFinite(v.upper) ? v.upper : inf)),
    rowLower: model.rows.map((r) => (Number.isFinite(r.lower) ? r.lower : -inf)), rowUpper: model.rows.map((r) => (Number.isFinite(r.upper) ? r.upper : inf)),
    matrix: { format: 'csc', numRows: model.rows.length, numCols: model.variables.length, starts, indices, values },
    integrality: model.variables.map((v) => (v.integer ? 1 : 0)),
  });
  try {
    native.options.set({ output_flag: false, mip_max_nodes: maxNodes, mip_rel_gap: mipRelGap, time_limit: 600 });
    const c0 = cpuMs();
    native.run();
    return { objective: native.getObjectiveValue(), nodes: Number(native.info.get('mip_node_count')), simplex_iterations: Number(native.info.get('simplex_iteration_count')), cpu_ms: Math.round(cpuMs() - c0) };
  } finally {
    native.dispose();
  }
}

/** The model as formulated before the reductions: every refuted fleet's rows, then the objective bound. */
function beforeModel(demand: Parameters<typeof formulatePlan>[0], options: ReturnType<typeof resolveOptions>, after: LpModel): LpModel {
  const base = formulatePlan(demand, { ...options, cuts: options.cuts.filter((c) => c.kind !== 'refuted-fleet'), objectiveBelow: undefined });
  const b = new LpBuilder();
  for (const v of base.model.variables) b.addVariable(v);
  for (const r of base.model.rows) b.addRow(r.name, r.terms, r.lower, r.upper);
  addRefutedFleetRows(b, { push: () => 0 }, demand.pools, base.countIndex, options.cuts.flatMap((c) => (c.kind === 'refuted-fleet' ? [c.counts] : [])));
  if (options.objectiveBelow !== undefined) {
    const bound = after.rows[after.rows.length - 1];
    const byName = new Map(b.build().variables.map((v, i) => [v.name, i]));
    b.addRow(bound.name, bound.terms.map((t) => ({ index: byName.get(after.variables[t.index].name)!, coef: t.coef })), bound.lower, bound.upper);
  }
  b.offset = base.model.objectiveOffset;
  return b.build();
}

const run = file ? JSON.parse(readFileSync(file, 'utf8')).results.at(-1) : undefined;
const fleetOf = (text: string) => Object.fromEntries(text.slice('refuted '.length).split(' + ').map((s) => [s.slice(s.indexOf('× ') + 2), Number(s.slice(0, s.indexOf('×')))]));
const refuted: PlanCut[] = run ? (run.cuts_by_round as string[][]).flat().filter((t) => t.startsWith('refuted ')).map((t) => ({ kind: 'refuted-fleet', counts: fleetOf(t), why: 'from the bench run' })) : [];
const cheaperArg = process.argv.indexOf('--cheaper');
const cheaperRounds = run ? (cheaperArg >= 0 ? Number(process.argv[cheaperArg + 1]) : 3) : 0;
const cases: Array<{ name: string; cuts: PlanCut[]; below?: number }> = [{ name: 'first MILP', cuts: [] }];
// The cheaper search's solves (the run's last `--cheaper N` rounds, default 3, each refuted in turn). The last round's
// refutation is not in cuts_by_round (no round follows it), so the i-th of N solves had all recorded fleets but N − i.
for (let k = cheaperRounds - 1; k >= 0; k--) cases.push({ name: `cheaper search, ${refuted.length - k} refuted fleets`, cuts: refuted.slice(0, refuted.length - k), below: run.tco_usd });

await work({ variables: [{ name: 'n', lower: 0, upper: 3, integer: true, objective: 1 }], rows: [{ name: 'r', terms: [{ index: 0, coef: 1 }], lower: 1.5, upper: Infinity }], objectiveOffset: 0 }, 10, 1e-6);
let warm = false;
for (const c of cases) {
  const options = resolveOptions({ objective: 'tco', cuts: c.cuts, ...(c.below !== undefined ? { objectiveBelow: c.below } : {}) }, request.datacenter.powerCapWatts);
  const { demand } = dropDominatedPools(memoDemand(request, options), options);
  const shape = shapeCases(demand, options)[0];
  const after = formulatePlan(shape.demand, options).model;
  const variants: Array<[string, LpModel]> = [['before', beforeModel(shape.demand, options, after)], ['maximal refuted fleets', after], ['maximal refuted fleets, implied rows out (as planned now)', withoutImpliedRows(after).model]];
  for (const [variant, model] of variants) {
    const relaxed = await solveModel(relaxModel(model), { solver: 'highs', deadlineMs: 600_000, relax: true });
    const tightened = tightenBounds(model, relaxed.solution.values).model;
    if (!warm) {
      await work(tightened, options.maxNodes, options.mipRelGap);
      warm = true;
    }
    console.log(JSON.stringify({ case: c.name, shape: shape.shape, variant, rows: model.rows.length, columns: model.variables.length, ...(await work(tightened, options.maxNodes, options.mipRelGap)) }));
  }
}
