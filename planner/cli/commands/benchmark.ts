/**
 * `fleetplan benchmark --gpu G --llm L [--tp N] (--concurrency N | --rate R) --isl N --osl N [--mode agg | --mode disagg
 * --prefill XxTP --decode YxTP] [--json]`: the thin shell around planner/benchmark's runServingBenchmark. It reads the
 * catalogs, builds the perf models, measures the wall time, and prints what a serving benchmark would report.
 */
import { loadCatalog } from '../../../catalogs/index.js';
import { nativePrecision } from '../../../catalogs/precision.js';
import { BACKEND_POLICIES } from '../../../models/serving/backend-policy.js';
import { DISAGG_TTFT_DEFINITION } from '../../benchmark/disagg-ttft.js';
import { requestOverheadSeconds } from '../../../models/serving/fit.js';
import { benchmarkFleet, runServingBenchmark, runServingBenchmarkSliced, VLLM_DEFAULTS_SOURCE, type BenchmarkResult, type BenchmarkSpec, type LatencySummary } from '../../benchmark/index.js';
import type { Distribution } from '../../../catalogs/types.js';
import type { ModelProvenance } from '../../../models/types.js';
import { EXIT_FAILS, EXIT_OK, type CommandContext } from '../context.js';
import { throwIfInterrupted, yieldToEventLoop } from '../interruptible.js';
import { runProvenance } from '../provenance.js';
import { servingFromFlags } from '../calibration.js';
import { renderTable } from '../table.js';
import { benchmarkSpecFromArgs, type BenchmarkArgs } from './benchmark-args.js';
import { createPerfModelCache } from './simulate.js';

function describeLengths(d: Distribution): string {
  if (d.kind === 'fixed') return String(d.value);
  const { kind, min, max, ...shape } = d as Distribution & Record<string, unknown>;
  const bounds = [min !== undefined ? `min ${min}` : '', max !== undefined ? `max ${max}` : ''].filter(Boolean).join(', ');
  return `${kind} ${JSON.stringify(shape)}${bounds ? ` (${bounds})` : ''}`;
}

function largestLength(d: Distribution): number {
  if (d.max !== undefined) return d.max;
  if (d.kind === 'fixed') return d.value;
  if (d.kind === 'uniform') return d.max;
  if (d.kind === 'empirical') return Math.max(...d.points.map((p) => p[0]));
  return Infinity;
}

/** Runs one benchmark: exit 0; exit 1 when the LLM or a request of these lengths does not fit an instance. */
export async function runBenchmark(args: BenchmarkArgs, ctx: CommandContext): Promise<number> {
  const catalog = loadCatalog({ userFiles: args.catalogFiles ?? [] });
  const { serving, loaded } = servingFromFlags(args.calibration, args.backend, ctx.cwd, catalog);
  const parsed = benchmarkSpecFromArgs(args, catalog);
  // A calibration's per-request overhead (HTTP, tokenisation, streaming) joins every TTFT and E2E, as it joins the fit.
  const calibration = serving?.calibration;
  const overhead = calibration ? requestOverheadSeconds(calibration.scopes, { backend: serving?.backend ?? calibration.defaultBackend, gpu: parsed.gpu, precision: parsed.precision ?? nativePrecision(catalog.llms.get(parsed.llm)!) }) : 0;
  // Its client turnaround (planner/benchmark/client-gap.ts) spaces a closed loop's requests as in the fit.
  const gap = calibration?.clientGapSeconds ?? 0;
  const spec = { ...parsed, ...(overhead > 0 ? { requestOverheadSeconds: overhead } : {}), ...(gap > 0 ? { clientGapSeconds: gap } : {}) };
  // --backend without --calibration still sizes the KV pool by that stack's memory default, as the calibrated models do.
  const perfModelFor = createPerfModelCache(catalog, serving);
  const models = benchmarkFleet(spec).instances.map(perfModelFor);
  for (const m of models) {
    if (!(m.kvCapacityTokens >= 1)) {
      ctx.stderr(`fleetplan: does not fit: ${spec.llm} on ${spec.gpu} TP${m.tp}: ${m.provenance.note ?? 'no room for KV after the weights'}\n`);
      return EXIT_FAILS;
    }
  }
  const decodeModel = models[models.length - 1];
  const longest = largestLength(spec.isl) + largestLength(spec.osl);
  if (spec.isl.kind === 'fixed' && spec.osl.kind === 'fixed' && longest > decodeModel.kvCapacityTokens) {
    ctx.stderr(`fleetplan: does not fit: one request of ${longest} tokens (ISL + OSL) needs more KV than the ${Math.floor(decodeModel.kvCapacityTokens)} tokens a ${spec.gpu} TP${decodeModel.tp} instance holds\n`);
    return EXIT_FAILS;
  }
  const started = performance.now();
  let result: ReturnType<typeof runServingBenchmark>;
  try {
    // Sliced (the event loop turns between slices) so Ctrl-C stops it with exit 130; the same result as runServingBenchmark.
    throwIfInterrupted(ctx);
    result = await runServingBenchmarkSliced(spec, perfModelFor, { seed: args.seed ?? 1, ...(args.requestCount !== undefined ? { requestCount: args.requestCount } : {}) }, { yieldNow: yieldToEventLoop, shouldStop: () => ctx.signal.aborted });
  } catch (error) {
    // A length distribution whose draws never fit (lognormal median 1e300): the clients give up after a run of
    // refusals; that is the same answer as one fixed request too long — does not fit, exit 1 — not a crash.
    if (error instanceof RangeError && /needed more KV/.test(error.message)) {
      ctx.stderr(`fleetplan: does not fit: ${error.message} (${spec.gpu} TP${decodeModel.tp})\n`);
      return EXIT_FAILS;
    }
    throw error;
  }
  const wallSeconds = Number(((performance.now() - started) / 1000).toFixed(3));
  const model = decodeModel.provenance;
  if (args.json) {
    // Wall time is left out of --json so that the same seed gives byte-identical output; the text shows it.
    ctx.stdout(`${JSON.stringify({ ...result, ttft_definition: ttftDefinition(result.operating_point.mode), model: describeModel(model), limits_source: args.backend !== undefined && args.backend !== 'vllm' ? BACKEND_POLICIES[args.backend].from : VLLM_DEFAULTS_SOURCE, inputs: runProvenance(catalog, [], loaded, args.backend) }, null, 2)}\n`);
  } else {
    ctx.stdout(renderBenchmark(result, spec, model, wallSeconds, ctx.stdoutIsTTY));
  }
  return EXIT_OK;
}

/** What TTFT means in each mode (the same words as docs/accuracy.md). */
function ttftDefinition(mode: 'agg' | 'disagg'): string {
  return mode === 'disagg' ? DISAGG_TTFT_DEFINITION : 'arrival → the first token at the client: the queue + the prompt\'s chunks in engine iterations (the first token comes out of the iteration that finishes the prompt) + the calibration\'s per-request overhead';
}

function describeModel(p: ModelProvenance): Record<string, unknown> {
  return { kind: p.kind, from: p.from, ...(p.heldOutMape !== undefined ? { held_out_mape: p.heldOutMape } : {}), ...(p.note !== undefined ? { note: p.note } : {}) };
}

function renderBenchmark(r: BenchmarkResult, spec: BenchmarkSpec, model: ModelProvenance, wallSeconds: number, terminal: boolean): string {
  const f = (x: number, d = 2) => x.toFixed(d);
  const row = (name: string, s: LatencySummary): string[] => [name, f(s.mean), f(s.p50), f(s.p90), f(s.p99)];
  const op = r.operating_point;
  const epOf = (ep: number | null) => (ep !== null && ep > 1 ? ` EP${ep}` : '');
  const set = op.mode === 'agg' ? `1 instance TP${op.tp}${epOf(op.ep)}` : `${op.prefill!.count}x TP${op.prefill!.tp}${epOf(op.prefill!.ep)} prefill + ${op.decode!.count}x TP${op.decode!.tp}${epOf(op.decode!.ep)} decode`;
  const turnaround = spec.clientGapSeconds ? `, client turnaround exponential with mean ${f(spec.clientGapSeconds * 1000, 0)} ms from the calibration` : '';
  const load = op.concurrency !== null ? `concurrency ${op.concurrency} (closed loop${turnaround})` : `rate ${op.rate_per_s} requests/s (open loop, Poisson)`;
  const lines = [
    `${op.llm} on ${op.gpu}${op.precision !== null ? ` ${op.precision}` : ''}${op.kv_dtype !== null ? ` (KV ${op.kv_dtype})` : ''}, ${op.mode} (${set}, ${op.gpus} GPUs), ${load}, ISL ${describeLengths(spec.isl)} / OSL ${describeLengths(spec.osl)}`,
    `engine: max_num_seqs ${op.max_num_seqs}, max_num_batched_tokens ${op.max_num_batched_tokens}${op.prefill_max_num_seqs !== null ? `; prefill instances ${op.prefill_max_num_seqs} / ${op.prefill_max_num_batched_tokens}` : ''}${op.kv_link !== null ? `; KV link ${f(op.kv_link.bandwidth_bytes_per_s / 1e9, 1)} GB/s, ${f(op.kv_link.latency_s * 1e6, 0)} µs` : ''}; seed ${op.seed}`,
    `ttft: ${ttftDefinition(op.mode)}`,
    '',
    renderTable(['latency (ms)', 'mean', 'p50', 'p90', 'p99'], [row('ttft', r.ttft_ms), row('tpot', r.tpot_ms), row('itl', r.itl_ms), row('e2e', r.e2e_ms)], { terminal, align: ['left', 'right', 'right', 'right', 'right'] }).trimEnd(),
    '',
    renderTable(['throughput and energy', 'value'], [
      ['requests/s', f(r.request_throughput_per_s, 3)],
      ['output tokens/s', f(r.output_tokens_per_s, 1)],
      ['output tokens/s per GPU', f(r.output_tokens_per_s_per_gpu, 1)],
      ['power (W, all GPUs)', f(r.power_w, 0)],
      ['output tokens/J', f(r.tokens_per_j, 3)],
    ], { terminal, align: ['left', 'right'] }).trimEnd(),
    '',
    `run: ${r.run.measured_requests} requests measured in ${r.run.batches} batches of ${r.run.batch_requests} after ${r.run.warmup_requests} warm-up completions; ${f(r.run.window_s, 1)} s simulated window; relative standard error ${r.run.relative_standard_error === null ? 'not estimated (under 2 batches)' : `${f(r.run.relative_standard_error * 100, 2)}%`}${r.run.overloaded ? ` — OVERLOADED: ${r.run.max_in_flight} requests in flight at once, the offered rate exceeds what this set serves; there is no steady state, so the figures above are not one` : r.run.converged ? '' : ' — NOT converged: the run hit its bound before the means settled'}; ${r.run.refused_requests} requests refused (longer than an instance's KV), ${r.run.clipped_draws} length draws clipped; wall ${wallSeconds} s`,
    model.from.startsWith('serving calibration')
      ? `model: ${model.kind} from ${model.from}${model.note ? ` (${model.note})` : ''}`
      : `model: ${model.kind} from ${model.from}${model.heldOutMape !== undefined ? ` (held-out MAPE ${f(model.heldOutMape * 100, 1)}%)` : ''}; not calibrated against serving runs: serving overheads (CPU scheduling, mixed-batch interference) are not in it (--calibration builtin applies the fit on the staged dense runs, MoE pools included; docs/accuracy.md)`,
  ];
  return `${lines.join('\n')}\n`;
}
