/**
 * `fleetplan whatif`: a what-if session. It starts from a mix and SLO set (or a saved plan, or a scenario file's
 * start), re-plans fast after each change (one solve plus a short kernel check, planner/whatif/replan.ts) and prints a
 * diff table against the previous and the starting plan. Interactive on a terminal (whatif-prompts.ts); with
 * `--script FILE` or any change flag it runs without prompting; with neither and no terminal it says so and exits 2,
 * never waiting for input. Exit 0 when the final plan holds (or the interactive session ends), 1 when it does not.
 */
import { performance } from 'node:perf_hooks';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { inputError, loadCatalog, loadPlanFile, readTextFile, resolveMix, resolveSloSet, suggestId, type ReferencedFrom } from '../../../catalogs/index.js';
import { referenceRoots, referencedFrom } from '../input-roots.js';
import { checkMixConversations } from '../work-bounds.js';
import { MAX_FLAG_MAGNITUDE } from '../flags.js';
import { interruptibleSimulate, throwIfInterrupted } from '../interruptible.js';
import type { Catalog, SloMetric } from '../../../catalogs/types.js';
import { renderReport } from '../../../reports/index.js';
import type { PolicyName } from '../../kernel/index.js';
import { createPerfModelFor } from '../../demand/perf-adapter.js';
import { servingFromFlags } from '../calibration.js';
import { backendScheduling } from '../../../models/serving/backend-policy.js';
import type { Backend } from '../../../models/serving/runs.js';
import { loopToJson } from '../../result/plan-json.js';
import type { Objective } from '../../types.js';
import {
  applyWhatIf, changeInputs, describeChange, DIFF_HEAD, diffRows, materialize, parseScenario, replan, scenarioToYaml, snapshotOf, snapshotToJson, startWhatIf,
  type ReplanModels, type ReplanResult, type Snapshot, type WhatIfBase, type WhatIfChange, type WhatIfInputs, type WhatIfState,
} from '../../whatif/index.js';
import { EXIT_BAD_INPUT, EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { startProgress } from '../progress.js';
import { renderTable } from '../table.js';
import { writeFileAtomic } from '../write-atomic.js';
import { prepareOutputFile } from '../output-set.js';
import { checkGpuList, kernelPerfModels } from './plan.js';
import { layoutsNote, refusedChange, replayUndoTracker, startRestriction, type ChangeAt, type ScriptStart } from './whatif-restriction.js';

// The refusal stays reachable from the session's module: stepSession takes a ChangeAt, and the unit tests import refusedChange here.
export { refusedChange, type ChangeAt } from './whatif-restriction.js';

export interface WhatIfArgs {
  readonly mix?: string;
  readonly slo?: string;
  readonly llm?: string;
  readonly gpus?: readonly string[];
  /** `--tp`/`--ep`: the layout search's restriction, as `plan`'s flags (they override the plan's or scenario's). */
  readonly tp?: readonly string[];
  readonly ep?: readonly string[];
  /** `--precisions`: the weight formats searched, as `plan`'s flag (it overrides the plan's or scenario's). */
  readonly precisions?: readonly string[];
  readonly plan?: string;
  readonly script?: string;
  readonly scaleRate?: readonly string[];
  readonly sloTarget?: readonly string[];
  readonly addGpus?: readonly string[];
  readonly removeGpus?: readonly string[];
  readonly price?: readonly string[];
  readonly electricityUsdPerKwh?: number;
  readonly powerCapKw?: string;
  readonly objective?: Objective;
  readonly policy?: PolicyName;
  readonly checkDurationS?: number;
  readonly save?: string;
  readonly report?: string;
  readonly seed?: number;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
  /** `--calibration FILE` and `--backend B`. */
  readonly calibration?: string;
  readonly backend?: Backend;
}

/** Simulated seconds of the check after each change: long enough for p95s, short enough for about a second. */
export const DEFAULT_WHATIF_CHECK_SECONDS = 300;

/** An open session: the pure state plus one re-plan result per state on the undo stack. */
export interface Session {
  state: WhatIfState;
  readonly base: WhatIfBase;
  readonly models: ReplanModels;
  /** results[0] is the start; results[i] follows state.applied[i - 1]. */
  readonly results: ReplanResult[];
  readonly snapshots: Snapshot[];
  readonly ctx: CommandContext;
  readonly catalog: Catalog;
}

function usage(path: string, message: string): never {
  throw inputError('usage', '', path, message);
}

/** The flags' changes, in a fixed order (the help says which). */
export function changesFromFlags(args: WhatIfArgs): WhatIfChange[] {
  const out: WhatIfChange[] = [];
  for (const s of args.scaleRate ?? []) {
    const m = /^([^=]+)=([^=]+)$/.exec(s);
    const factor = Number(m?.[2]);
    if (!m || !(factor > 0)) usage('--scale-rate', `found "${s}", expected CLASS=FACTOR, e.g. "*=1.5" or "triage=2"`);
    out.push({ kind: 'scale-rate', classId: m[1]!.trim(), factor });
  }
  for (const s of args.sloTarget ?? []) {
    const m = /^(ttfet_s|ttft_s|tbt_ms|last_turn_tbt_ms)(?::p(\d+(?:\.\d+)?))?=(\d+(?:\.\d+)?)(x?)$/.exec(s.trim());
    if (!m) usage('--slo-target', `found "${s}", expected METRIC[:pN]=VALUE or =Nx for a slowdown, e.g. "ttfet_s=20" or "tbt_ms:p99=80" or "ttfet_s=5x"`);
    const value = Number(m[3]);
    out.push({ kind: 'set-slo', metric: m[1] as SloMetric, percentile: m[2] ? Number(m[2]) : 95, ...(m[4] === 'x' ? { maxSlowdown: value } : { max: value }) });
  }
  if (args.addGpus?.length) out.push({ kind: 'add-gpus', gpus: args.addGpus });
  if (args.removeGpus?.length) out.push({ kind: 'remove-gpus', gpus: args.removeGpus });
  for (const s of args.price ?? []) {
    const m = /^([^:]+):(.+)$/.exec(s);
    const fields = Object.fromEntries((m?.[2] ?? '').split(',').map((kv) => kv.split('=').map((x) => x.trim())));
    const capex = fields.capex !== undefined ? Number(fields.capex) : undefined;
    const rent = fields.rent !== undefined ? Number(fields.rent) : undefined;
    const bad = (v: number | undefined) => v !== undefined && !(v > 0 && Number.isFinite(v));
    if (!m || (capex === undefined && rent === undefined) || bad(capex) || bad(rent) || Object.keys(fields).some((k) => k !== 'capex' && k !== 'rent')) {
      usage('--price', `found "${s}", expected GPU:capex=USD,rent=USD_PER_H (either or both), e.g. "h100-sxm:capex=25000,rent=2.5"`);
    }
    out.push({ kind: 'set-price', gpu: m[1]!.trim(), ...(capex !== undefined ? { capexUsd: capex } : {}), ...(rent !== undefined ? { rentUsdPerHour: rent } : {}) });
  }
  if (args.electricityUsdPerKwh !== undefined) out.push({ kind: 'set-electricity', usdPerKwh: args.electricityUsdPerKwh });
  if (args.powerCapKw !== undefined) {
    const kw = args.powerCapKw === 'none' ? null : Number(args.powerCapKw);
    if (kw !== null && !(kw > 0 && kw <= MAX_FLAG_MAGNITUDE)) usage('--power-cap-kw', `found "${args.powerCapKw}", expected a number > 0 (magnitude at most 1e18) or "none"`);
    out.push({ kind: 'set-power-cap', kw });
  }
  if (args.objective !== undefined) out.push({ kind: 'set-objective', objective: args.objective });
  if (args.policy !== undefined) out.push({ kind: 'set-policy', policy: args.policy });
  return out;
}

/** The starting inputs: flags win over a saved plan, which wins over the scenario file's start. */
function startInputs(args: WhatIfArgs, fromScript: ScriptStart, catalog: Catalog, ctx: CommandContext): { inputs: WhatIfInputs; base: WhatIfBase } {
  const plan = args.plan !== undefined ? loadPlanFile(resolve(ctx.cwd, args.plan), catalog, { displayName: args.plan }) : undefined;
  // References resolve against the file that holds them (the plan's or the script's folder) and stay under the
  // directories named on the command line; flags resolve against the working directory. File references are kept
  // absolute in the session and written relative to the saved scenario's folder (writeScenario).
  const roots = referenceRoots(ctx, [args.plan, args.script, ...(args.catalogFiles ?? [])]);
  const scriptDir = args.script !== undefined ? dirname(resolve(ctx.cwd, args.script)) : ctx.cwd;
  const pick = (field: 'mix' | 'slo', flag: string | undefined, ids: Iterable<string>, fallback?: string): { ref: string; from?: ReferencedFrom } | undefined => {
    const asRef = (ref: string, cwd: string) => ([...ids].includes(ref) || !/[\\/]|\.(ya?ml|json)$/i.test(ref) ? ref : resolve(cwd, ref));
    if (flag !== undefined) return { ref: asRef(flag, ctx.cwd) };
    if (plan) return { ref: asRef(plan[field], plan.baseDir), from: referencedFrom(plan.file, field, plan.refLines[field], roots) };
    const scripted = fromScript[field];
    if (scripted !== undefined) return { ref: asRef(scripted, scriptDir), from: referencedFrom(args.script ?? '', `start.${field}`, undefined, roots) };
    return fallback === undefined ? undefined : { ref: fallback };
  };
  const mixPick = pick('mix', args.mix, catalog.mixes.keys());
  if (mixPick === undefined) usage('--mix', 'found nothing, expected a mix id or file (or --plan, or a --script whose start names one)');
  const sloPick = pick('slo', args.slo, catalog.slos.keys(), 'standard')!;
  const mixRef = mixPick.ref;
  const sloRef = sloPick.ref;
  const mix = resolveMix(mixRef, catalog, { cwd: ctx.cwd, ...(mixPick.from ? { from: mixPick.from } : {}) });
  const slo = resolveSloSet(sloRef, catalog, { cwd: ctx.cwd, ...(sloPick.from ? { from: sloPick.from } : {}) });
  const llm = args.llm ?? plan?.fleet.instances[0]?.llm ?? fromScript.llm ?? mix.llm;
  if (llm === undefined) usage('--llm', `found nothing, expected an LLM id (mix ${mix.id} names none)`);
  if (!catalog.llms.has(llm)) throw inputError('unknown_reference', '', '--llm', `found "${llm}", expected an LLM id${suggestId(llm, catalog.llms.keys())}`);
  const gpus = args.gpus ?? (plan ? [...new Set(plan.fleet.instances.map((i) => i.gpu))] : fromScript.gpus ?? [...catalog.gpus.keys()]);
  if (args.gpus !== undefined) checkGpuList(args.gpus, '--gpus');
  for (const g of gpus) if (!catalog.gpus.has(g)) throw inputError('unknown_reference', '', '--gpus', `found "${g}", expected a GPU type id${suggestId(g, catalog.gpus.keys())}`);
  const restriction = startRestriction(args, plan, fromScript, catalog.llms.get(llm)!, gpus.map((g) => catalog.gpus.get(g)!));
  const inputs: WhatIfInputs = {
    mix: mixRef, slo: sloRef, llm, gpus, ...restriction, rateScale: {}, sloTargets: [], prices: {},
    objective: plan?.objective ?? fromScript.objective ?? 'tco',
    policy: fromScript.policy ?? 'conserve',
    seed: args.seed ?? plan?.seed ?? fromScript.seed ?? 1,
    checkDurationS: args.checkDurationS ?? fromScript.checkDurationS ?? DEFAULT_WHATIF_CHECK_SECONDS,
  };
  return { inputs, base: { catalog, mix, slo, datacenter: catalog.datacenters.get('default')! } };
}

async function replanState(session: Pick<Session, 'base' | 'models' | 'ctx'>, inputs: WhatIfInputs, previous?: ReplanResult): Promise<{ result: ReplanResult; seconds: number }> {
  const t0 = performance.now();
  const bar = startProgress(session.ctx, { label: 'checking', total: inputs.checkDurationS, unit: 's simulated' });
  try {
    const materialized = materialize(inputs, session.base);
    checkMixConversations(materialized.mix, inputs.checkDurationS, 'the scaled mix rates × check_duration_s');
    const result = await replan(materialized, session.models, { policy: inputs.policy, seed: inputs.seed, checkDurationS: inputs.checkDurationS, ...(previous?.loop.holds && previous.loop.plan ? { previous: previous.loop.plan } : {}), onProgress: (t) => bar.update(t), simulate: interruptibleSimulate(session.ctx) });
    return { result, seconds: (performance.now() - t0) / 1000 };
  } finally {
    bar.stop();
  }
}

function timing(seconds: number, inputs: WhatIfInputs, result: ReplanResult): string {
  const policy = result.checkedPolicy !== undefined && result.checkedPolicy !== inputs.policy ? `${result.checkedPolicy}, as the plan has no prefill/decode split` : inputs.policy;
  // The previous plan is checked first when it held (so the answer is never dearer than it), then one solve below it.
  const checks = result.loop.rounds.filter((r) => r.check !== undefined).length;
  return `re-planned in ${seconds.toFixed(1)} s (${checks > 1 ? `${checks} checks of` : 'one solve +'} ${inputs.checkDurationS} s simulated under ${policy})`;
}

function verdict(s: Snapshot): string {
  if (s.tcoUsd === undefined) return `no plan: ${s.reason}`;
  return s.holds ? 'the plan holds in the short check' : 'the plan misses an SLO in the short check';
}

/** One change to apply, with where it came from. */
export interface Step {
  readonly change: WhatIfChange;
  readonly at: ChangeAt;
}

/**
 * Applies the steps to the start on paper (no re-plan): a change the session would refuse (an unknown id, an
 * infinite price, a flag adding a GPU without the formats or layouts searched) or traffic past the conversations
 * limit is reported before the first, costly, re-plan. A scenario entry refused for its formats or layouts is skipped
 * here, as the replay skips it (and says so there, at its line).
 */
function dryRunChanges(state: WhatIfState, base: WhatIfBase, catalog: Catalog, steps: readonly Step[]): void {
  const stack: WhatIfInputs[] = [state.inputs];
  for (const { change, at } of steps) {
    if (change.kind === 'undo') {
      if (stack.length > 1) stack.pop();
      continue;
    }
    const refused = refusedChange(catalog, stack[stack.length - 1]!, change, at);
    if (refused !== undefined && at.flag !== undefined) throw refused;
    // Skipped, but kept on the stack unchanged: an `undo` after it takes it back, not the change before it.
    if (refused !== undefined) {
      stack.push(stack[stack.length - 1]!);
      continue;
    }
    const next = changeInputs(stack[stack.length - 1]!, change, state.known);
    checkMixConversations(materialize(next, base).mix, next.checkDurationS, 'the scaled mix rates × check_duration_s');
    stack.push(next);
  }
}

/** Opens a session at `inputs` and prints the starting plan. */
export async function openSession(args: WhatIfArgs, ctx: CommandContext, fromScript: ScriptStart = {}, steps: readonly Step[] = []): Promise<Session> {
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const { inputs, base } = startInputs(args, fromScript, catalog, ctx);
  const { serving } = servingFromFlags(args.calibration, args.backend, ctx.cwd, catalog);
  const perfModelFor = createPerfModelFor(undefined, serving);
  const models: ReplanModels = { llm: catalog.llms.get(inputs.llm)!, perfModelFor, ...(serving ? { serving } : {}), kernelPerfModelFor: kernelPerfModels(catalog, perfModelFor), engineScheduling: backendScheduling(args.backend) };
  const state = startWhatIf(inputs, { gpus: [...catalog.gpus.keys()], classes: base.mix.classes.map((c) => c.id) });
  checkMixConversations(materialize(inputs, base).mix, inputs.checkDurationS, 'the mix rates × check_duration_s');
  dryRunChanges(state, base, catalog, steps);
  const session: Session = { state, base, models, results: [], snapshots: [], ctx, catalog };
  const { result, seconds } = await replanState(session, inputs);
  session.results.push(result);
  session.snapshots.push(snapshotOf(result));
  if (!args.json) {
    ctx.stdout(`start: ${base.mix.id} (${base.mix.classes.map((c) => `${c.id} ${c.arrivalRatePerSecond} conv/s`).join(', ')}), SLO ${base.slo.id}, ${inputs.llm} on ${inputs.gpus.join(', ')}${layoutsNote(inputs)}, objective ${inputs.objective}; ${timing(seconds, inputs, result)}\n`);
    const s = session.snapshots[0]!;
    ctx.stdout(renderTable(['', 'start'], diffRows(s, s, s).map((r) => [r[0]!, r[3]!]), { terminal: ctx.stdoutIsTTY }));
    ctx.stdout(`${verdict(s)}\n`);
  }
  return session;
}

/** Applies one change, re-plans (undo reuses the earlier result) and prints the diff table. */
export async function stepSession(session: Session, change: WhatIfChange, options: { quiet?: boolean; at?: ChangeAt } = {}): Promise<void> {
  const n = session.state.applied.length;
  const refused = refusedChange(session.catalog, session.state.inputs, change, options.at ?? {});
  if (refused !== undefined) throw refused;
  session.state = applyWhatIf(session.state, change);
  const out = (t: string) => (options.quiet ? undefined : session.ctx.stdout(t));
  if (change.kind === 'undo') {
    if (n === 0) return void out('nothing to undo\n');
    session.results.pop();
    session.snapshots.pop();
    out(`undo: back to ${session.state.applied.length === 0 ? 'the start' : `after "${describeChange(session.state.applied[session.state.applied.length - 1]!)}"`}\n`);
    return;
  }
  const { result, seconds } = await replanState(session, session.state.inputs, session.results[session.results.length - 1]);
  const previous = session.snapshots[session.snapshots.length - 1]!;
  session.results.push(result);
  session.snapshots.push(snapshotOf(result));
  const now = session.snapshots[session.snapshots.length - 1]!;
  out(`change ${session.state.applied.length}: ${describeChange(change)}; ${timing(seconds, session.state.inputs, result)}\n`);
  out(renderTable(DIFF_HEAD, diffRows(session.snapshots[0]!, previous, now), { terminal: session.ctx.stdoutIsTTY }));
  out(`${verdict(now)}\n`);
}

/** The current state as a plan result document (the report's input). */
export function currentDocument(session: Session) {
  const inputs = session.state.inputs;
  const result = session.results[session.results.length - 1]!;
  return {
    kind: 'plan' as const,
    format_version: 1,
    ...loopToJson(result.loop),
    ...(result.simulation ? { check: result.simulation } : {}),
    inputs: {
      mix: session.base.mix.id, llm: inputs.llm, slo: session.base.slo.id, gpus: [...inputs.gpus],
      // As plan.json records them (inputs.precisions / ep / tp), only when the search was restricted.
      ...(inputs.precisions !== undefined ? { precisions: [...inputs.precisions] } : {}),
      ...(inputs.epDegrees !== undefined ? { ep: [...inputs.epDegrees] } : {}), ...(inputs.tpDegrees !== undefined ? { tp: [...inputs.tpDegrees] } : {}),
      seed: inputs.seed, duration_s: inputs.checkDurationS,
    },
    whatif: { changes: session.state.applied.map(describeChange) },
  };
}

export function writeScenario(session: Session, file: string, inputs: readonly string[] = []): string {
  const path = resolve(session.ctx.cwd, file);
  // File references are absolute in the session; the scenario holds them relative to its own folder.
  const rel = (ref: string) => (isAbsolute(ref) ? relative(dirname(path), ref) || ref : ref);
  const state = session.state.inputs;
  writeFileAtomic(path, scenarioToYaml({ ...session.state, inputs: { ...state, mix: rel(state.mix), slo: rel(state.slo) } }), { inputs, shown: file });
  return path;
}

export function writeSessionReport(session: Session, file: string, inputs: readonly string[] = []): string {
  const path = resolve(session.ctx.cwd, file);
  writeFileAtomic(path, renderReport(currentDocument(session), file), { inputs, shown: file });
  return path;
}

/** The flag each flag change comes from (changesFromFlags), for the one line refusing it. */
const FLAG_OF: Readonly<Record<WhatIfChange['kind'], string>> = {
  'scale-rate': '--scale-rate', 'set-slo': '--slo-target', 'add-gpus': '--add-gpus', 'remove-gpus': '--remove-gpus', 'set-price': '--price',
  'set-electricity': '--electricity-usd-per-kwh', 'set-power-cap': '--power-cap-kw', 'set-objective': '--objective', 'set-policy': '--policy', undo: 'undo',
};

/** `fleetplan whatif`. */
export async function runWhatIf(args: WhatIfArgs, ctx: CommandContext): Promise<number> {
  const flagChanges = changesFromFlags(args);
  // --save never overwrites --script (or any input); both outputs are checked before the first re-plan.
  const inputs = [args.script, args.plan, args.mix, args.slo, ...(args.catalogFiles ?? [])].filter((f): f is string => f !== undefined).map((f) => resolve(ctx.cwd, f));
  if (args.save !== undefined) prepareOutputFile(args.save, { cwd: ctx.cwd, inputs, flag: '--save' });
  if (args.report !== undefined) prepareOutputFile(args.report, { cwd: ctx.cwd, inputs: args.save !== undefined ? [...inputs, resolve(ctx.cwd, args.save)] : inputs, flag: '--report' });
  const scenario = args.script !== undefined ? parseScenario(readTextFile(resolve(ctx.cwd, args.script)), args.script) : undefined;
  const batch = scenario !== undefined || flagChanges.length > 0 || args.save !== undefined || args.report !== undefined || Boolean(args.json);
  if (!batch) {
    if (!ctx.stdinIsTTY) {
      ctx.stderr('fleetplan whatif: no terminal to ask questions on; give the changes as flags (--scale-rate, --slo-target, --add-gpus, --remove-gpus, --price, --electricity-usd-per-kwh, --power-cap-kw, --objective, --policy, --save, --report) or replay a scenario with --script FILE (see "fleetplan whatif --help")\n');
      return EXIT_BAD_INPUT;
    }
    const { runInteractive } = await import('./whatif-prompts.js');
    return runInteractive(await openSession(args, ctx), inputs);
  }
  const planned: Step[] = [
    ...(scenario?.changes ?? []).map((change, i) => ({ change, at: { file: args.script!, ...(scenario!.changeLines[i] !== undefined ? { line: scenario!.changeLines[i] } : {}) } })),
    ...flagChanges.map((change) => ({ change, at: { flag: FLAG_OF[change.kind] } })),
  ];
  const session = await openSession(args, ctx, scenario ? { ...scenario.start, lines: scenario.startLines } : {}, planned);
  const steps: Array<{ change: string } & ReturnType<typeof snapshotToJson>> = [];
  const undo = replayUndoTracker();
  for (const { change, at } of planned) {
    // Ctrl-C between steps: main reports "interrupted; no output was written" (files are written only at the end).
    throwIfInterrupted(ctx);
    if (undo.skips(change)) continue;
    // A scenario entry the session refuses for its formats or layouts is said at its line and skipped; the replay goes on, as an
    // interactive session does (a flag's was refused before the start, exit 2).
    const refused = refusedChange(session.catalog, session.state.inputs, change, at);
    undo.record(change, refused);
    if (refused !== undefined) {
      ctx.stderr(`fleetplan: ${refused.message}\n`);
      continue;
    }
    await stepSession(session, change, { quiet: Boolean(args.json), at });
    steps.push({ change: describeChange(change), ...snapshotToJson(session.snapshots[session.snapshots.length - 1]!) });
  }
  throwIfInterrupted(ctx);
  const written: string[] = [];
  if (args.save !== undefined) written.push(`scenario: ${writeScenario(session, args.save, inputs)}`);
  if (args.report !== undefined) written.push(`report: ${writeSessionReport(session, args.report, inputs)}`);
  const final = session.snapshots[session.snapshots.length - 1]!;
  if (args.json) {
    ctx.stdout(`${JSON.stringify({ kind: 'whatif', format_version: 1, start: snapshotToJson(session.snapshots[0]!), steps, final: snapshotToJson(final), plan: currentDocument(session) }, null, 2)}\n`);
  } else {
    for (const w of written) ctx.stdout(`wrote ${w}\n`);
  }
  return final.holds ? EXIT_OK : EXIT_FAILS;
}
