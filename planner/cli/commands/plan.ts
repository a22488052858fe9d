/**
 * `fleetplan plan --mix M [--llm L] [--gpus a,b] [--slo S | --ttfet-p95-s N --tbt-p95-ms N] [--objective …]
 * [--power-cap-kw N] [--budget-usd N] [--horizon-years N] [--solver jslp|highs] [--seed N] [--out DIR] [--json]`.
 * The shell around the planner: it reads the catalog and inputs, runs plan → kernel check → tighten, prints the
 * plan (one JSON document with --json) and writes plan.yaml, plan.json and report.html with --out. Exit 0 when the
 * plan holds, 1 when it does not or no plan exists, 2 on bad input (InputError, handled by main).
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { gpuPrecisions, inputError, layoutLabel, loadCatalog, PRECISIONS, resolveMix, resolveSloSet, suggestId } from '../../../catalogs/index.js';
import { scaleUpProblem, widerDegree } from '../../../catalogs/precision.js';
import { candidateLayouts } from '../../demand/pools.js';
import { resolveOptions } from '../../options.js';
import type { Catalog, GpuSpec, InstancePool, Link, LlmSpec, Mix, Precision, SloSet } from '../../../catalogs/types.js';
import type { PerfModel } from '../../../models/index.js';
import { renderReport } from '../../../reports/index.js';
import type { KernelCheckResult } from '../../check/kernel-check.js';
import { checkSeeds, createRobustChecker } from '../../check/robust-check.js';
import { createThreadedCheckAt } from '../../check/threaded-check.js';
import { createInterruptibleChecker, throwIfInterrupted } from '../interruptible.js';
import { fleetOptionsFor, planAndCheck, type LoopResult } from '../../check/loop.js';
import { createPerfModelFor } from '../../demand/perf-adapter.js';
import { loopToJson, planToJson } from '../../result/plan-json.js';
import { sweepCostEnergy } from '../../sweep/tiers.js';
import { cheapestProved, finalTiers, startHomogeneousSide } from '../../sweep/final-tiers.js';
import { describeTiers, paretoPointToJson, tiersToJson } from '../../result/tiers-json.js';
import { planToFleet, type FleetOptions } from '../../check/fleet.js';
import type { SolverName } from '../../milp/solve.js';
import type { Objective, PerfModelFor } from '../../types.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { prepareOutputDir, type OutputFile } from '../output-set.js';
import { runProvenance } from '../provenance.js';
import { checkFleetInstances, checkMixConversations } from '../work-bounds.js';
import { servingFromFlags } from '../calibration.js';
import { backendScheduling } from '../../../models/serving/backend-policy.js';
import type { Backend } from '../../../models/serving/runs.js';

export interface PlanArgs {
  readonly mix?: string;
  readonly llm?: string;
  readonly gpus?: readonly string[];
  /** Weight formats to consider (default: every format each candidate GPU has). */
  readonly precisions?: readonly string[];
  /** Expert-parallel degrees to consider on an MoE LLM (default 1, 2, 4, 8). */
  readonly ep?: readonly string[];
  /** Attention tensor-parallel degrees to consider (default 1, 2, 4, 8). */
  readonly tp?: readonly string[];
  readonly slo?: string;
  readonly ttfetP95S?: number;
  readonly tbtP95Ms?: number;
  readonly objective?: Objective;
  readonly powerCapKw?: number;
  readonly budgetUsd?: number;
  readonly horizonYears?: number;
  readonly solver?: SolverName;
  /** Also compute the cost–energy Pareto front. */
  readonly pareto?: boolean;
  /** Skip TRIM (removing instances one at a time while the plan still holds); default: trim. */
  readonly noTrim?: boolean;
  /** A plan holds only if it holds at this many check seeds: seed, seed + 1, … (default 3). */
  readonly checkSeeds?: number;
  readonly seed?: number;
  /** Simulated seconds of the kernel check (default 1200: the issue's 20 minutes). */
  readonly durationS?: number;
  readonly out?: string;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
  /** `--calibration FILE` and `--backend B`. */
  readonly calibration?: string;
  readonly backend?: Backend;
}

/**
 * TRIM's budget of kernel checks. On the catalog-wide bench (`npx tsx bench/planner.ts --whole`) each check is ~1 s at
 * 20 simulated minutes and the whole `plan` must stay ≤ 30 s: with 8 checks it measured 20.6 s (4 plan → kernel
 * rounds + 8 trim checks), TCO $4.38M; TRIM taking one instance per check had left $5.39M.
 */
export const DEFAULT_TRIM_CHECKS = 8;

/** Check seeds a plan must hold at (DESIGN.md: "holds" means across seeds; TRIM tuned to one seed failed others). */
export const DEFAULT_CHECK_SEEDS = 3;

/** Every file `plan --out DIR` may write: the directory's set (output-set.ts removes those a run did not produce). */
export const PLAN_OUTPUTS = ['plan.yaml', 'plan.json', 'report.html', 'slo.yaml'] as const;

/** Worker threads for kernel checks (the machine the README's figures come from has 2 cores). */
const CHECK_THREADS = 2;

/** The issue's check: 20 simulated minutes. */
export const DEFAULT_CHECK_SECONDS = 1200;

/** The kernel's perf-model lookup over the catalog, sharing the planner's memoised models. */
export function kernelPerfModels(catalog: Catalog, perfModelFor: PerfModelFor): (pool: InstancePool) => PerfModel {
  return (pool) => {
    const model = perfModelFor(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, pool.powerCapWatts);
    if (!model) throw inputError('invalid_value', '', 'instances', `found ${pool.llm} on ${pool.gpu} at TP${pool.tp}, expected an LLM that fits its GPUs`);
    return model;
  };
}

function cliSlo(args: PlanArgs, catalog: Catalog, cwd: string): { slo: SloSet; inline: boolean } {
  const flags = args.ttfetP95S !== undefined || args.tbtP95Ms !== undefined;
  if (flags && args.slo !== undefined) throw inputError('usage', '', '--slo', 'found --slo with --ttfet-p95-s/--tbt-p95-ms, expected one or the other');
  if (!flags) return { slo: resolveSloSet(args.slo ?? 'standard', catalog, { cwd }), inline: false };
  const targets: SloSet['targets'] = [
    ...(args.ttfetP95S !== undefined ? [{ metric: 'ttfet_s' as const, percentile: 95, kind: 'absolute' as const, maxValue: args.ttfetP95S }] : []),
    ...(args.tbtP95Ms !== undefined ? [{ metric: 'tbt_ms' as const, percentile: 95, kind: 'absolute' as const, maxValue: args.tbtP95Ms }] : []),
  ];
  return { slo: { id: 'command-line', description: 'SLOs given on the command line', targets, attainment: 0.95, sources: {} }, inline: true };
}

function candidateGpus(args: PlanArgs, catalog: Catalog): GpuSpec[] {
  if (args.gpus === undefined) return [...catalog.gpus.values()];
  checkGpuList(args.gpus, '--gpus');
  return args.gpus.map((id) => {
    const gpu = catalog.gpus.get(id);
    if (!gpu) throw inputError('unknown_reference', '', '--gpus', `found "${id}", expected a GPU type id${suggestId(id, catalog.gpus.keys())}`);
    return gpu;
  });
}

/** A GPU list flag: at least one id, each once (a repeated id became a duplicate LP variable and a stack trace). */
export function checkGpuList(ids: readonly string[], flag: string): void {
  if (ids.length === 0) throw inputError('usage', '', flag, 'found an empty list, expected one or more GPU type ids, comma separated');
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id)) throw inputError('usage', '', flag, `found "${id}" twice, expected each GPU type once`);
    seen.add(id);
  }
}

/**
 * A format restriction against the candidate GPUs, wherever it comes from (a flag: file '' and the flag as path;
 * plan.yaml, plan.json or a what-if scenario: the file and field): known formats only, and at least one that each
 * candidate GPU has (a format no candidate has would leave it without pools: said, not silently planned around).
 * The first problem is one line; `leaveOutOf` names where the GPU came from (default `--gpus`; whatif's `--add-gpus`).
 */
export function checkPrecisions(precisions: readonly string[], gpus: readonly GpuSpec[], at: { file: string; path: string; code?: 'usage' | 'invalid_value'; line?: number; leaveOutOf?: string }): Precision[] {
  const code = at.code ?? 'usage';
  // `--precisions ,` parses to no format: said as such, not as "found , expected …" against the first GPU.
  if (precisions.length === 0) throw inputError(code, at.file, at.path, `found an empty list, expected formats among ${PRECISIONS.join(', ')}`, at.line);
  for (const p of precisions) {
    if (!(PRECISIONS as readonly string[]).includes(p)) throw inputError(code, at.file, at.path, `found "${p}", expected formats among ${PRECISIONS.join(', ')}`, at.line);
  }
  const wanted = precisions as Precision[];
  for (const gpu of gpus) {
    const has = gpuPrecisions(gpu);
    if (!wanted.some((p) => has.includes(p))) throw inputError(code, at.file, at.path, `found ${wanted.join(', ')}, expected at least one of the formats ${gpu.id} has (${has.join(', ')}), or ${gpu.id} left out of ${at.leaveOutOf ?? '--gpus'}`, at.line);
  }
  return wanted;
}

/** `--precisions bf16,fp8`: the weight formats searched (checkPrecisions). Shared with `whatif --precisions`. */
export function candidatePrecisionFlag(args: { readonly precisions?: readonly string[] }, gpus: readonly GpuSpec[]): Precision[] | undefined {
  if (args.precisions === undefined) return undefined;
  return checkPrecisions(args.precisions, gpus, { file: '', path: '--precisions' });
}

/** The LLM fields a layout restriction is checked against. */
type LayoutLlm = { readonly id: string; readonly attentionHeads: number; readonly moe?: { readonly experts: number } };

/** `--ep`/`--tp` text: whole numbers ≥ 1, else one usage line naming the flag. */
function degreeList(texts: readonly string[], flag: '--ep' | '--tp'): number[] {
  return texts.map((text) => {
    const degree = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isInteger(degree) || degree < 1) throw inputError('usage', '', flag, `found "${text}", expected whole numbers ≥ 1, comma separated`);
    return degree;
  });
}

/**
 * A layout restriction's degrees against the LLM, wherever they come from (a flag: file '' and the flag as path;
 * plan.yaml or a what-if scenario: the file and field): an ep must divide the experts (a dense LLM runs ep 1 only),
 * a tp the attention heads (models/layouts.ts). The first bad degree is one line.
 */
export function checkLayoutDegrees(kind: 'ep' | 'tp', degrees: readonly number[], llm: LayoutLlm, at: { file: string; path: string; code?: 'usage' | 'invalid_value'; line?: number }): void {
  const code = at.code ?? 'usage';
  for (const degree of degrees) {
    if (kind === 'ep' && !llm.moe && degree !== 1) throw inputError(code, at.file, at.path, `found ${degree}, expected 1: ${llm.id} is a dense LLM (no experts to spread)`, at.line);
    if (kind === 'ep' && llm.moe && llm.moe.experts % degree !== 0) throw inputError(code, at.file, at.path, `found ${degree}, expected a divisor of ${llm.id}'s ${llm.moe.experts} experts`, at.line);
    if (kind === 'tp' && llm.attentionHeads % degree !== 0) throw inputError(code, at.file, at.path, `found ${degree}, expected a degree that divides ${llm.id}'s ${llm.attentionHeads} attention heads`, at.line);
  }
}

/** Where a check's one line points: file ('' for a flag), field or flag (default the degree's flag), line, and where the GPU came from. */
export interface LayoutAt {
  readonly file: string;
  readonly path?: string;
  readonly code?: 'usage' | 'invalid_value';
  readonly line?: number;
  readonly leaveOutOf?: string;
}

/**
 * A layout restriction against the candidate GPUs: each must run at least one of the layouts searched. A GPU with no
 * inter-node link runs none wider than its node (scaleUpProblem); the planner drops those layouts, so a restriction
 * leaving none would leave the GPU without pools, silently. Said in one line at the smallest layout searched, where
 * `at` says (given the degree kind that makes that layout as wide as it is: its flag, or its field in a file);
 * nothing to check without a restriction.
 */
export function checkLayoutsRun(llm: LlmSpec, gpus: readonly GpuSpec[], restriction: { readonly tp?: readonly number[]; readonly ep?: readonly number[] }, at: LayoutAt | ((kind: 'tp' | 'ep') => LayoutAt)): void {
  if (restriction.tp === undefined && restriction.ep === undefined) return;
  const { tpDegrees, epDegrees } = resolveOptions({ ...(restriction.tp ? { tpDegrees: restriction.tp } : {}), ...(restriction.ep ? { epDegrees: restriction.ep } : {}) });
  const layouts = candidateLayouts(llm, { tpDegrees, epDegrees });
  if (layouts.length === 0) return;
  const smallest = layouts.reduce((a, b) => (Math.max(b.tp, b.ep) < Math.max(a.tp, a.ep) ? b : a));
  for (const gpu of gpus) {
    if (layouts.some(({ tp, ep }) => scaleUpProblem(gpu, tp, ep) === undefined)) continue;
    const kind = widerDegree(smallest.tp, smallest.ep);
    const where = typeof at === 'function' ? at(kind) : at;
    throw inputError(where.code ?? 'usage', where.file, where.path ?? `--${kind}`, `${scaleUpProblem(gpu, smallest.tp, smallest.ep)!}, or ${gpu.id} left out of ${where.leaveOutOf ?? '--gpus'}`, where.line);
  }
}

/** `--ep 1,8`: only meaningful on a mixture-of-experts LLM; a dense one runs ep 1. Shared with `whatif --ep`. */
export function candidateEpFlag(args: { readonly ep?: readonly string[] }, llm: LayoutLlm): number[] | undefined {
  if (args.ep === undefined) return undefined;
  const eps = degreeList(args.ep, '--ep');
  checkLayoutDegrees('ep', eps, llm, { file: '', path: '--ep' });
  return eps;
}

/** `--tp 4,8`: the attention-TP degrees searched; each must split the LLM's attention heads. Shared with `whatif --tp`. */
export function candidateTpFlag(args: { readonly tp?: readonly string[] }, llm: LayoutLlm): number[] | undefined {
  if (args.tp === undefined) return undefined;
  // Each degree read and checked in turn, as before whatif shared this parser (the first bad entry is the one named).
  return args.tp.map((text) => {
    const [tp] = degreeList([text], '--tp') as [number];
    checkLayoutDegrees('tp', [tp], llm, { file: '', path: '--tp' });
    return tp;
  });
}

/** A reference as plan.yaml should hold it: catalog ids as they are, file paths relative to the plan's folder. */
function refFrom(ref: string, catalogIds: Iterable<string>, cwd: string, outDir: string): string {
  if ([...catalogIds].includes(ref)) return ref;
  const absolute = isAbsolute(ref) ? ref : resolve(cwd, ref);
  return relative(outDir, absolute) || absolute;
}

/** The search's restriction as a plan records it (`plan --precisions/--tp/--ep`; absent = every format/layout was searched). */
export interface SearchRestriction {
  readonly precisions?: readonly Precision[];
  readonly tp?: readonly number[];
  readonly ep?: readonly number[];
}

/** A fleet's links as plan.yaml writes them (fleet.schema.json `link`; catalogs/convert.ts toLink reads them back). */
export function planFileLinks(links: readonly Link[]): Array<Record<string, string | number>> {
  return links.map((l) => ({
    from: l.from,
    to: l.to,
    bandwidth_bytes_per_s: l.bandwidthBytesPerSecond,
    latency_s: l.latencySeconds,
    ...(l.fromPool !== undefined ? { from_pool: l.fromPool } : {}),
  }));
}

/** `fleetOptions`: the ones the kernel check built its fleets with (check/loop.ts fleetOptionsFor), so the links written are the links checked. */
function planYaml(args: PlanArgs, result: LoopResult, mix: Mix, llm: string, sloRef: string, seed: number, durationS: number, searched: SearchRestriction, catalog: Catalog, fleetOptions: FleetOptions, cwd: string, outDir: string): string {
  const plan = result.plan!;
  const doc = {
    $schema: 'https://fleetplan.dev/schemas/plan.schema.json',
    kind: 'plan',
    format_version: 1,
    name: `${mix.id} on ${[...new Set(plan.instances.map((i) => i.gpu))].join(' + ')}`,
    mix: refFrom(args.mix!, catalog.mixes.keys(), cwd, outDir),
    slo: sloRef,
    llm,
    seed,
    duration_s: durationS,
    objective: plan.objective,
    // The search's restriction, so `whatif --plan` re-plans within it (plan.json: inputs.precisions / tp / ep).
    ...(searched.precisions !== undefined ? { precisions: [...searched.precisions] } : {}),
    ...(searched.tp !== undefined ? { tp: [...searched.tp] } : {}),
    ...(searched.ep !== undefined ? { ep: [...searched.ep] } : {}),
    instances: plan.instances.map((i) => ({
      gpu: i.gpu, tp: i.tp, ...(i.ep !== undefined && i.ep > 1 ? { ep: i.ep } : {}), ...(i.precision !== undefined ? { precision: i.precision } : {}),
      ...(i.kvDtype !== undefined ? { kv_dtype: i.kvDtype } : {}), role: i.role, count: i.count, ...(i.powerCapWatts !== undefined ? { power_cap_w: i.powerCapWatts } : {}),
    })),
    links: planFileLinks(planToFleet(plan, fleetOptions).links),
    datacenter: 'default',
    summary: { holds: result.holds, tco_usd: plan.cost.tcoUsd, power_w: plan.powerWatts, j_per_output_token: plan.energy.jPerOutputToken, rounds: result.rounds.length },
  };
  return stringify(doc, { lineWidth: 0 });
}

function renderHuman(json: ReturnType<typeof loopToJson>, terminal: boolean): string {
  const lines: string[] = [];
  if (json.instances) {
    lines.push(renderTable(['gpu', 'layout', 'precision', 'role', 'count', 'power cap W'], json.instances.map((i) => [
      i.gpu, layoutLabel(i.tp, i.ep), `${i.precision ?? '—'}${i.kv_dtype !== undefined && i.kv_dtype !== i.precision ? ` (KV ${i.kv_dtype})` : ''}`, i.role, String(i.count), i.power_cap_w === undefined ? 'TDP' : String(i.power_cap_w),
    ]), { terminal }));
    lines.push(`TCO ${Math.round(json.cost!.tco_usd).toLocaleString('en-US')} USD over ${json.cost!.horizon_years} years (capex ${Math.round(json.cost!.capex_usd).toLocaleString('en-US')}, energy ${Math.round(json.cost!.energy_usd).toLocaleString('en-US')}); peak GPU power ${(json.power_w! / 1000).toFixed(1)} kW; ${json.energy!.j_per_output_token.toFixed(3)} J per output token`);
    lines.push(`solver: ${json.solver!.used}${json.solver!.fallback_reason ? ` (fallback: ${json.solver!.fallback_reason})` : ''}`);
    for (const b of (json.binding ?? []).slice(0, 5)) lines.push(`binding: ${b.text}`);
  }
  for (const r of json.rounds) {
    const misses = r.check?.misses.map((m) => `${m.slo} ${m.value.toPrecision(4)} ${m.slo === 'slo_attainment' ? '<' : '>'} ${m.target}`).join(', ');
    const state = 'no_plan' in r ? `no plan: ${r.no_plan}` : r.check?.holds ? 'holds' : `misses ${misses}`;
    const trim = 'trim' in r && r.trim ? `trim ${r.trim.removed}× ${r.trim.pool}: ` : 'phase' in r && r.phase && r.phase !== 'search' ? `${r.phase}: ` : '';
    const verdict = 'trim' in r && r.trim ? (r.trim.kept ? ' (kept)' : ' (put back)') : '';
    lines.push(`round ${r.round}: ${trim}${state}${verdict}`);
  }
  if (json.trim) {
    const t = json.trim;
    const saved = t.removed.length > 0 ? `removed ${t.removed.length} instance(s), objective −${t.objective_saved.toPrecision(4)}` : 'no instance could be removed';
    lines.push(`trim: ${t.attempts} kernel check(s), ${saved}${t.budget_exhausted ? `; stopped at its budget of ${t.max_checks} checks (the plan may not be tight)` : '; no single removal holds (the plan is tight)'}`);
  }
  if (json.cheaper_search) lines.push(`cheaper search: ${json.cheaper_search.rounds} solve(s) for a fleet below the cheapest proved one; ${json.cheaper_search.budget_exhausted ? 'stopped at its budget' : 'none is left in the formulation'} (${json.fleets_proved} fleet(s) proved, ${json.fleets_refuted} refuted)`);
  const seeds = json.check_seeds;
  const margin = seeds ? `; at check seeds ${seeds.map((s) => s.seed).join(', ')}, smallest margin to an SLO ${(100 * (json.check_margin ?? 0)).toFixed(1)}%` : '';
  lines.push(json.holds ? `the plan holds${margin}` : `the plan does not hold (stopped: ${json.stopped_because})${json.reason ? `: ${json.reason}` : ''}`);
  return `${lines.join('\n')}\n`;
}

/** `fleetplan plan`. */
export async function runPlan(args: PlanArgs, ctx: CommandContext): Promise<number> {
  if (args.mix === undefined) throw inputError('usage', '', '--mix', 'found nothing, expected a mix id or file');
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const mix = resolveMix(args.mix, catalog, { cwd: ctx.cwd });
  const llmId = args.llm ?? mix.llm;
  if (llmId === undefined) throw inputError('usage', '', '--llm', `found nothing, expected an LLM id (mix ${mix.id} names none)`);
  const llm = catalog.llms.get(llmId);
  if (!llm) throw inputError('unknown_reference', '', '--llm', `found "${llmId}", expected an LLM id${suggestId(llmId, catalog.llms.keys())}`);
  const { slo, inline } = cliSlo(args, catalog, ctx.cwd);
  const datacenter = catalog.datacenters.get('default')!;
  const seed = args.seed ?? 1;
  const durationS = args.durationS ?? DEFAULT_CHECK_SECONDS;
  const { serving, loaded } = servingFromFlags(args.calibration, args.backend, ctx.cwd, catalog);
  // Outputs are checked before the solve (not found unwritable after minutes of work) and never name an input.
  const inputs = [args.mix, args.slo, args.calibration, ...(args.catalogFiles ?? [])].filter((f): f is string => f !== undefined).map((f) => resolve(ctx.cwd, f));
  const outDir = args.out !== undefined ? prepareOutputDir(args.out, { cwd: ctx.cwd, names: PLAN_OUTPUTS, inputs }) : undefined;
  checkMixConversations(mix, durationS, `mix ${mix.id} rates × the check's ${durationS} s`);
  const perfModelFor = createPerfModelFor(undefined, serving);
  const seeds = checkSeeds(seed, args.checkSeeds ?? DEFAULT_CHECK_SEEDS);
  const kernelModels = kernelPerfModels(catalog, perfModelFor);
  // Several seeds: kernel runs on worker threads, the next seed starting while one runs (check/threaded-check.ts);
  // one seed: in this thread, stoppable slice by slice.
  const threaded = seeds.length > 1 ? createThreadedCheckAt({ mix, slo, durationSeconds: durationS, gpus: [...catalog.gpus.values()], llms: [llm], ...(serving ? { serving } : {}) }, CHECK_THREADS, ctx.signal) : undefined;
  const checker = threaded
    ? createRobustChecker(threaded.checkAt, seeds, { concurrency: CHECK_THREADS })
    : createRobustChecker((fleet, s) => createInterruptibleChecker({ mix, slo, perfModelFor: kernelModels, seed: s, durationSeconds: durationS, kernel: backendScheduling(args.backend) }, ctx)(fleet), seeds);
  if (ctx.stderrIsTTY && !args.json) ctx.stderr('planning and checking in the simulator…\n');
  const gpus = candidateGpus(args, catalog);
  const precisions = candidatePrecisionFlag(args, gpus);
  const epDegrees = candidateEpFlag(args, llm);
  const tpDegrees = candidateTpFlag(args, llm);
  checkLayoutsRun(llm, gpus, { ...(tpDegrees ? { tp: tpDegrees } : {}), ...(epDegrees ? { ep: epDegrees } : {}) }, { file: '' });
  const request = { mix, slo, datacenter, gpus, llm, perfModelFor, ...(serving ? { serving } : {}) };
  const planOptions = {
    objective: args.objective ?? 'tco',
    ...(precisions !== undefined ? { precisions } : {}),
    ...(epDegrees !== undefined ? { epDegrees } : {}),
    ...(tpDegrees !== undefined ? { tpDegrees } : {}),
    ...(args.powerCapKw !== undefined ? { powerCapWatts: args.powerCapKw * 1000 } : {}),
    ...(args.budgetUsd !== undefined ? { budgetUsd: args.budgetUsd } : {}),
    ...(args.horizonYears !== undefined ? { horizonYears: args.horizonYears } : {}),
    ...(args.solver !== undefined ? { solver: args.solver } : {}),
  };
  let firstCheckHanded = () => {};
  const firstCheck = new Promise<void>((resolve) => (firstCheckHanded = resolve));
  const check = async (fleet: Parameters<typeof checker>[0], options?: Parameters<typeof checker>[1]) => {
    // A plan's size follows the traffic: bound the fleet the kernel would build before building it.
    checkFleetInstances(fleet, 'the planned fleet');
    firstCheckHanded();
    return checker(fleet, options);
  };
  let planned: LoopResult;
  let checkedTiers: Awaited<ReturnType<typeof finalTiers>> | undefined;
  // Heterogeneous vs homogeneous between final plans: the homogeneous side runs the same loop (check seeds, TRIM),
  // started first so its kernel checks overlap the heterogeneous solves (sweep/final-tiers.ts).
  // Kernel checks on worker threads: the cheaper search's next solve runs here while they check (check/loop.ts).
  const beside = threaded ? { solveBesideChecks: true } : {};
  const loopOptions = { ...planOptions, ...beside, ...(args.noTrim ? { cheaperRounds: 0 } : { trim: { maxChecks: DEFAULT_TRIM_CHECKS } }) };
  const homogeneousSide = startHomogeneousSide(request, check, loopOptions);
  homogeneousSide.catch(() => {}); // awaited below; an interrupt is reported once, by the heterogeneous loop
  try {
    // The single-type side's solves are small; the heterogeneous loop's first MILP is catalog-wide (seconds of HiGHS
    // on this thread, the README command's largest share). Started after the single-type side has handed its first
    // fleet to the checker (or ended), that MILP runs while the worker threads check the fleet, instead of keeping
    // them idle. Both loops are pure functions of their inputs, so the plan does not depend on the order.
    await Promise.race([firstCheck, homogeneousSide.then(() => undefined, () => undefined)]);
    // The user gets the cheaper of the two loops' plans (cheapestProved), so the heterogeneous loop's cheaper search
    // looks below whatever the single-type loop proved too: waiting for it costs little, proving "nothing cheaper"
    // below a higher bound cost the README command 9 s of branch and bound.
    const provedElsewhere = homogeneousSide.then((side) => (side.loop?.holds ? side.loop.plan?.objectiveValue : undefined), () => undefined);
    planned = await planAndCheck(request, check, { ...planOptions, ...beside, ...(args.noTrim ? {} : { trim: { maxChecks: DEFAULT_TRIM_CHECKS } }), ...(args.noTrim ? { cheaperRounds: 0 } : {}), provedElsewhere });
    const side = await homogeneousSide;
    checkedTiers = planned.plan ? await finalTiers(request, planned, check, loopOptions, Promise.resolve(side)) : undefined;
  } finally {
    await homogeneousSide.catch(() => undefined);
    await threaded?.close();
  }
  const tiers = checkedTiers ? tiersToJson(checkedTiers) : undefined;
  const result = cheapestProved(planned, checkedTiers?.homogeneousLoop);
  const pareto = args.pareto && result.plan ? { pareto: (await sweepCostEnergy(request, planOptions)).map(paretoPointToJson) } : {};
  const loopJson = loopToJson(result);
  const simulation = (result.check as KernelCheckResult | undefined)?.simulation;
  const document = {
    kind: 'plan' as const,
    format_version: 1,
    ...loopJson,
    ...(tiers ?? {}),
    ...pareto,
    ...(simulation ? { check: simulation } : {}),
    inputs: {
      mix: mix.id, llm: llm.id, slo: slo.id, gpus: gpus.map((g) => g.id), ...(precisions !== undefined ? { precisions } : {}), ...(epDegrees !== undefined ? { ep: epDegrees } : {}), ...(tpDegrees !== undefined ? { tp: tpDegrees } : {}), seed, check_seeds: seeds, duration_s: durationS, ...runProvenance(catalog, [JSON.stringify(mix), JSON.stringify(slo)], loaded, args.backend) },
  };
  throwIfInterrupted(ctx);
  if (outDir !== undefined) {
    const files: OutputFile[] = [];
    let sloRef = refFrom(args.slo ?? 'standard', catalog.slos.keys(), ctx.cwd, outDir.path);
    if (inline) {
      const sloDoc = { kind: 'slo', id: 'command-line', description: slo.description, attainment: slo.attainment, targets: slo.targets.map((t) => ({ metric: t.metric, percentile: t.percentile, max: t.kind === 'absolute' ? t.maxValue : undefined })), sources: { targets: 'fleetplan plan command-line flags' } };
      files.push({ name: 'slo.yaml', content: stringify(sloDoc) });
      sloRef = 'slo.yaml';
    }
    // No plan → no plan.yaml: the previous run's is removed with the rest of its set (a stale one would pass validate).
    if (result.plan) files.push({ name: 'plan.yaml', content: planYaml(args, result, mix, llm.id, sloRef, seed, durationS, { ...(precisions !== undefined ? { precisions } : {}), ...(tpDegrees !== undefined ? { tp: tpDegrees } : {}), ...(epDegrees !== undefined ? { ep: epDegrees } : {}) }, catalog, fleetOptionsFor(request, loopOptions), ctx.cwd, outDir.path) });
    files.push({ name: 'plan.json', content: `${JSON.stringify(document, null, 2)}\n` });
    files.push({ name: 'report.html', content: renderReport(document, join(args.out!, 'plan.json')) });
    outDir.write(files);
  }
  if (args.json) ctx.stdout(`${JSON.stringify(document, null, 2)}\n`);
  else ctx.stdout(renderHuman(loopJson, ctx.stdoutIsTTY) + (tiers ? describeTiers(tiers).map((l) => `${l}\n`).join('') : ''));
  if (args.out !== undefined) {
    // Where the files are and what to try next: stdout in text mode, stderr with --json (stdout holds one document).
    const say = args.json ? ctx.stderr : ctx.stdout;
    const at = (name: string) => join(args.out!, name);
    const next = result.plan ? `fleetplan validate ${at('plan.yaml')}, or fleetplan whatif --plan ${at('plan.yaml')}` : `loosen the SLOs or add GPU types (fleetplan catalog gpus), then plan again`;
    say(`Report: ${at('report.html')} (plan: ${at('plan.json')}) — next: ${next}\n`);
  }
  return result.holds ? EXIT_OK : EXIT_FAILS;
}
