/**
 * The held-out accuracy of MoE serving predictions: every agg MoE run of the staged silicon CSV (silicon-rows.ts) is
 * benchmarked with `runServingBenchmark` — the path `fleetplan benchmark` takes, on the kernel's engines — at the run's
 * concurrency, ISL, OSL, layout, precision and backend's documented engine limits, and its mean TTFT and TPOT compared
 * with the measured ones. The step model is models/moe/ (kernel-table fits and the dense roofline); nothing in it is
 * fitted to a serving run, so every prediction is held out from its whole model, and the leave-one-model-out figures are
 * these. Pure: the caller supplies the models.
 */
import type { InstancePool } from '../../catalogs/types.js';
import { defaultDisaggLink, runServingBenchmark, runServingBenchmarkWithTerms, type AggregatedSpec, type DisaggregatedSpec } from '../../planner/benchmark/index.js';
import type { GpuSpec } from '../../catalogs/types.js';
import type { PerfModel } from '../types.js';
import { BACKEND_POLICIES, backendScheduling, MEASURED_RUN_REQUESTS_PER_CLIENT } from '../serving/backend-policy.js';
import { aiconfiguratorDeploymentLimits, aiconfiguratorDisaggLimits, type DeploymentLimits } from '../serving/benchmark-deployment.js';
import { REQUEST_OVERHEAD_TERM, type CalibrationRow } from '../serving/fit.js';
import type { HeldOutPrediction } from '../serving/holdout.js';
import { MOE_KERNEL_TABLES_TERM } from '../serving/moe-step-terms.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS } from '../serving/step-terms.js';
import type { DisaggSide, MoeDisaggRun } from './silicon-disagg-rows.js';
import type { MoeSiliconRun } from './silicon-rows.js';

/** An instance's engine limits as stored (`--max-num-seqs`, `--max-num-batched-tokens`). */
export interface StoredLimits {
  readonly max_num_seqs: number;
  readonly max_num_batched_tokens: number;
}

/** One run's prediction, as stored next to docs/accuracy.md (ms, rounded to 4 significant digits). */
export interface MoeRowPrediction {
  readonly id: string;
  readonly mode: 'agg' | 'disagg';
  /** Disagg only: the prefill and decode sets (tp/ep above are the decode side's) and each instance's engine limits. */
  readonly prefill?: DisaggSide;
  readonly decode?: DisaggSide;
  readonly prefill_limits?: StoredLimits;
  readonly decode_limits?: StoredLimits;
  readonly line: number;
  readonly backend: string;
  readonly gpu: string;
  readonly llm: string;
  readonly precision: string;
  readonly tp: number;
  readonly ep: number;
  readonly concurrency: number;
  readonly isl: number;
  readonly osl: number;
  readonly measured_ttft_ms: number;
  readonly measured_tpot_ms: number;
  readonly predicted_ttft_ms: number;
  readonly predicted_tpot_ms: number;
  /** The serving-fit scope that predicted it (fitted on agg runs without its architecture) and its architecture group. */
  readonly scope?: string;
  readonly held_out?: string;
  /** Agg rows: the benchmark's mean TTFT and TPOT as fitted step-term vectors (STEP_TERMS order; TTFT's request_overhead is one request's unit). */
  readonly ttft_terms?: readonly number[];
  readonly tpot_terms?: readonly number[];
  /** Agg rows: the mean TTFT and TPOT seconds the kernel tables charge as measured (no coefficient scales them). */
  readonly ttft_kernel_tables_s?: number;
  readonly tpot_kernel_tables_s?: number;
  /** The uncalibrated kernel-table model's benchmark (what plan and predict use for MoE pools), ms. */
  readonly uncalibrated_ttft_ms?: number;
  readonly uncalibrated_tpot_ms?: number;
  /** Agg rows: predicted by a fit on the dense runs alone (what a calibration without MoE runs, e.g. the built-in one, gives an MoE pool), ms. */
  readonly dense_fit_ttft_ms?: number;
  readonly dense_fit_tpot_ms?: number;
}

/**
 * An instance's engine limits under its backend's defaults, or under the per-rank limits a deployment set (`deployed`).
 * With attention data parallelism (max(tp, ep)/tp ranks) each rank schedules its own step budget and sequences, and the
 * kernel runs the instance as one engine: its limits are the ranks' sum (one rank's budget for the whole instance made
 * an 8192-token prompt on a dp-8 prefiller run on one rank while the others idled: DeepSeek-R1 disagg TTFT 50 s
 * predicted where TensorRT-LLM measured 2 s).
 */
export function engineLimitsOf(backend: MoeSiliconRun['run']['backend'], tp: number, ep: number, deployed?: DeploymentLimits): { maxNumSeqs: number; maxNumBatchedTokens: number } {
  const policy = BACKEND_POLICIES[backend];
  const ranks = Math.max(tp, ep) / tp;
  const perRank = deployed ?? { maxNumSeqs: policy.maxSequences, maxNumBatchedTokens: policy.stepTokenBudget };
  return { maxNumSeqs: perRank.maxNumSeqs * ranks, maxNumBatchedTokens: perRank.maxNumBatchedTokens * ranks };
}

/**
 * The per-rank limits aiconfigurator's generator deploys an agg run of its own with (benchmark-deployment.ts: vLLM and
 * TensorRT-LLM max batch = the worker's batch size, token budget = batch + ISL + 1500), undefined for SGLang or another
 * source. Under attention data parallelism the file's `batch_size` is one rank's: batch_size × attention_dp_size = the
 * id's concurrency on 135 of the 136 agg MoE rows with attention DP that state both, so a rank's batch is concurrency / ranks.
 */
export function deployedRankLimitsOf(run: MoeSiliconRun['run'], tp: number, ep: number): DeploymentLimits | undefined {
  const ranks = Math.max(tp, ep) / tp;
  return aiconfiguratorDeploymentLimits({ ...run, concurrency: Math.ceil(run.concurrency / ranks) });
}

/**
 * The benchmark a run was: one agg instance, closed loop at its concurrency, its backend's step budget, sequence cap
 * and scheduling (backendScheduling: SGLang's prefill batches pause decoding, TensorRT-LLM's whole prompts and
 * guaranteed-no-evict admission, SGLang's new-token-ratio reserve), the same protocol as the dense rows (planner/benchmark/
 * measured-run.ts: `MEASURED_RUN_REQUESTS_PER_CLIENT` requests per client, all measured).
 */
export function benchmarkSpecOf(r: MoeSiliconRun): AggregatedSpec {
  return {
    mode: 'agg', gpu: r.run.gpu, llm: r.run.llm, tp: r.run.tp, ep: r.ep, precision: r.run.precision,
    limits: engineLimitsOf(r.run.backend, r.run.tp, r.ep, deployedRankLimitsOf(r.run, r.run.tp, r.ep)),
    ...backendScheduling(r.run.backend),
    load: { kind: 'concurrency', concurrency: r.run.concurrency },
    isl: { kind: 'fixed', value: r.run.inputTokens }, osl: { kind: 'fixed', value: r.run.outputTokens },
  };
}

const sig = (x: number) => Number(x.toPrecision(4));

/**
 * The run's benchmark on a model with step accounting (moe-calibrated-model.ts at any coefficients: with a fixed request
 * count the schedule does not depend on them), as a calibration row: mean TTFT and TPOT as term vectors, TTFT's
 * per-request overhead term set to one request's unit (as models/serving/rows.ts does for the dense rows).
 */
export function moeCalibrationRow(r: MoeSiliconRun, perfModelFor: (pool: InstancePool) => PerfModel): CalibrationRow {
  const out = runServingBenchmarkWithTerms(benchmarkSpecOf(r), perfModelFor, { seed: 1, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT });
  if (!out.terms) throw new Error(`the benchmark of ${r.id} kept no step accounting (its model has no MoE step terms)`);
  // The fitted terms are the dense slots; the kernel-table seconds (charged as measured) are the row's fixed part.
  const ttft = out.terms.ttft.slice(0, MOE_KERNEL_TABLES_TERM);
  ttft[REQUEST_OVERHEAD_TERM] += REQUEST_OVERHEAD_UNIT_SECONDS;
  return {
    run: r.run, terms: { ttft, tpot: out.terms.tpot.slice(0, MOE_KERNEL_TABLES_TERM) },
    fixedSeconds: { ttft: out.terms.ttft[MOE_KERNEL_TABLES_TERM] ?? 0, tpot: out.terms.tpot[MOE_KERNEL_TABLES_TERM] ?? 0 },
  };
}

/**
 * Benchmarks one run with a fitted scope's coefficients (`perfModelFor` built on them) and its per-request overhead:
 * what `fleetplan benchmark` prints for it. Equal to the scope's coefficients × the run's terms (the fit is linear in
 * them); test/data/accuracy-moe.test.ts checks that on a subset.
 */
export function benchmarkMoeRunWith(r: MoeSiliconRun, perfModelFor: (pool: InstancePool) => PerfModel, requestOverheadSeconds: number): { ttftMs: number; tpotMs: number } {
  const spec = { ...benchmarkSpecOf(r), ...(requestOverheadSeconds > 0 ? { requestOverheadSeconds } : {}) };
  const result = runServingBenchmark(spec, perfModelFor, { seed: 1, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT });
  return { ttftMs: result.ttft_ms.mean, tpotMs: result.tpot_ms.mean };
}

/** A held-out prediction of an agg run as stored next to docs/accuracy.md, with its terms and the uncalibrated model's figures. */
export function moeHeldOutRow(r: MoeSiliconRun, p: HeldOutPrediction, uncalibrated: MoeRowPrediction, denseFit: { readonly ttftSeconds: number; readonly tpotSeconds: number }): MoeRowPrediction {
  return {
    id: r.id, mode: 'agg', line: r.run.line, backend: r.run.backend, gpu: r.run.gpu, llm: r.run.llm, precision: r.run.precision,
    tp: r.run.tp, ep: r.ep, concurrency: r.run.concurrency, isl: r.run.inputTokens, osl: r.run.outputTokens,
    measured_ttft_ms: sig(r.run.ttftSeconds * 1e3), measured_tpot_ms: sig(r.run.tpotSeconds * 1e3),
    predicted_ttft_ms: sig(p.ttftSeconds * 1e3), predicted_tpot_ms: sig(p.tpotSeconds * 1e3),
    scope: p.scope, held_out: p.heldOut, ttft_terms: p.row.terms.ttft, tpot_terms: p.row.terms.tpot,
    ttft_kernel_tables_s: p.row.fixedSeconds?.ttft ?? 0, tpot_kernel_tables_s: p.row.fixedSeconds?.tpot ?? 0,
    uncalibrated_ttft_ms: uncalibrated.predicted_ttft_ms, uncalibrated_tpot_ms: uncalibrated.predicted_tpot_ms,
    dense_fit_ttft_ms: sig(denseFit.ttftSeconds * 1e3), dense_fit_tpot_ms: sig(denseFit.tpotSeconds * 1e3),
  };
}

/** Benchmarks one run (seed 1, the CLI's default; the measured-run request count). */
export function predictMoeRun(r: MoeSiliconRun, perfModelFor: (pool: InstancePool) => PerfModel): MoeRowPrediction {
  const result = runServingBenchmark(benchmarkSpecOf(r), perfModelFor, { seed: 1, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT });
  return {
    id: r.id, mode: 'agg', line: r.run.line, backend: r.run.backend, gpu: r.run.gpu, llm: r.run.llm, precision: r.run.precision,
    tp: r.run.tp, ep: r.ep, concurrency: r.run.concurrency, isl: r.run.inputTokens, osl: r.run.outputTokens,
    measured_ttft_ms: sig(r.run.ttftSeconds * 1e3), measured_tpot_ms: sig(r.run.tpotSeconds * 1e3),
    predicted_ttft_ms: sig(result.ttft_ms.mean), predicted_tpot_ms: sig(result.tpot_ms.mean),
  };
}

/**
 * The benchmark a disagg run was: its xPyD sets, each instance with the per-rank limits aiconfigurator's generator
 * deploys that side with (benchmark-deployment.ts `aiconfiguratorDisaggLimits`) summed over its attention-data-parallel
 * ranks, else the backend's step budget and sequence cap, the planner's default KV link (the prefill instance's inter-node bandwidth), closed loop at its concurrency.
 */
export function disaggSpecOf(r: MoeDisaggRun, gpu: GpuSpec): DisaggregatedSpec {
  return {
    mode: 'disagg', gpu: r.run.gpu, llm: r.run.llm, precision: r.run.precision, prefill: r.prefill, decode: r.decode,
    prefillLimits: engineLimitsOf(r.run.backend, r.prefill.tp, r.prefill.ep, aiconfiguratorDisaggLimits(r.run, 'prefill', r.batchPerRank.prefill)),
    decodeLimits: engineLimitsOf(r.run.backend, r.decode.tp, r.decode.ep, aiconfiguratorDisaggLimits(r.run, 'decode', r.batchPerRank.decode)),
    link: defaultDisaggLink(gpu, Math.max(r.prefill.tp, r.prefill.ep)),
    load: { kind: 'concurrency', concurrency: r.run.concurrency },
    isl: { kind: 'fixed', value: r.run.inputTokens }, osl: { kind: 'fixed', value: r.run.outputTokens },
  };
}

/**
 * Benchmarks one disagg run (seed 1) under the measured-run protocol of every other row (backend-policy.ts
 * `MEASURED_RUN_REQUESTS_PER_CLIENT` requests per client, all measured, clients starting together). With `requestOverheadSeconds` (a calibration's per-request overhead) it joins
 * every TTFT, as `fleetplan benchmark --calibration` adds it.
 */
export function predictMoeDisaggRun(r: MoeDisaggRun, gpu: GpuSpec, perfModelFor: (pool: InstancePool) => PerfModel, requestOverheadSeconds = 0): MoeRowPrediction {
  const spec = { ...disaggSpecOf(r, gpu), ...(requestOverheadSeconds > 0 ? { requestOverheadSeconds } : {}) };
  const stored = (l: { maxNumSeqs: number; maxNumBatchedTokens: number }): StoredLimits => ({ max_num_seqs: l.maxNumSeqs, max_num_batched_tokens: l.maxNumBatchedTokens });
  const result = runServingBenchmark(spec, perfModelFor, { seed: 1, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT });
  return {
    id: r.id, mode: 'disagg', prefill: r.prefill, decode: r.decode, prefill_limits: stored(spec.prefillLimits), decode_limits: stored(spec.decodeLimits), line: r.run.line, backend: r.run.backend, gpu: r.run.gpu, llm: r.run.llm,
    precision: r.run.precision, tp: r.decode.tp, ep: r.decode.ep, concurrency: r.run.concurrency, isl: r.run.inputTokens, osl: r.run.outputTokens,
    measured_ttft_ms: sig(r.run.ttftSeconds * 1e3), measured_tpot_ms: sig(r.run.tpotSeconds * 1e3),
    predicted_ttft_ms: sig(result.ttft_ms.mean), predicted_tpot_ms: sig(result.tpot_ms.mean),
  };
}

/** The `fleetplan benchmark --mode disagg` command that prints a stored disagg row's prediction with a calibration file. */
export function moeDisaggRunCommand(r: MoeRowPrediction, calibrationFile: string): string {
  if (!r.prefill || !r.decode || !r.prefill_limits || !r.decode_limits) throw new Error(`${r.id} is not a disagg row`);
  const set = (s: DisaggSide) => `${s.count}x${s.tp}${s.ep > 1 ? `ep${s.ep}` : ''}`;
  return `fleetplan benchmark --gpu ${r.gpu} --llm ${r.llm} --precision ${r.precision} --backend ${r.backend} --mode disagg --prefill ${set(r.prefill)} --decode ${set(r.decode)} --prefill-max-num-seqs ${r.prefill_limits.max_num_seqs} --prefill-max-num-batched-tokens ${r.prefill_limits.max_num_batched_tokens} --max-num-seqs ${r.decode_limits.max_num_seqs} --max-num-batched-tokens ${r.decode_limits.max_num_batched_tokens} --concurrency ${r.concurrency} --isl ${r.isl} --osl ${r.osl} --request-count ${r.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT} --calibration ${calibrationFile}`;
}

/**
 * A disagg run's stored row: the benchmark through its architecture's held-out calibration (`fitted`: the scope fitted
 * on the dense agg runs and the other MoE architectures' agg runs, never a disagg run) and the uncalibrated model's.
 */
export function moeHeldOutDisaggRow(fitted: MoeRowPrediction, uncalibrated: MoeRowPrediction, scope: string, heldOut: string): MoeRowPrediction {
  return { ...fitted, scope, held_out: heldOut, uncalibrated_ttft_ms: uncalibrated.predicted_ttft_ms, uncalibrated_tpot_ms: uncalibrated.predicted_tpot_ms };
}

/**
 * Stored predictions as held-out predictions of models/serving/holdout.ts, so its group summaries (median, p90,
 * signed median per GPU × LLM × precision × backend × mode) apply unchanged. The step model fits no serving run: the
 * held-out set of each prediction is its whole LLM.
 */
export function asHeldOut(rows: readonly MoeRowPrediction[], which: 'fitted' | 'uncalibrated' | 'dense-fit' = 'fitted'): HeldOutPrediction[] {
  const plain = which === 'uncalibrated';
  const dense = which === 'dense-fit';
  return rows.map((p) => ({
    row: {
      run: {
        source: '', line: p.line, backend: p.backend as MeasuredBackend, gpu: p.gpu, llm: p.llm, modelName: p.llm, precision: p.precision as MeasuredPrecision,
        mode: p.mode, tp: p.tp, concurrency: p.concurrency, inputTokens: p.isl, outputTokens: p.osl,
        ttftSeconds: p.measured_ttft_ms / 1e3, tpotSeconds: p.measured_tpot_ms / 1e3,
      },
      terms: { ttft: [], tpot: [] },
    },
    ttftSeconds: (plain ? p.uncalibrated_ttft_ms ?? p.predicted_ttft_ms : dense ? p.dense_fit_ttft_ms ?? p.predicted_ttft_ms : p.predicted_ttft_ms) / 1e3,
    tpotSeconds: (plain ? p.uncalibrated_tpot_ms ?? p.predicted_tpot_ms : dense ? p.dense_fit_tpot_ms ?? p.predicted_tpot_ms : p.predicted_tpot_ms) / 1e3,
    scope: plain ? 'kernel tables (no serving fit)' : p.scope ?? 'kernel tables (no serving fit)',
    heldOut: p.held_out ?? p.llm,
  }));
}

type MeasuredBackend = HeldOutPrediction['row']['run']['backend'];
type MeasuredPrecision = HeldOutPrediction['row']['run']['precision'];
