/**
 * The `fleetplan benchmark` that reproduces one measured serving run (models/serving/runs.ts): one aggregated
 * instance of the run's GPU, LLM, TP and precision, the backend's engine limits, a closed loop at the run's
 * concurrency sending `MEASURED_RUN_REQUESTS_PER_CLIENT` requests per client, every one measured. The accuracy table
 * and `fleetplan calibrate` read a run's TTFT and TPOT *terms* from this benchmark (the kernel's step accounting) and
 * score its predictions: the command line it prints is what reproduces a row.
 */
import type { Catalog, InstancePool } from '../../catalogs/types.js';
import { createPerfModel } from '../../models/index.js';
import { backendScheduling, MEASURED_RUN_REQUESTS_PER_CLIENT } from '../../models/serving/backend-policy.js';
import { aiconfiguratorDeploymentLimits } from '../../models/serving/benchmark-deployment.js';
import type { ServingCalibration } from '../../models/serving/calibration-file.js';
import { requestOverheadSeconds } from '../../models/serving/fit.js';
import type { RunTerms } from '../../models/serving/rows.js';
import type { Backend, MeasuredRun } from '../../models/serving/runs.js';
import type { PerfModel } from '../../models/types.js';
import { backendDefaultLimits } from './defaults.js';
import { runServingBenchmarkWithTerms, type BenchmarkTerms } from './run.js';
import type { AggregatedSpec, BenchmarkOptions, BenchmarkResult, EngineLimits } from './types.js';

/** Seed of every measured-run benchmark (fixed lengths: no draw depends on it). */
export const MEASURED_RUN_SEED = 1;

/**
 * The engine limits of a measured run's deployment: what aiconfigurator's generator deploys its aggregated benchmark
 * runs with where it sets them (models/serving/benchmark-deployment.ts: vLLM and TensorRT-LLM, max batch = the run's
 * concurrency, token budget = concurrency + ISL + 1500), else the backend's defaults.
 */
export function measuredRunLimits(run: MeasuredRun, catalog: Catalog): EngineLimits {
  const gpu = catalog.gpus.get(run.gpu);
  if (!gpu) throw new RangeError(`GPU ${run.gpu} is not in the catalog`);
  return aiconfiguratorDeploymentLimits(run) ?? backendDefaultLimits(gpu, run.backend);
}

export function measuredRunSpec(run: MeasuredRun, catalog: Catalog, calibration?: ServingCalibration): AggregatedSpec {
  const overhead = calibration ? requestOverheadSeconds(calibration.scopes, run) : 0;
  return {
    mode: 'agg', gpu: run.gpu, llm: run.llm, tp: run.tp, precision: run.precision,
    limits: measuredRunLimits(run, catalog),
    ...backendScheduling(run.backend),
    load: { kind: 'concurrency', concurrency: run.concurrency },
    isl: { kind: 'fixed', value: run.inputTokens },
    osl: { kind: 'fixed', value: run.outputTokens },
    ...(overhead > 0 ? { requestOverheadSeconds: overhead } : {}),
    ...(calibration?.clientGapSeconds ? { clientGapSeconds: calibration.clientGapSeconds } : {}),
  };
}

export function measuredRunOptions(run: MeasuredRun): BenchmarkOptions {
  return { seed: MEASURED_RUN_SEED, requestCount: run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT };
}

/** The command that runs this benchmark (for the doc and the per-row file). */
export function measuredRunCommand(run: MeasuredRun, calibrationFile: string): string {
  const deployed = aiconfiguratorDeploymentLimits(run);
  const limits = deployed ? ` --max-num-seqs ${deployed.maxNumSeqs} --max-num-batched-tokens ${deployed.maxNumBatchedTokens}` : '';
  return `fleetplan benchmark --gpu ${run.gpu} --llm ${run.llm} --tp ${run.tp} --precision ${run.precision} --backend ${run.backend}${limits} --concurrency ${run.concurrency} --isl ${run.inputTokens} --osl ${run.outputTokens} --request-count ${run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT} --calibration ${calibrationFile}`;
}

/** The calibrated perf model of each pool a measured run's benchmark builds (one per GPU, LLM, TP and precision). */
export function calibratedPerfModels(catalog: Catalog, calibration: ServingCalibration, backend: Backend): (pool: InstancePool) => PerfModel {
  const models = new Map<string, PerfModel>();
  return (pool: InstancePool): PerfModel => {
    const key = `${pool.gpu}|${pool.llm}|${pool.tp}|${pool.precision ?? ''}`;
    let m = models.get(key);
    if (m === undefined) {
      m = createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, { calibration, backend });
      models.set(key, m);
    }
    return m;
  };
}

/** Runs the measured run's benchmark with a calibration on the kernel; terms are present (calibrated models keep them). */
export function benchmarkMeasuredRun(run: MeasuredRun, catalog: Catalog, calibration: ServingCalibration): { result: BenchmarkResult; terms: BenchmarkTerms } {
  const perfModelFor = calibratedPerfModels(catalog, calibration, run.backend);
  const out = runServingBenchmarkWithTerms(measuredRunSpec(run, catalog, calibration), perfModelFor, measuredRunOptions(run));
  if (!out.terms) throw new Error(`the benchmark of ${run.source}:${run.line} kept no step accounting (the calibrated model does not apply to ${run.gpu} ${run.llm} ${run.precision})`);
  return { result: out.result, terms: out.terms };
}

/**
 * Reference coefficients, fitted on nothing: the serving fit's starting point and the schedules on which it chooses
 * the client turnaround (models/serving/fixed-point-fit.ts): the physical roofline as is, 1 ms per step, 10 µs per
 * scheduled sequence, no request overhead.
 */
export const REFERENCE_COEFFICIENTS: readonly number[] = [1, 1, 1, 1, 1, 1, 10, 0];

/** A calibration with one all-runs scope of the given coefficients (STEP_TERMS order). */
export function singleScopeCalibration(coefficients: readonly number[], defaultBackend: Backend = 'vllm'): ServingCalibration {
  return { fleetplanVersion: '', sourceHash: 'single-scope', inputs: [], defaultBackend, scopes: [{ scope: '*', runs: 0, tpot: [...coefficients], ttft: [...coefficients] }], heldOut: {}, gpuEfficiencies: {}, unexpressible: [] };
}

/**
 * The mean TTFT and TPOT terms of each run's benchmark on the kernel (what `calibrateServing` fits), run with a
 * calibration's coefficients and client turnaround (absent: REFERENCE_COEFFICIENTS, no turnaround).
 */
export function measuredRunTerms(catalog: Catalog): RunTerms {
  const reference = singleScopeCalibration(REFERENCE_COEFFICIENTS);
  return (run, calibration) => {
    const { result, terms } = benchmarkMeasuredRun(run, catalog, { ...reference, ...(calibration?.scopes ? { scopes: calibration.scopes } : {}), clientGapSeconds: calibration?.clientGapSeconds ?? 0 });
    return { ttft: terms.ttft, tpot: terms.tpot, printed: { ttftMs: result.ttft_ms.mean, tpotMs: result.tpot_ms.mean } };
  };
}
