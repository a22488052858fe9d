/**
 * Measured runs → calibration rows (their term vectors, read from the kernel benchmark that reproduces each run), or
 * the reason a run is not yet expressible.
 */
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { efficiencyFor } from '../roofline.js';
import { computeKvCapacity } from '../specs.js';
import { REQUEST_OVERHEAD_TERM, type CalibrationRow } from './fit.js';
import type { RowsUnder, ScheduleCalibration } from './fixed-point-fit.js';
import type { MeasuredRun } from './runs.js';
import { instanceUnits, REQUEST_OVERHEAD_UNIT_SECONDS } from './step-terms.js';

/**
 * Mean TTFT and TPOT terms of the benchmark that reproduces a run (planner/benchmark/measured-run.ts runs it on the
 * kernel with step accounting), run with a calibration's coefficients and client turnaround (they decide the
 * schedule; absent: the reference coefficients, fitted on nothing, and no turnaround). The kernel charges no request
 * overhead: the row adds one request's unit to TTFT.
 */
export type RunTerms = (run: MeasuredRun, calibration?: ScheduleCalibration) => { readonly ttft: readonly number[]; readonly tpot: readonly number[]; readonly printed?: CalibrationRow['printed'] };

/** A row's term vectors from its benchmark's: TTFT gains the request_overhead term (one request's unit). */
export function rowTerms(kernel: ReturnType<RunTerms>): CalibrationRow['terms'] {
  const ttft = [...kernel.ttft];
  ttft[REQUEST_OVERHEAD_TERM] += REQUEST_OVERHEAD_UNIT_SECONDS;
  return { ttft, tpot: [...kernel.tpot] };
}

/** Re-runs rows' benchmarks with a calibration (models/serving/fixed-point-fit.ts). */
export function rowsUnderCalibration(termsOf: RunTerms): RowsUnder {
  return (rows, calibration) => rows.map((r) => {
    const kernel = termsOf(r.run, calibration);
    return { run: r.run, terms: rowTerms(kernel), ...(kernel.printed ? { printed: kernel.printed } : {}) };
  });
}

export interface SpecSource {
  readonly gpu: (id: string) => GpuSpec | undefined;
  readonly llm: (id: string) => LlmSpec | undefined;
  /** Kernel-level fractions of peak per GPU (catalogs/coefficients/roofline.json). */
  readonly roofline: RooflineCalibration;
}

export interface RowsResult {
  readonly rows: CalibrationRow[];
  /** Runs that could not be expressed, counted by reason. */
  readonly unexpressible: ReadonlyMap<string, number>;
}

/** Builds the term vectors of every agg run the models can express (GPU has the precision's tensor path, dense LLM). */
export function calibrationRows(runs: readonly MeasuredRun[], specs: SpecSource, termsOf: RunTerms): RowsResult {
  const rows: CalibrationRow[] = [];
  const unexpressible = new Map<string, number>();
  const skip = (reason: string) => unexpressible.set(reason, (unexpressible.get(reason) ?? 0) + 1);
  for (const run of runs) {
    const gpu = specs.gpu(run.gpu);
    const llm = specs.llm(run.llm);
    if (!gpu || !llm) {
      skip(`${run.gpu} or ${run.llm} not in the catalog`);
      continue;
    }
    if (run.mode !== 'agg') {
      skip('disaggregated run: not yet expressible');
      continue;
    }
    if (llm.moe) {
      skip('mixture-of-experts model: not in the dense fit; scored in the MoE sections (agg: MoE step terms, fitted leave-one-architecture-out, and through the builtin calibration\'s dense-only scopes)');
      continue;
    }
    const units = instanceUnits(gpu, llm, run.tp, run.precision, efficiencyFor(specs.roofline, gpu.id));
    if (!units) {
      skip(`${run.precision} on ${gpu.id}: the catalog gives no ${run.precision} tensor rate`);
      continue;
    }
    const kv = computeKvCapacity(gpu, llm, { tp: run.tp, precision: run.precision });
    if (!kv.fits || kv.kvCapacityTokens < run.inputTokens + run.outputTokens) {
      skip('the model or one request does not fit the instance\'s memory');
      continue;
    }
    rows.push({ run, terms: rowTerms(termsOf(run)) });
  }
  return { rows, unexpressible };
}
