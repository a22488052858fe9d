/**
 * The held-out accuracy of MoE serving predictions: every agg MoE run of the staged silicon CSV (silicon-rows.ts) is
 * benchmarked with `runServingBenchmark` — the path `fleetplan benchmark` takes, on the kernel's engines — at the run's
 * concurrency, ISL, OSL, layout, precision and backend's documented engine limits, and its mean TTFT and TPOT compared
 * with the measured ones. The step model is models/moe/ (kernel-table fits and the dense roofline); nothing in it is
 * fitted to a serving run, so every prediction is held out from its whole model, and the leave-one-model-out figures are
 * these. Pure: the caller supplies the models.
 */
import type { InstancePool } from '../../catalogs/types.js';
import { defaultDisaggLink, runServingBenchmark, type AggregatedSpec, type DisaggregatedSpec } from '../../planner/benchmark/index.js';
import type { GpuSpec } from '../../catalogs/types.js';
import type { PerfModel } from '../types.js';
import { BACKEND_POLICIES, MEASURED_RUN_REQUESTS_PER_CLIENT } from '../serving/backend-policy.js';
import type { HeldOutPrediction } from '../serving/holdout.js';
import type { DisaggSide, MoeDisaggRun } from './silicon-disagg-rows.js';
import type { MoeSiliconRun } from './silicon-rows.js';

/** One run's prediction, as stored next to docs/accuracy.md (ms, rounded to 4 significant digits). */
export interface MoeRowPrediction {
  readonly id: string;
  readonly mode: 'agg' | 'disagg';
  /** Disagg only: the prefill and decode sets (tp/ep above are the decode side's). */
  readonly prefill?: DisaggSide;
  readonly decode?: DisaggSide;
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
}

/**
 * An instance's engine limits under its backend's defaults. With attention data parallelism (max(tp, ep)/tp ranks) each
 * rank schedules its own step budget and sequences, and the kernel runs the instance as one engine: its limits are the
 * ranks' sum (one rank's budget for the whole instance made an 8192-token prompt on a dp-8 prefiller run on one rank
 * while the others idled: DeepSeek-R1 disagg TTFT 50 s predicted where TensorRT-LLM measured 2 s).
 */
export function engineLimitsOf(backend: MoeSiliconRun['run']['backend'], tp: number, ep: number): { maxNumSeqs: number; maxNumBatchedTokens: number } {
  const policy = BACKEND_POLICIES[backend];
  const ranks = Math.max(tp, ep) / tp;
  return { maxNumSeqs: policy.maxSequences * ranks, maxNumBatchedTokens: policy.stepTokenBudget * ranks };
}

/**
 * The benchmark a run was: one agg instance, closed loop at its concurrency, its backend's step budget, sequence cap
 * and scheduler (SGLang's prefill batches pause decoding), the same protocol as the dense rows (planner/benchmark/
 * measured-run.ts: `MEASURED_RUN_REQUESTS_PER_CLIENT` requests per client, all measured).
 */
export function benchmarkSpecOf(r: MoeSiliconRun): AggregatedSpec {
  return {
    mode: 'agg', gpu: r.run.gpu, llm: r.run.llm, tp: r.run.tp, ep: r.ep, precision: r.run.precision,
    limits: engineLimitsOf(r.run.backend, r.run.tp, r.ep),
    ...(BACKEND_POLICIES[r.run.backend].prefillPausesDecode ? { prefillPausesDecode: true } : {}),
    load: { kind: 'concurrency', concurrency: r.run.concurrency },
    isl: { kind: 'fixed', value: r.run.inputTokens }, osl: { kind: 'fixed', value: r.run.outputTokens },
  };
}

const sig = (x: number) => Number(x.toPrecision(4));

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
 * The benchmark a disagg run was: its xPyD sets, each instance with the backend's step budget and sequence cap, the
 * planner's default KV link (the prefill instance's inter-node bandwidth), closed loop at its concurrency.
 */
export function disaggSpecOf(r: MoeDisaggRun, gpu: GpuSpec): DisaggregatedSpec {
  return {
    mode: 'disagg', gpu: r.run.gpu, llm: r.run.llm, precision: r.run.precision, prefill: r.prefill, decode: r.decode,
    prefillLimits: engineLimitsOf(r.run.backend, r.prefill.tp, r.prefill.ep), decodeLimits: engineLimitsOf(r.run.backend, r.decode.tp, r.decode.ep),
    link: defaultDisaggLink(gpu, Math.max(r.prefill.tp, r.prefill.ep)),
    load: { kind: 'concurrency', concurrency: r.run.concurrency },
    isl: { kind: 'fixed', value: r.run.inputTokens }, osl: { kind: 'fixed', value: r.run.outputTokens },
  };
}

/** Benchmarks one disagg run (seed 1). */
export function predictMoeDisaggRun(r: MoeDisaggRun, gpu: GpuSpec, perfModelFor: (pool: InstancePool) => PerfModel): MoeRowPrediction {
  const result = runServingBenchmark(disaggSpecOf(r, gpu), perfModelFor, { seed: 1 });
  return {
    id: r.id, mode: 'disagg', prefill: r.prefill, decode: r.decode, line: r.run.line, backend: r.run.backend, gpu: r.run.gpu, llm: r.run.llm,
    precision: r.run.precision, tp: r.decode.tp, ep: r.decode.ep, concurrency: r.run.concurrency, isl: r.run.inputTokens, osl: r.run.outputTokens,
    measured_ttft_ms: sig(r.run.ttftSeconds * 1e3), measured_tpot_ms: sig(r.run.tpotSeconds * 1e3),
    predicted_ttft_ms: sig(result.ttft_ms.mean), predicted_tpot_ms: sig(result.tpot_ms.mean),
  };
}

/**
 * Stored predictions as held-out predictions of models/serving/holdout.ts, so its group summaries (median, p90,
 * signed median per GPU × LLM × precision × backend × mode) apply unchanged. The step model fits no serving run: the
 * held-out set of each prediction is its whole LLM.
 */
export function asHeldOut(rows: readonly MoeRowPrediction[]): HeldOutPrediction[] {
  return rows.map((p) => ({
    row: {
      run: {
        source: '', line: p.line, backend: p.backend as MeasuredBackend, gpu: p.gpu, llm: p.llm, modelName: p.llm, precision: p.precision as MeasuredPrecision,
        mode: p.mode, tp: p.tp, concurrency: p.concurrency, inputTokens: p.isl, outputTokens: p.osl,
        ttftSeconds: p.measured_ttft_ms / 1e3, tpotSeconds: p.measured_tpot_ms / 1e3,
      },
      terms: { ttft: [], tpot: [] },
    },
    ttftSeconds: p.predicted_ttft_ms / 1e3,
    tpotSeconds: p.predicted_tpot_ms / 1e3,
    scope: 'kernel tables (no serving fit)',
    heldOut: p.llm,
  }));
}

type MeasuredBackend = HeldOutPrediction['row']['run']['backend'];
type MeasuredPrecision = HeldOutPrediction['row']['run']['precision'];
