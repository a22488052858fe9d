/**
 * Planner solve benchmark (`npx tsx bench/planner.ts [--quick] [--standard] [--whole] [--no-trim] [--warmup]`): every
 * catalog GPU type × TP {1,2,4,8} × 2 roles (prefill, decode) × 4 classes (the first class of four catalog mixes),
 * llama-3.1-70b, objective tco, SLO `relaxed` (`--standard` for the standard set). Per scenario: formulation size; the default solve
 * exactly as `plan` calls it (javascript-lp-solver block by block, verified, HiGHS past its size rule) and whether it
 * fell back; HiGHS through the same split and on the whole model, with the ratio default / HiGHS in the same run;
 * javascript-lp-solver on the unsplit model once (what the split saves). Medians of 3 runs (1 with --quick). A second
 * scenario adds colocated pools and 70%-capped decoders (3 roles, 2 caps); a third (`--whole` alone) times the whole
 * `plan` (LP relaxation, bound tightening, MILP, kernel check of 20 simulated minutes, tightening rounds, TRIM).
 * The whole plan reports wall and CPU time (process.cpuUsage: main thread and check threads), the main thread's own
 * CPU time (until the first kernel check and in all) and the load average. `--warmup` adds the HiGHS warm-up thread
 * (bench/highs-warmup.ts: an experiment `plan` does not adopt; its file comment has the measurement).
 * `--highs-option NAME=VALUE` (repeatable) sets a HiGHS option on every MILP of the run, to measure a setting in the
 * whole loop (planner/milp/solvers/highs.ts setExperimentalMipOptions; `mip_heuristic_run_root_reduced_cost=true`
 * restores the HiGHS default that HIGHS_MIP_HEURISTICS turns off). `--solves` adds every HiGHS run of the whole
 * plan's loop (bench/solve-trace.ts: step, shape, size, nodes, wall, this thread's CPU) and their totals.
 * `plan_default_ms` is one `planFleet` call (HiGHS LP relaxation for bounds and duals, then the default MILP solve).
 * Prints one JSON document.
 */
import { loadavg } from 'node:os';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import type { InstancePool } from '../catalogs/types.js';
import { createThreadedCheckAt } from '../planner/check/threaded-check.js';
import { planAndCheck } from '../planner/check/loop.js';
import { startHighsWarmup } from './highs-warmup.js';
import { mainThreadCpuMs } from './thread-cpu.js';
import { traceSolves } from './solve-trace.js';
import { wholeCatalogCheckSpec, wholeCatalogRequest } from './whole-catalog-request.js';
import { DEFAULT_CHECK_SEEDS, DEFAULT_TRIM_CHECKS } from '../planner/cli/commands/plan.js';
import { checkSeeds, createRobustChecker } from '../planner/check/robust-check.js';
import { deriveDemand } from '../planner/demand/demand.js';
import { formulatePlan } from '../planner/milp/formulate.js';
import { resolveOptions } from '../planner/options.js';
import { planFleet } from '../planner/milp/plan.js';
import { memoDemand } from '../planner/milp/demand-memo.js';
import { createHash } from 'node:crypto';
import { enumeratePools } from '../planner/demand/pools.js';
import { solveModel } from '../planner/milp/solve.js';
import { solveWithJsLp } from '../planner/milp/solvers/jslp.js';
import { setExperimentalMipOptions, solveWithHighs } from '../planner/milp/solvers/highs.js';
import type { PlanOptions } from '../planner/types.js';

const quick = process.argv.includes('--quick');
const catalog = loadBuiltinCatalog();
const request = wholeCatalogRequest(catalog, process.argv.includes('--standard') ? 'standard' : 'relaxed');
const clockMs = () => performance.now();

async function scenario(name: string, planOptions: PlanOptions) {
  const options = resolveOptions(planOptions, request.datacenter.powerCapWatts);
  const { pools } = enumeratePools(request.gpus, request.llm, request.perfModelFor, options);
  const t0 = clockMs();
  const demand = deriveDemand(request, pools, options);
  const form = formulatePlan(demand, options);
  const formulateMs = clockMs() - t0;
  const model = form.model;
  const size = { pools: pools.length, variables: model.variables.length, integers: model.variables.filter((v) => v.integer).length, rows: model.rows.length };
  const runs = quick ? 1 : 3;
  const timings = { default: [] as number[], highs: [] as number[], highsWhole: [] as number[], jslpWhole: [] as number[] };
  let defaultRun: Awaited<ReturnType<typeof solveModel>> | undefined;
  let highsObjective = NaN;
  let jslpWhole = { status: 'n/a', objective: NaN };
  await solveWithHighs({ variables: [], rows: [], objectiveOffset: 0 }, { deadlineMs: 1000 }); // load the wasm outside the timing
  const timed = async <T>(into: number[], f: () => Promise<T>): Promise<T> => {
    const t = clockMs();
    const out = await f();
    into.push(clockMs() - t);
    return out;
  };
  for (let r = 0; r < runs; r++) {
    // The default solve exactly as `plan` calls it (javascript-lp-solver, block by block, verified, size rule).
    defaultRun = await timed(timings.default, () => solveModel(model, { solver: options.solver, deadlineMs: 60_000, mipRelGap: options.mipRelGap, clockMs }));
    // HiGHS through the same path (same blocks), and on the whole model at once.
    await timed(timings.highs, () => solveModel(model, { solver: 'highs', deadlineMs: 60_000, mipRelGap: options.mipRelGap, clockMs }));
    highsObjective = (await timed(timings.highsWhole, () => solveWithHighs(model, { deadlineMs: 60_000, mipRelGap: options.mipRelGap, clockMs }))).objective;
    // javascript-lp-solver on the whole model (no split), once: what the split saves.
    if (r === 0 && !quick) {
      const j = await timed(timings.jslpWhole, () => solveWithJsLp(model, { deadlineMs: 30_000, clockMs }));
      jslpWhole = { status: j.status, objective: j.objective };
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const t1 = clockMs();
  const full = await planFleet(request, { ...planOptions, clockMs });
  const planMs = clockMs() - t1;
  return {
    scenario: name,
    ...size,
    formulate_ms: Math.round(formulateMs),
    default_solver: options.solver,
    default_solve_ms: Math.round(median(timings.default)),
    default_solve_info: defaultRun?.info,
    default_objective: defaultRun?.solution.objective,
    highs_ms: Math.round(median(timings.highs)),
    default_over_highs: +(median(timings.default) / median(timings.highs)).toFixed(2),
    highs_whole_model_ms: Math.round(median(timings.highsWhole)),
    highs_whole_model_objective: highsObjective,
    ...(timings.jslpWhole.length > 0 ? { jslp_whole_model_ms: Math.round(timings.jslpWhole[0]), jslp_whole_model: jslpWhole } : {}),
    plan_default_ms: Math.round(planMs),
    plan_default_solver: full.ok ? full.plan.solver : full.solver,
    plan_ok: full.ok,
    ...(full.ok ? { plan_instances: full.plan.instances.map((i) => `${i.count}× ${i.poolKey}`) } : { plan_reason: full.reason }),
  };
}

/** The whole `plan`: solve → kernel check of 20 simulated minutes (conserve) → tighten → TRIM (plan's default budget of checks; `--no-trim` skips), as the CLI runs it. */
async function wholePlan() {
  // As `plan` checks: at every check seed (1, 2, 3), stopping at the first miss, two seeds at once on worker threads.
  const threaded = createThreadedCheckAt(wholeCatalogCheckSpec(request), 2);
  const checker = createRobustChecker(threaded.checkAt, checkSeeds(1, DEFAULT_CHECK_SEEDS), { concurrency: 2 });
  let kernelMs = 0;
  const loadBefore = loadavg().map((x) => +x.toFixed(2));
  const cpu0 = process.cpuUsage();
  const t0 = clockMs();
  // --warmup: HiGHS warms up on a worker thread while this one derives demand, stopped before the first check.
  const warmup = withWarmup ? startHighsWarmup() : undefined;
  let warmupEndedMs: number | undefined;
  void warmup?.ended.then(() => (warmupEndedMs = clockMs() - t0));
  let firstCheckMs: number | undefined;
  let firstCheckMainCpuMs: number | undefined;
  const mainCpu0 = mainThreadCpuMs();
  const trace = withSolves ? traceSolves(clockMs) : undefined;
  // The loop's check options go through as `plan` passes them: a refutation may stop once its miss is certain, and
  // TRIM's next removal is screened beside the current one (check-result.ts, CheckOptions).
  const result = await planAndCheck(request, async (fleet, check) => {
    if (firstCheckMs === undefined) {
      firstCheckMs = clockMs() - t0;
      firstCheckMainCpuMs = mainThreadCpuMs() - mainCpu0;
      await warmup?.stop();
    }
    const t = clockMs();
    trace?.checkStarted();
    const r = await checker(fleet, check).finally(() => trace?.checkEnded());
    kernelMs += clockMs() - t;
    return r;
  }, { clockMs, solveBesideChecks: true, ...(solverArg ? { solver: solverArg } : {}), ...(noTrim ? {} : { trim: { maxChecks: DEFAULT_TRIM_CHECKS } }) }).finally(async () => {
    await warmup?.stop();
    await threaded.close();
  });
  const wallMs = clockMs() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    scenario: 'whole plan: solve + kernel check (1200 simulated s, up to 3 seeds) per round, TRIM, cheaper search',
    target_ms: 30_000,
    wall_ms: Math.round(wallMs),
    // The whole process (the main thread's MILPs and the check threads' kernel runs): on a shared machine the
    // figure that does not depend on what else runs.
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    load_before: loadBefore,
    load_after: loadavg().map((x) => +x.toFixed(2)),
    // The HiGHS warm-up thread (--warmup, bench/highs-warmup.ts): how it ended and when; and when the first kernel
    // check started (the warm-up is stopped then if still running).
    highs_warmup: warmup ? { outcome: await warmup.ended, ended_ms: warmupEndedMs === undefined ? null : Math.round(warmupEndedMs) } : 'off',
    first_check_ms: firstCheckMs === undefined ? null : Math.round(firstCheckMs),
    // This thread's CPU time until then (demand, LP relaxations, the first MILP): what the warm-up saves, whatever else runs.
    first_check_main_cpu_ms: firstCheckMainCpuMs === undefined ? null : Math.round(firstCheckMainCpuMs),
    main_cpu_ms: Math.round(mainThreadCpuMs() - mainCpu0),
    // Wall time spent awaiting checks. The cheaper search's next MILP runs on this thread while a check is pending
    // (solveBesideChecks), so this includes that overlap: it is not the kernel's own time.
    kernel_ms: Math.round(kernelMs),
    rounds: result.rounds.length,
    holds: result.holds,
    stopped_because: result.stoppedBecause,
    reason: result.reason,
    // For a check stopped at a certain miss (stopped_early_rounds), an upper bound.
    attainment_by_round: result.rounds.map((r) => r.check?.attainment?.observed ?? null),
    stopped_early_rounds: result.rounds.flatMap((r, i) => (r.check?.stoppedEarly ? [i] : [])),
    misses_by_round: result.rounds.map((r) => [
      ...(r.check?.slos ?? []).filter((v) => !v.holds).map((v) => `p${v.percentile} ${v.metric} ${v.observed.toPrecision(4)} > ${v.target}`),
      // A check stopped at a certain miss reports the largest attainment its full run could have reached.
      ...(r.check?.attainment && !r.check.attainment.holds ? [r.check.stoppedEarly ? `slo_attainment ≤ ${r.check.attainment.observed.toPrecision(4)} < ${r.check.attainment.required} (stopped at ${r.check.stoppedEarly.atSeconds.toFixed(0)} s)` : `slo_attainment ${r.check.attainment.observed.toPrecision(4)} < ${r.check.attainment.required}`] : []),
    ]),
    cuts_by_round: result.rounds.map((r, i) => (result.rounds[i + 1]?.cuts.filter((c) => !r.cuts.includes(c)) ?? []).map((c) => (c.kind === 'refuted-fleet' ? `refuted ${Object.entries(c.counts).map(([k, n]) => `${n}× ${k}`).join(' + ')}` : `${c.poolKey} ${c.family} ×${c.factor.toFixed(3)}: ${c.why}`))),
    final_instances: result.plan?.instances.map((i) => `${i.count}× ${i.poolKey}`),
    trim: result.trim ? { attempts: result.trim.attempts, removed: result.trim.removed, budget_exhausted: result.trim.budgetExhausted, objective_saved: result.trim.objectiveSaved } : null,
    tco_usd: result.plan?.cost.tcoUsd,
    conversations_checked: (result.check as { simulation?: { counts: { arrived: number } } } | undefined)?.simulation?.counts.arrived,
    // The demand table the plan was derived from (remembered: read after the timings), to compare before and after a
    // change to its derivation.
    demand_entries_sha256: createHash('sha256').update(JSON.stringify(memoDemand(request, resolveOptions({ clockMs, ...(solverArg ? { solver: solverArg } : {}) }, request.datacenter.powerCapWatts)).entries)).digest('hex'),
    // --solves: every HiGHS run of the loop on this thread (bench/solve-trace.ts), and their totals per step and kind.
    ...(trace ? { highs_runs: trace.stop() } : {}),
    highs_options: highsOptions,
  };
}

const wholeOnly = process.argv.includes('--whole');
const noTrim = process.argv.includes('--no-trim');
const withWarmup = process.argv.includes('--warmup');
const withSolves = process.argv.includes('--solves');
// --highs-option NAME=VALUE (repeatable): HiGHS options for every MILP of this run (an experiment; `plan` sets none).
const highsOptions = Object.fromEntries(process.argv.flatMap((a, i, all) => (a === '--highs-option' && all[i + 1]?.includes('=') ? [all[i + 1].split('=')] : [])).map(([k, v]) => [k, v === 'true' ? true : v === 'false' ? false : Number.isFinite(Number(v)) ? Number(v) : v]));
setExperimentalMipOptions(highsOptions);
const solverArg = process.argv.find((a) => a.startsWith('--solver='))?.slice('--solver='.length) as 'jslp' | 'highs' | undefined;
const results: unknown[] = [];
if (!wholeOnly) results.push(await scenario('2 roles, TDP', { roles: ['prefill', 'decode'], powerCapFractions: { decode: [1] } }));
if (!quick && !wholeOnly) results.push(await scenario('3 roles, decoders also at 70% TDP', {}));
if (!quick || wholeOnly) results.push(await wholePlan());
console.log(JSON.stringify({ node: process.version, gpus: request.gpus.length, classes: request.mix.classes.length, llm: request.llm.id, slo: request.slo.id, results }, null, 2));
