/**
 * `runServingBenchmark`: one serving benchmark simulated on the kernel's own engines (no I/O, no clock). The
 * aggregated instance is the kernel's colocated engine (chunked prefill and decodes in the same iterations under
 * `max_num_batched_tokens`, at most `max_num_seqs` running); the disaggregated set is the kernel's conserve policy on
 * single-turn requests (prefill on the least-loaded prefiller, KV moved once, decode on the decoder with the most
 * free KV). What `benchmark` gets right, `simulate` and `plan` get right: they run the same code.
 */
import type { Fleet, InstancePool, Link } from '../../catalogs/types.js';
import { roundFigure, simulateConversations, simulateConversationsSliced, summarize, type Histogram, type KernelOptions, type PerfModelFor, type SimulationResult } from '../kernel/index.js';
import { BenchmarkClient } from './client.js';
import { describeRule, resolveRunLength } from './run-length.js';
import type { BenchmarkOptions, BenchmarkResult, BenchmarkSpec, EngineLimits, LatencySummary, OperatingPoint } from './types.js';

function pool(spec: BenchmarkSpec, role: InstancePool['role'], count: number, layout: { tp: number; ep?: number }): InstancePool {
  return {
    gpu: spec.gpu, llm: spec.llm, tp: layout.tp, role, count,
    ...(layout.ep !== undefined ? { ep: layout.ep } : {}),
    ...(spec.precision !== undefined ? { precision: spec.precision } : {}),
    ...(spec.kvDtype !== undefined ? { kvDtype: spec.kvDtype } : {}),
    ...(spec.powerCapWatts !== undefined ? { powerCapWatts: spec.powerCapWatts } : {}),
  };
}

/** The fleet the benchmark runs on: one colocated instance, or the prefill and decode sets with their link. */
export function benchmarkFleet(spec: BenchmarkSpec): Fleet {
  if (spec.mode === 'agg') return { instances: [pool(spec, 'colocated', 1, spec)], links: [] };
  const link = (from: Link['from'], to: Link['to']): Link => ({ from, to, bandwidthBytesPerSecond: spec.link.bandwidthBytesPerSecond, latencySeconds: spec.link.latencySeconds });
  return {
    instances: [pool(spec, 'prefill', spec.prefill.count, spec.prefill), pool(spec, 'decode', spec.decode.count, spec.decode)],
    links: [link('prefill', 'decode'), link('decode', 'prefill')],
  };
}

function checkLimits(name: string, l: EngineLimits): void {
  if (!(Number.isInteger(l.maxNumSeqs) && l.maxNumSeqs >= 1)) throw new RangeError(`${name}.maxNumSeqs must be an integer ≥ 1, received ${l.maxNumSeqs}`);
  if (!(Number.isInteger(l.maxNumBatchedTokens) && l.maxNumBatchedTokens >= 1)) throw new RangeError(`${name}.maxNumBatchedTokens must be an integer ≥ 1, received ${l.maxNumBatchedTokens}`);
}

/** Ranges a caller must respect (the CLI reports user mistakes as input errors before calling). */
function checkSpec(spec: BenchmarkSpec): void {
  if (spec.load.kind === 'concurrency' && !(Number.isInteger(spec.load.concurrency) && spec.load.concurrency >= 1)) throw new RangeError(`concurrency must be an integer ≥ 1, received ${spec.load.concurrency}`);
  if (spec.load.kind === 'rate' && !(spec.load.ratePerSecond > 0 && Number.isFinite(spec.load.ratePerSecond))) throw new RangeError(`ratePerSecond must be a finite number > 0, received ${spec.load.ratePerSecond}`);
  if (spec.mode === 'agg') checkLimits('limits', spec.limits);
  else {
    checkLimits('prefillLimits', spec.prefillLimits);
    checkLimits('decodeLimits', spec.decodeLimits);
    for (const [name, set] of [['prefill', spec.prefill], ['decode', spec.decode]] as const) {
      if (!(Number.isInteger(set.count) && set.count >= 1)) throw new RangeError(`${name}.count must be an integer ≥ 1, received ${set.count}`);
    }
  }
}

function kernelOptions(spec: BenchmarkSpec, options: BenchmarkOptions): KernelOptions {
  // A fixed-count run measures from the first request; otherwise the client ends the warm-up when it has seen enough.
  const common = { seed: options.seed, mode: options.kernelMode ?? 'fast', warmupSeconds: options.requestCount !== undefined ? 0 : Infinity, preemption: 'recompute' as const };
  if (spec.mode === 'agg') return { ...common, policy: 'colocated', engineTokenBudget: spec.limits.maxNumBatchedTokens, maxDecodeBatch: spec.limits.maxNumSeqs, prefillPausesDecode: spec.prefillPausesDecode === true, wholePrompts: spec.wholePrompts === true, admission: spec.admission ?? 'current-need' };
  return {
    ...common,
    policy: 'conserve',
    // A single-turn request's reservation is its input + output: exactly what it will hold.
    reservation: 'grow',
    // TTFT as disaggregated servers measure it: the first token reaches the client from the decoder, after the KV
    // transfer, when the decoder takes the request into a batch (KernelOptions.firstTokenAt).
    firstTokenAt: 'decoder',
    engineTokenBudget: spec.decodeLimits.maxNumBatchedTokens,
    maxDecodeBatch: spec.decodeLimits.maxNumSeqs,
    prefillTokenBudget: spec.prefillLimits.maxNumBatchedTokens,
    prefillMaxBatch: spec.prefillLimits.maxNumSeqs,
  };
}

function latency(h: Histogram): LatencySummary {
  const s = summarize(h, 1000);
  return { mean: roundFigure(s.mean), p50: roundFigure(s.p50), p90: roundFigure(s.p90), p99: roundFigure(s.p99) };
}

function operatingPoint(spec: BenchmarkSpec, options: BenchmarkOptions, gpus: number): OperatingPoint {
  const agg = spec.mode === 'agg';
  const set = (s: { count: number; tp: number; ep?: number }) => ({ count: s.count, tp: s.tp, ep: s.ep ?? 1 });
  const decodeLimits = agg ? spec.limits : spec.decodeLimits;
  return {
    mode: spec.mode,
    gpu: spec.gpu,
    llm: spec.llm,
    precision: spec.precision ?? null,
    kv_dtype: spec.kvDtype ?? null,
    power_cap_w: spec.powerCapWatts ?? null,
    tp: agg ? spec.tp : null,
    ep: agg ? spec.ep ?? 1 : null,
    prefill: agg ? null : set(spec.prefill),
    decode: agg ? null : set(spec.decode),
    gpus,
    concurrency: spec.load.kind === 'concurrency' ? spec.load.concurrency : null,
    rate_per_s: spec.load.kind === 'rate' ? spec.load.ratePerSecond : null,
    isl: spec.isl,
    osl: spec.osl,
    max_num_seqs: decodeLimits.maxNumSeqs,
    max_num_batched_tokens: decodeLimits.maxNumBatchedTokens,
    prefill_max_num_seqs: agg ? null : spec.prefillLimits.maxNumSeqs,
    prefill_max_num_batched_tokens: agg ? null : spec.prefillLimits.maxNumBatchedTokens,
    kv_link: agg ? null : { bandwidth_bytes_per_s: spec.link.bandwidthBytesPerSecond, latency_s: spec.link.latencySeconds },
    policy: agg ? 'colocated' : 'conserve',
    prefill_pauses_decode: agg && spec.prefillPausesDecode === true,
    seed: options.seed,
  };
}

/**
 * Runs one benchmark. Deterministic: the same spec, models and seed give the same result, byte for byte.
 * @example runServingBenchmark({ mode: 'agg', gpu: 'h100-sxm', llm: 'qwen3-32b', tp: 4, limits: { maxNumSeqs: 1024, maxNumBatchedTokens: 8192 }, load: { kind: 'concurrency', concurrency: 128 }, isl: { kind: 'fixed', value: 1024 }, osl: { kind: 'fixed', value: 128 } }, perfModelFor, { seed: 1 })
 */
export function runServingBenchmark(spec: BenchmarkSpec, perfModelFor: PerfModelFor, options: BenchmarkOptions): BenchmarkResult {
  return runServingBenchmarkWithTerms(spec, perfModelFor, options).result;
}

/** Mean TTFT and TPOT of the measured requests as step-term vectors (models with `stepAccounting` only). */
export interface BenchmarkTerms {
  readonly names: readonly string[];
  /** Mean over measured requests of their TTFT terms (arrival → first token; the client's per-request overhead not included). */
  readonly ttft: number[];
  /** Mean over measured requests of the TTFT seconds no step charges: a disaggregated request's KV transfer (0 in agg). */
  readonly ttftFixedSeconds: number;
  /** Mean over measured requests of their TPOT terms (token-gap terms / gaps). */
  readonly tpot: number[];
  readonly requests: number;
}

/**
 * `runServingBenchmark` and, when the models keep step accounting, what its mean TTFT and TPOT were made of: then
 * mean TTFT = Σ secondsPerUnit × terms.ttft + terms.ttftFixedSeconds + the request overhead, and mean TPOT = Σ secondsPerUnit × terms.tpot
 * (to rounding), which is how a serving calibration is fitted through the kernel.
 */
export function runServingBenchmarkWithTerms(spec: BenchmarkSpec, perfModelFor: PerfModelFor, options: BenchmarkOptions): { result: BenchmarkResult; terms?: BenchmarkTerms } {
  const run = prepareRun(spec, perfModelFor, options);
  return run.finish(simulateConversations(run.fleet, run.client, perfModelFor, run.kernel));
}

/**
 * `runServingBenchmark` with the kernel run in slices (planner/kernel/run-sliced.ts): `yieldNow` is awaited between
 * slices and `shouldStop` asked, so a CLI can turn its event loop (Ctrl-C) mid-run. The same result, byte for byte,
 * as the synchronous function; a stop rejects with the kernel's KernelStoppedError (an AbortError).
 * @example await runServingBenchmarkSliced(spec, perfModelFor, { seed: 1 }, { yieldNow, shouldStop: () => signal.aborted })
 */
export async function runServingBenchmarkSliced(spec: BenchmarkSpec, perfModelFor: PerfModelFor, options: BenchmarkOptions, slices: { yieldNow: () => Promise<void>; shouldStop?: () => boolean; sliceEvents?: number }): Promise<BenchmarkResult> {
  const run = prepareRun(spec, perfModelFor, options);
  const kernel = slices.shouldStop !== undefined ? { ...run.kernel, shouldStop: slices.shouldStop } : run.kernel;
  return run.finish(await simulateConversationsSliced(run.fleet, run.client, perfModelFor, kernel, { yieldNow: slices.yieldNow, ...(slices.sliceEvents !== undefined ? { sliceEvents: slices.sliceEvents } : {}) })).result;
}

/** Everything before the kernel runs (fleet, client, kernel options) and what turns its result into the benchmark's. */
function prepareRun(spec: BenchmarkSpec, perfModelFor: PerfModelFor, options: BenchmarkOptions) {
  checkSpec(spec);
  const rule = resolveRunLength(options);
  const fleet = benchmarkFleet(spec);
  const decodePool = fleet.instances[fleet.instances.length - 1];
  const capacityTokens = Math.floor(perfModelFor(decodePool).kvCapacityTokens);
  const client = new BenchmarkClient(spec.load, spec.isl, spec.osl, options.seed, capacityTokens, rule, spec.requestOverheadSeconds ?? 0, spec.clientGapSeconds ?? 0);
  return { fleet, client, kernel: kernelOptions(spec, options), finish: (sim: SimulationResult) => summarizeRun(spec, perfModelFor, options, fleet, client, rule, sim) };
}

function summarizeRun(spec: BenchmarkSpec, perfModelFor: PerfModelFor, options: BenchmarkOptions, fleet: Fleet, client: BenchmarkClient, rule: ReturnType<typeof resolveRunLength>, sim: SimulationResult): { result: BenchmarkResult; terms?: BenchmarkTerms } {
  const decodePool = fleet.instances[fleet.instances.length - 1];
  // GPUs per instance come from the model (max(tp, ep) for the layout), so the per-GPU figures follow the layout.
  let gpus = 0;
  for (const p of fleet.instances) gpus += p.count * perfModelFor(p).gpus;
  const window = client.stopSeconds - client.warmupEnd;
  const perSecond = (x: number) => roundFigure(window > 0 ? x / window : 0);
  const energy = sim.energy_j;
  const itl = sim.tbt_ms;
  const names = perfModelFor(decodePool).stepAccounting?.terms;
  const terms = names !== undefined && client.termsTtftSum !== null && client.termsTpotSum !== null && client.termsRequests > 0
    ? { names, ttft: Array.from(client.termsTtftSum, (v) => v / client.termsRequests), ttftFixedSeconds: client.termsTtftFixedSecondsSum / client.termsRequests, tpot: Array.from(client.termsTpotSum, (v) => (client.termsTpotRequests > 0 ? v / client.termsTpotRequests : 0)), requests: client.termsRequests }
    : undefined;
  const result: BenchmarkResult = {
    ttft_ms: latency(client.ttft),
    tpot_ms: latency(client.tpot),
    itl_ms: { mean: itl.mean, p50: itl.p50, p90: itl.p90, p99: itl.p99 },
    e2e_ms: latency(client.e2e),
    request_throughput_per_s: perSecond(client.windowCompletions),
    output_tokens_per_s: perSecond(client.windowOutputTokens),
    output_tokens_per_s_per_gpu: perSecond(client.windowOutputTokens / gpus),
    power_w: perSecond(energy),
    tokens_per_j: roundFigure(energy > 0 ? client.windowOutputTokens / energy : 0),
    operating_point: operatingPoint(spec, options, gpus),
    run: {
      warmup_requests: client.warmupRequests,
      measured_requests: client.measuredRequests,
      batches: client.batches,
      batch_requests: client.batchRequests,
      relative_standard_error: Number.isFinite(client.relativeStandardError()) ? roundFigure(client.relativeStandardError()) : null,
      converged: client.converged,
      overloaded: client.overloaded,
      warmup_s: roundFigure(client.warmupEnd),
      window_s: roundFigure(window),
      max_in_flight: client.maxInFlight,
      refused_requests: client.refused,
      clipped_draws: client.clipped,
      kv_transfers: sim.kv_transfers,
      preemptions: sim.preemptions,
      events: sim.events,
      sim_time_s: sim.sim_time_s,
      rule: describeRule(rule, client.batchRequests),
    },
  };
  return { result, ...(terms ? { terms } : {}) };
}
