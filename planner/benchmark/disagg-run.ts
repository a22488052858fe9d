/**
 * The `fleetplan benchmark --mode disagg` that reproduces one measured xPyD run (models/serving/disagg-rows.ts): the
 * run's prefill and decode sets, the backend's engine limits on both sides, the planner's default KV link, a closed
 * loop at the run's concurrency sending `MEASURED_RUN_REQUESTS_PER_CLIENT` requests per client, every one measured —
 * the agg rows' protocol (measured-run.ts). With a serving calibration both sides keep step accounting, so the run's
 * mean TTFT and TPOT come back as term vectors (plus the KV transfer's fixed seconds in TTFT), like an agg run's.
 */
import type { Catalog } from '../../catalogs/types.js';
import { MEASURED_RUN_REQUESTS_PER_CLIENT } from '../../models/serving/backend-policy.js';
import type { ServingCalibration } from '../../models/serving/calibration-file.js';
import type { DenseDisaggRun } from '../../models/serving/disagg-rows.js';
import { requestOverheadSeconds } from '../../models/serving/fit.js';
import { backendDefaultLimits, defaultDisaggLink } from './defaults.js';
import { calibratedPerfModels, MEASURED_RUN_SEED } from './measured-run.js';
import { runServingBenchmarkWithTerms, type BenchmarkTerms } from './run.js';
import type { BenchmarkOptions, BenchmarkResult, DisaggregatedSpec } from './types.js';

/** The spec `fleetplan benchmark --mode disagg --backend B …` builds for this run (benchmark-args.ts does the same). */
export function disaggRunSpec(r: DenseDisaggRun, catalog: Catalog, calibration?: ServingCalibration): DisaggregatedSpec {
  const gpu = catalog.gpus.get(r.run.gpu);
  if (!gpu) throw new RangeError(`GPU ${r.run.gpu} is not in the catalog`);
  const limits = backendDefaultLimits(gpu, r.run.backend);
  const overhead = calibration ? requestOverheadSeconds(calibration.scopes, r.run) : 0;
  return {
    mode: 'disagg', gpu: r.run.gpu, llm: r.run.llm, precision: r.run.precision,
    prefill: r.prefill, decode: r.decode, prefillLimits: limits, decodeLimits: limits,
    link: defaultDisaggLink(gpu, r.prefill.tp),
    load: { kind: 'concurrency', concurrency: r.run.concurrency },
    isl: { kind: 'fixed', value: r.run.inputTokens },
    osl: { kind: 'fixed', value: r.run.outputTokens },
    ...(overhead > 0 ? { requestOverheadSeconds: overhead } : {}),
  };
}

export function disaggRunOptions(r: DenseDisaggRun): BenchmarkOptions {
  return { seed: MEASURED_RUN_SEED, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT };
}

/** The command that runs this benchmark (for the doc). */
export function disaggRunCommand(r: DenseDisaggRun, calibrationFile: string): string {
  const { run } = r;
  return `fleetplan benchmark --gpu ${run.gpu} --llm ${run.llm} --precision ${run.precision} --backend ${run.backend} --mode disagg --prefill ${r.prefill.count}x${r.prefill.tp} --decode ${r.decode.count}x${r.decode.tp} --concurrency ${run.concurrency} --isl ${run.inputTokens} --osl ${run.outputTokens} --request-count ${run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT} --calibration ${calibrationFile}`;
}

/** Runs the disagg run's benchmark with a calibration on the kernel; terms are present (calibrated models keep them). */
export function benchmarkDisaggRun(r: DenseDisaggRun, catalog: Catalog, calibration: ServingCalibration): { result: BenchmarkResult; terms: BenchmarkTerms } {
  const perfModelFor = calibratedPerfModels(catalog, calibration, r.run.backend);
  const out = runServingBenchmarkWithTerms(disaggRunSpec(r, catalog, calibration), perfModelFor, disaggRunOptions(r));
  if (!out.terms) throw new Error(`the disagg benchmark of ${r.run.source}:${r.run.line} kept no step accounting (the calibrated model does not apply to ${r.run.gpu} ${r.run.llm} ${r.run.precision})`);
  return { result: out.result, terms: out.terms };
}
