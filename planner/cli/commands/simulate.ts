/**
 * `fleetplan simulate (--plan P | --fleet F) (--mix M | --trace T) [--policy …] [--duration-s N] [--seed N] [--json]`.
 * The shell around the pure kernel: it reads the files, builds the perf models, owns the wall clock and the
 * progress bar (stderr, only on a terminal), and prints the metrics (one JSON document with --json).
 */
import { extname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { inputError, loadCatalog, loadFleetFile, loadPlanFile, readTextFile, resolveMix, resolveSloSet } from '../../../catalogs/index.js';
import type { Catalog, Fleet, InstancePool, Mix, SloSet } from '../../../catalogs/types.js';
import { parseAzureTrace, parseConserveTrace, parseFleetplanTrace, parseMooncakeTrace, reconstructConversations } from '../../../catalogs/traces/index.js';
import { createPerfModel, type PerfModel } from '../../../models/index.js';
import { generateConversations, simulateConversations, withPoissonArrivals, type ConversationSpec, type KernelOptions, type PolicyName, type SimulationResult } from '../../kernel/index.js';
import { fromAzureTrace, fromFleetplanTrace, fromMooncakeConversations, toUntimedConserve } from '../../kernel/trace-workload.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';

export type TraceFormatFlag = 'fleetplan-jsonl' | 'conserve-csv' | 'azure-csv' | 'mooncake-jsonl';

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
}

export interface SimulateArgs extends WorkloadArgs {
  readonly policy?: PolicyName;
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
}

function inferFormat(path: string, text: string): TraceFormatFlag {
  const firstLine = text.slice(0, text.indexOf('\n') >>> 0).trim();
  if (firstLine.startsWith('conv_id,')) return 'conserve-csv';
  if (firstLine.startsWith('TIMESTAMP,')) return 'azure-csv';
  if (firstLine.startsWith('{')) return firstLine.includes('"hash_ids"') ? 'mooncake-jsonl' : 'fleetplan-jsonl';
  throw inputError('syntax', path, '', `found ${extname(path) || 'no extension'} with an unknown header, expected a fleetplan JSONL, ConServe CSV, Azure CSV or Mooncake JSONL trace (or pass --trace-format)`);
}

function buildTraceWorkload(args: WorkloadArgs, ctx: CommandContext, seed: number): { workload: () => Iterable<ConversationSpec>; count: number } {
  const path = resolve(ctx.cwd, args.trace!);
  const text = readTextFile(path);
  const format = args.traceFormat ?? inferFormat(args.trace!, text);
  switch (format) {
    case 'fleetplan-jsonl': {
      const convs = parseFleetplanTrace(text, args.trace!);
      return { workload: () => fromFleetplanTrace(convs), count: convs.length };
    }
    case 'azure-csv': {
      const requests = parseAzureTrace(text, args.trace!);
      return { workload: () => fromAzureTrace(requests), count: requests.length };
    }
    case 'mooncake-jsonl': {
      const specs = fromMooncakeConversations(reconstructConversations(parseMooncakeTrace(text, args.trace!)), { count: 0 });
      return { workload: () => specs, count: specs.length };
    }
    case 'conserve-csv': {
      const untimed = toUntimedConserve(parseConserveTrace(text, args.trace!));
      const rate = args.ratePerS ?? 1;
      // Cycled so a long --duration-s can replay the trace more than once; arrivals stop at the duration.
      const cycle = args.durationS !== undefined;
      return { workload: () => withPoissonArrivals(untimed, rate, { seed, cycle }), count: cycle ? Math.ceil(rate * args.durationS!) : untimed.length };
    }
  }
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
  if (args.plan !== undefined) {
    const plan = loadPlanFile(resolve(ctx.cwd, args.plan), catalog, { displayName: args.plan });
    fleet = plan.fleet;
    mixRef ??= args.trace === undefined ? plan.mix : undefined;
    sloRef ??= plan.slo;
  } else fleet = loadFleetFile(resolve(ctx.cwd, args.fleet!), catalog, { displayName: args.fleet });
  if (mixRef === undefined && args.trace === undefined) throw inputError('usage', '', '--mix/--trace', 'found neither, expected --mix or --trace (or a plan that names its mix)');
  const seed = args.seed ?? 1;
  const slo: SloSet | undefined = sloRef === undefined ? undefined : resolveSloSet(sloRef, catalog, { cwd: ctx.cwd });
  const models = new Map<string, PerfModel>();
  const perfModelFor = (pool: InstancePool): PerfModel => {
    const key = `${pool.gpu}|${pool.llm}|${pool.tp}|${pool.powerCapWatts ?? ''}`;
    let model = models.get(key);
    if (model === undefined) {
      model = createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool.tp, pool.powerCapWatts !== undefined ? { powerCapWatts: pool.powerCapWatts } : {});
      models.set(key, model);
    }
    return model;
  };
  let workload: () => Iterable<ConversationSpec>;
  let expected: number | undefined;
  let describe: string;
  let durationSeconds = args.durationS;
  if (args.trace !== undefined) {
    const t = buildTraceWorkload(args, ctx, seed);
    workload = t.workload;
    expected = t.count;
    describe = `trace ${args.trace}`;
  } else {
    const mix = withRate(resolveMix(mixRef!, catalog, { cwd: ctx.cwd }), args.ratePerS);
    durationSeconds ??= 600;
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
  };
  return { fleet, workload, perfModelFor, options, ...(expected !== undefined ? { expectedConversations: expected } : {}), describe };
}

/** Runs one policy with the wall clock and progress outside the kernel; stops when the context aborts. */
export function runPrepared(prepared: PreparedSimulation, policy: PolicyName, ctx: CommandContext, label: string): SimulationResult {
  const bar = ctx.stderrIsTTY && prepared.expectedConversations !== undefined ? new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} conversations`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(prepared.expectedConversations!, 0);
  const started = performance.now();
  try {
    const result = simulateConversations(prepared.fleet, prepared.workload(), prepared.perfModelFor, {
      ...prepared.options,
      policy,
      progressEveryConversations: 500,
      onProgress: (_t, arrived) => {
        if (ctx.signal.aborted) throw new Error('Simulation aborted');
        bar?.update(Math.min(arrived, prepared.expectedConversations ?? arrived));
      },
    });
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
    rows.push([`pool ${i} ${p.gpu} ×${p.count} (${p.served_as})`, `utilization ${f(p.utilization)}${p.kv_occupancy ? `, kv ${f(p.kv_occupancy.mean)} mean / ${f(p.kv_occupancy.p95)} p95` : ''}`]);
  }
  return renderTable(['metric', 'value'], rows, { terminal });
}

/** `fleetplan simulate`: exit 0 after printing; bad input throws InputError (exit 2 in main). */
export async function runSimulate(args: SimulateArgs, ctx: CommandContext): Promise<number> {
  const prepared = prepareSimulation(args, ctx);
  const policy = args.policy ?? 'conserve';
  const result = runPrepared(prepared, policy, ctx, policy);
  if (args.json) ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else ctx.stdout(renderResult(result, ctx.stdoutIsTTY));
  return EXIT_OK;
}
