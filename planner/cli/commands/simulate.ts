/**
 * `fleetplan simulate (--plan P | --fleet F) (--mix M | --trace T) [--policy …] [--duration-s N] [--seed N] [--json]`.
 * The shell around the pure kernel: it reads the files, builds the perf models, owns the wall clock and the
 * progress bar (stderr, only on a terminal), and prints the metrics (one JSON document with --json).
 */
import { join, resolve } from 'node:path';
import { checkTraceFile, readHead, readLinesSync, traceFormatOf, type TraceFormatFlag } from '../trace-file.js';

export { checkTraceFile, readLinesSync, recognizeTraceFormat } from '../trace-file.js';
import { checkLimit, currentLimits, inputError, limitError, layoutCacheKey, loadCatalog, loadFleetFile, loadPlanFile, resolveMix, resolveSloSet, type ReferencedFrom } from '../../../catalogs/index.js';
import { referenceRoots, referencedFrom } from '../input-roots.js';
import { boundedWorkload, checkFleetInstances, checkPoolsFit, checkMixConversations, checkSimulatedSeconds } from '../work-bounds.js';
import type { Catalog, Fleet, InstancePool, Mix, SloSet } from '../../../catalogs/types.js';
import { digestFile } from '../file-digest.js';
import { createAzureReader, createConserveReader, createFleetplanReader, createMooncakeReader, reconstructConversations } from '../../../catalogs/traces/index.js';
import { createPerfModel, type PerfModel } from '../../../models/index.js';
import { generateConversations, simulateConversationsSliced, withPoissonArrivals, type ConversationSpec, type KernelOptions, type PolicyName, type SimulationResult } from '../../kernel/index.js';
import { fromAzureTrace, fromConserveRows, fromFleetplanTrace, fromMooncakeConversations } from '../../kernel/trace-workload.js';
import { renderReport } from '../../../reports/index.js';
import { startProgress } from '../progress.js';
import { prepareOutputDir } from '../output-set.js';
import { withFleetFile } from '../setup-errors.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { layoutLabel } from '../../../catalogs/precision.js';
import { runProvenance, type RunProvenance } from '../provenance.js';
import { servingFromFlags } from '../calibration.js';
import { backendScheduling } from '../../../models/serving/backend-policy.js';
import { servingOptions, type ServingChoice } from '../../demand/perf-adapter.js';
import type { Backend } from '../../../models/serving/runs.js';

export type { TraceFormatFlag } from '../trace-file.js';

/** Options shared by simulate and compare (flags per DESIGN.md's CLI contract, plus the kernel's settings). */
export interface WorkloadArgs {
  readonly plan?: string;
  readonly fleet?: string;
  readonly mix?: string;
  readonly trace?: string;
  /** Trace format; inferred from the header/extension when absent. */
  readonly traceFormat?: TraceFormatFlag;
  /** Poisson arrival rate for timestamp-free traces and an override of every mix class's rate (conv/s). */
  readonly ratePerS?: number;
  /** Arrivals stop at this time (default 600 s for a mix; the whole trace otherwise). */
  readonly durationS?: number;
  readonly warmupS?: number;
  readonly seed?: number;
  readonly slo?: string;
  readonly mispredictionRate?: number;
  readonly reservation?: 'grow' | 'peak';
  readonly preemption?: 'recompute' | 'swap';
  readonly mode?: 'fast' | 'reference';
  readonly catalogFiles?: readonly string[];
  /** `--calibration FILE` and `--backend B`. */
  readonly calibration?: string;
  readonly backend?: Backend;
}

export interface SimulateArgs extends WorkloadArgs {
  readonly policy?: PolicyName;
  /** Directory for result.json (atomically) and report.html. */
  readonly out?: string;
  readonly json?: boolean;
}

/** Everything a run needs, prepared once (compare runs several policies on it). */
export interface PreparedSimulation {
  readonly fleet: Fleet;
  readonly workload: () => Iterable<ConversationSpec>;
  readonly perfModelFor: (pool: InstancePool) => PerfModel;
  readonly options: Omit<KernelOptions, 'policy'>;
  /** Expected number of conversations (for progress), when known. */
  readonly expectedConversations?: number;
  readonly describe: string;
  /** Version and catalog hash, echoed in the result's inputs. */
  readonly provenance: RunProvenance;
  /** The fleet or plan file (as named and resolved), so kernel setup errors can name it and the line. */
  readonly fleetFile?: { readonly shown: string; readonly path: string };
}

function* parsedLines<T>(path: string, name: string, read: (line: string, lineNumber: number) => T | undefined): Generator<T> {
  for (const l of readLinesSync(path, name)) {
    const value = read(l.text, l.lineNumber);
    if (value !== undefined) yield value;
  }
}

/**
 * The ConServe CSV as a streamed workload: conversations cut to `maxTurns`, Poisson arrivals at `ratePerS`, the
 * file re-read for every pass when `maxConversations` asks for more conversations than it holds.
 */
export function conserveTraceWorkload(path: string, name: string, o: { ratePerS: number; seed: number; maxTurns?: number; maxConversations?: number; cycle?: boolean }): Iterable<ConversationSpec> {
  const open = () => fromConserveRows(parsedLines(path, name, createConserveReader(name).read), o.maxTurns);
  return withPoissonArrivals(open, o.ratePerS, { seed: o.seed, cycle: o.cycle ?? o.maxConversations !== undefined, ...(o.maxConversations !== undefined ? { maxConversations: o.maxConversations } : {}) });
}

/**
 * Trace workloads, streamed line by line (a factory: every run re-reads the file). Mooncake is the exception: its
 * conversations are reconstructed from hash-id prefixes across the whole file, so its requests are held in memory.
 */
function buildTraceWorkload(args: WorkloadArgs, ctx: CommandContext, seed: number): { workload: () => Iterable<ConversationSpec>; count?: number } {
  const path = resolve(ctx.cwd, args.trace!);
  const name = args.trace!;
  checkTraceFile(path, name);
  const format = traceFormatOf(name, readHead(path), args.traceFormat);
  switch (format) {
    case 'fleetplan-jsonl':
      return { workload: () => fromFleetplanTrace(parsedLines(path, name, createFleetplanReader(name).read)) };
    case 'azure-csv':
      return { workload: () => fromAzureTrace(parsedLines(path, name, createAzureReader(name).read)) };
    case 'mooncake-jsonl': {
      // Conversations are found across the whole file, so they are held in memory: the stream stops at the
      // conversations limit (and at an arrival past sim-seconds) rather than after reading everything.
      const limits = currentLimits();
      const reader = createMooncakeReader(name);
      let lineNumber = 0;
      const requests = parsedLines(path, name, (text, line) => {
        lineNumber = line;
        const request = reader.read(text, line);
        if (!(request.arrivalSeconds <= limits['sim-seconds'])) throw limitError('sim-seconds', name, 'timestamp', `${request.arrivalSeconds} s`, line);
        return request;
      });
      const conversations = reconstructConversations(requests, {
        maxConversations: limits.conversations,
        tooMany: () => limitError('conversations', name, '', `more than ${limits.conversations.toLocaleString('en-US')} conversations (stopped reading here)`, lineNumber),
      });
      const specs = fromMooncakeConversations(conversations, { count: 0 });
      return { workload: () => specs, count: specs.length };
    }
    case 'conserve-csv': {
      const rate = args.ratePerS ?? 1;
      // Cycled so a long --duration-s can replay the trace more than once; arrivals stop at the duration.
      const cycle = args.durationS !== undefined;
      if (cycle) checkLimit('conversations', rate * args.durationS!, { path: '--rate-per-s × --duration-s', describe: (v) => `${rate} conv/s × ${args.durationS} s = ${v < 1e15 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3)} conversations` });
      return { workload: () => conserveTraceWorkload(path, name, { ratePerS: rate, seed, cycle }), ...(cycle ? { count: Math.ceil(rate * args.durationS!) } : {}) };
    }
  }
}

/** One perf model per (GPU, LLM, layout, power cap), built on first use. */
/** `serving`: `--calibration` and/or `--backend` (a backend alone still sizes the KV pool by its memory rule). */
export function createPerfModelCache(catalog: Catalog, serving?: ServingChoice): (pool: InstancePool) => PerfModel {
  const models = new Map<string, PerfModel>();
  return (pool: InstancePool): PerfModel => {
    const key = `${pool.gpu}|${pool.llm}|${layoutCacheKey(pool)}|${pool.powerCapWatts ?? ''}`;
    let model = models.get(key);
    if (model === undefined) {
      model = createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, { ...(pool.powerCapWatts !== undefined ? { powerCapWatts: pool.powerCapWatts } : {}), ...servingOptions(serving) });
      models.set(key, model);
    }
    return model;
  };
}

/** A kernel result as the result file `fleetplan report` reads (`kind: "simulation"`, `format_version: 1`). */
export function toSimulationDocument(result: SimulationResult, inputs: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'simulation', format_version: 1, ...result, inputs };
}

function withRate(mix: Mix, rate: number | undefined): Mix {
  if (rate === undefined) return mix;
  const total = mix.classes.reduce((s, c) => s + c.arrivalRatePerSecond, 0);
  return { ...mix, classes: mix.classes.map((c) => ({ ...c, arrivalRatePerSecond: total > 0 ? (c.arrivalRatePerSecond * rate) / total : rate / mix.classes.length })) };
}

/** Reads the fleet, the workload and the SLOs; validates the flags. */
export function prepareSimulation(args: WorkloadArgs, ctx: CommandContext): PreparedSimulation {
  if ((args.plan === undefined) === (args.fleet === undefined)) throw inputError('usage', '', '--plan/--fleet', `found ${args.plan === undefined ? 'neither' : 'both'}, expected exactly one of --plan or --fleet`);
  if (args.mix !== undefined && args.trace !== undefined) throw inputError('usage', '', '--mix/--trace', 'found both, expected at most one of --mix or --trace');
  const catalog: Catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  let fleet: Fleet;
  let mixRef = args.mix;
  let sloRef = args.slo;
  // A plan's own references resolve against its folder and stay under the directories named here; flags use the cwd.
  let mixFrom: { cwd: string; from?: ReferencedFrom } = { cwd: ctx.cwd };
  let sloFrom: { cwd: string; from?: ReferencedFrom } = { cwd: ctx.cwd };
  if (args.plan !== undefined) {
    const plan = loadPlanFile(resolve(ctx.cwd, args.plan), catalog, { displayName: args.plan });
    const roots = referenceRoots(ctx, [args.plan, args.fleet, args.trace, ...(args.catalogFiles ?? [])]);
    fleet = plan.fleet;
    if (mixRef === undefined && args.trace === undefined) {
      mixRef = plan.mix;
      mixFrom = { cwd: plan.baseDir, from: referencedFrom(plan.file, 'mix', plan.refLines.mix, roots) };
    }
    if (sloRef === undefined) {
      sloRef = plan.slo;
      sloFrom = { cwd: plan.baseDir, from: referencedFrom(plan.file, 'slo', plan.refLines.slo, roots) };
    }
  } else fleet = loadFleetFile(resolve(ctx.cwd, args.fleet!), catalog, { displayName: args.fleet });
  if (mixRef === undefined && args.trace === undefined) throw inputError('usage', '', '--mix/--trace', 'found neither, expected --mix or --trace (or a plan that names its mix)');
  const seed = args.seed ?? 1;
  const slo: SloSet | undefined = sloRef === undefined ? undefined : resolveSloSet(sloRef, catalog, sloFrom);
  const extraInputs: string[] = slo !== undefined ? [JSON.stringify(slo)] : [];
  checkFleetInstances(fleet, args.plan ?? args.fleet ?? '');
  const { serving, loaded } = servingFromFlags(args.calibration, args.backend, ctx.cwd, catalog);
  const perfModelFor = createPerfModelCache(catalog, serving);
  checkPoolsFit(fleet, perfModelFor, (gpu) => catalog.gpus.get(gpu)!.memoryBytes, args.plan ?? args.fleet ?? '');
  let workload: () => Iterable<ConversationSpec>;
  let expected: number | undefined;
  let describe: string;
  let durationSeconds = args.durationS;
  if (durationSeconds !== undefined) checkSimulatedSeconds(durationSeconds, '--duration-s');
  if (args.trace !== undefined) {
    const t = buildTraceWorkload(args, ctx, seed);
    extraInputs.push(`trace ${digestFile(resolve(ctx.cwd, args.trace))}`);
    const traceName = args.trace;
    workload = () => boundedWorkload(t.workload(), traceName);
    expected = t.count;
    describe = `trace ${args.trace}`;
  } else {
    const mix = withRate(resolveMix(mixRef!, catalog, mixFrom), args.ratePerS);
    extraInputs.push(JSON.stringify(mix));
    durationSeconds ??= 600;
    checkMixConversations(mix, durationSeconds, args.ratePerS !== undefined ? '--rate-per-s × --duration-s' : `mix ${mix.id} rates × --duration-s`);
    const until = durationSeconds;
    workload = () => generateConversations(mix, { seed, durationSeconds: until });
    expected = Math.ceil(mix.classes.reduce((s, c) => s + c.arrivalRatePerSecond, 0) * until);
    describe = `mix ${mix.id}`;
  }
  const warmupSeconds = args.warmupS ?? (args.trace === undefined ? Math.min(60, 0.1 * (durationSeconds ?? 0)) : 0);
  const options: Omit<KernelOptions, 'policy'> = {
    seed,
    warmupSeconds,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
    ...(slo !== undefined ? { slo } : {}),
    ...(args.mispredictionRate !== undefined ? { mispredictionRate: args.mispredictionRate } : {}),
    ...(args.reservation !== undefined ? { reservation: args.reservation } : {}),
    ...(args.preemption !== undefined ? { preemption: args.preemption } : {}),
    ...(args.mode !== undefined ? { mode: args.mode } : {}),
    // --backend: that stack's scheduler on the engines (admission, prefill pausing, whole prompts); vLLM's is the default.
    ...backendScheduling(args.backend),
  };
  const fleetShown = args.plan ?? args.fleet!;
  return { fleet, workload, perfModelFor, options, ...(expected !== undefined ? { expectedConversations: expected } : {}), describe, provenance: runProvenance(catalog, extraInputs, loaded, args.backend), fleetFile: { shown: fleetShown, path: resolve(ctx.cwd, fleetShown) } };
}

/** Lets the event loop turn (a SIGINT handler, a progress redraw) between kernel slices. */
export const yieldToEventLoop = (): Promise<void> => new Promise((done) => setImmediate(done));

/**
 * Runs one policy with the wall clock and progress outside the kernel. The kernel runs in slices with the event loop
 * turning between them, so Ctrl-C (ctx.signal) is seen mid-run: the run rejects with KernelStoppedError (an
 * AbortError: main prints "interrupted; no output was written" and exits 130). Nothing is written before the end.
 */
export async function runPrepared(prepared: PreparedSimulation, policy: PolicyName, ctx: CommandContext, label: string): Promise<SimulationResult> {
  const expected = prepared.expectedConversations;
  const bar = expected !== undefined ? startProgress(ctx, { label, total: expected, unit: 'conversations' }) : undefined;
  const started = performance.now();
  try {
    const result = await withFleetFile(prepared.fleetFile?.shown, prepared.fleetFile?.path, () => simulateConversationsSliced(
      prepared.fleet,
      prepared.workload(),
      prepared.perfModelFor,
      {
        ...prepared.options,
        policy,
        shouldStop: () => ctx.signal.aborted,
        ...(bar !== undefined ? { progressEveryConversations: 500, onProgress: (_t: number, arrived: number) => bar.update(arrived) } : {}),
      },
      { yieldNow: yieldToEventLoop },
    ));
    result.wall_s = Number(((performance.now() - started) / 1000).toFixed(3));
    return result;
  } finally {
    bar?.stop();
  }
}

/** Human-readable lines for one result. */
export function renderResult(r: SimulationResult, terminal: boolean): string {
  const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
  const rows: Array<[string, string]> = [
    ['policy', r.policy],
    ['conversations (finished, measured)', `${r.conversations} (arrived ${r.counts.arrived}, in flight ${r.counts.in_flight}, rejected ${r.rejected})`],
    ['ttfet_s p50 / p95 / p99', `${f(r.ttfet_s.p50)} / ${f(r.ttfet_s.p95)} / ${f(r.ttfet_s.p99)}`],
    ['ttft_s p50 / p95', `${f(r.ttft_s.p50)} / ${f(r.ttft_s.p95)}`],
    ['tbt_ms p50 / p95 / p99', `${f(r.tbt_ms.p50, 2)} / ${f(r.tbt_ms.p95, 2)} / ${f(r.tbt_ms.p99, 2)}`],
    ['last_turn_tbt_ms p95', f(r.last_turn_tbt_ms.p95, 2)],
    ['slo_attainment', r.slo_attainment === null ? 'no SLO set' : f(r.slo_attainment, 4)],
    ['energy_j', f(r.energy_j, 0)],
    ['tokens_per_j / output_tokens_per_j', `${f(r.tokens_per_j, 2)} / ${f(r.output_tokens_per_j, 4)}`],
    ['kv_transfers / preemptions', `${r.kv_transfers} / ${r.preemptions}`],
    ['warmup_s / sim_time_s / wall_s', `${r.warmup_s} / ${f(r.sim_time_s, 1)} / ${r.wall_s ?? '–'}`],
  ];
  for (const [i, p] of r.pools.entries()) {
    // The layout and format tell apart pools of one GPU type (an MoE plan's tp8ep16 prefiller and tp1ep16 decoder).
    rows.push([`pool ${i} ${p.gpu} ${layoutLabel(p.tp, p.ep)} ${p.precision} ×${p.count} (${p.served_as})`, `utilization ${f(p.utilization)}${p.kv_occupancy ? `, kv ${f(p.kv_occupancy.mean)} mean / ${f(p.kv_occupancy.p95)} p95` : ''}`]);
  }
  return renderTable(['metric', 'value'], rows, { terminal });
}

/** An SLO set as result files echo it (snake_case, the targets a report judges the run against). */
function describeSlo(slo: SloSet): Record<string, unknown> {
  return {
    id: slo.id,
    attainment: slo.attainment,
    targets: slo.targets.map((t) => ({ metric: t.metric, percentile: t.percentile, ...(t.kind === 'absolute' ? { max_value: t.maxValue } : { max_slowdown: t.maxSlowdown }) })),
  };
}

/** What a run was given, echoed in result files so a report can show it. */
export function inputsOf(args: WorkloadArgs, prepared: PreparedSimulation): Record<string, unknown> {
  return {
    workload: prepared.describe,
    ...(args.plan !== undefined ? { plan: args.plan } : {}),
    ...(args.fleet !== undefined ? { fleet: args.fleet } : {}),
    ...(args.mix !== undefined ? { mix: args.mix } : {}),
    ...(args.trace !== undefined ? { trace: args.trace } : {}),
    ...(prepared.options.slo !== undefined ? { slo: describeSlo(prepared.options.slo) } : {}),
    seed: prepared.options.seed,
    ...(args.ratePerS !== undefined ? { rate_per_s: args.ratePerS } : {}),
    ...(prepared.options.durationSeconds !== undefined ? { duration_s: prepared.options.durationSeconds } : {}),
    ...prepared.provenance,
  };
}

/** Input files whose overwrite by --out must be refused. */
export function inputPaths(args: WorkloadArgs, ctx: CommandContext): string[] {
  return [args.plan, args.fleet, args.mix, args.trace, args.slo, args.calibration, ...(args.catalogFiles ?? [])].filter((p): p is string => p !== undefined).map((p) => resolve(ctx.cwd, p));
}

/** `fleetplan simulate`: exit 0 after printing; bad input throws InputError (exit 2 in main). */
export async function runSimulate(args: SimulateArgs, ctx: CommandContext): Promise<number> {
  const outDir = args.out !== undefined ? prepareOutputDir(args.out, { cwd: ctx.cwd, names: ['result.json', 'report.html'], inputs: inputPaths(args, ctx) }) : undefined;
  const prepared = prepareSimulation(args, ctx);
  const policy = args.policy ?? 'conserve';
  const result = await runPrepared(prepared, policy, ctx, policy);
  if (outDir !== undefined) {
    const doc = toSimulationDocument(result, inputsOf(args, prepared));
    outDir.write([{ name: 'result.json', content: `${JSON.stringify(doc, null, 2)}\n` }, { name: 'report.html', content: renderReport(doc, 'result.json') }]);
  }
  // The metrics object DESIGN.md names, plus what it was run on (version and input hash, like every other result).
  if (args.json) ctx.stdout(`${JSON.stringify({ ...result, inputs: inputsOf(args, prepared) }, null, 2)}\n`);
  else ctx.stdout(renderResult(result, ctx.stdoutIsTTY));
  // Every conversation rejected (each needs more KV than any engine holds): the zeros above measure nothing.
  if (result.counts.arrived > 0 && result.rejected >= result.counts.arrived) {
    ctx.stderr(`fleetplan: every one of the ${result.counts.arrived} conversations was rejected (each needs more KV cache than any engine of the fleet holds); the latencies above measure nothing\n`);
    return EXIT_FAILS;
  }
  return EXIT_OK;
}
