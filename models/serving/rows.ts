/** Measured runs → calibration rows (their term vectors), or the reason a run is not yet expressible. */
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { efficiencyFor } from '../roofline.js';
import { computeKvCapacity } from '../specs.js';
import { BACKEND_POLICIES } from './backend-policy.js';
import { closedLoopTerms, type ClosedLoopOptions } from './closed-loop.js';
import type { CalibrationRow } from './fit.js';
import type { MeasuredRun } from './runs.js';
import { instanceUnits } from './step-terms.js';

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
export function calibrationRows(runs: readonly MeasuredRun[], specs: SpecSource, loop: ClosedLoopOptions = {}): RowsResult {
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
      skip('mixture-of-experts model: the serving calibration and its replay cover dense models only so far');
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
    const terms = closedLoopTerms(units, { concurrency: run.concurrency, inputTokens: run.inputTokens, outputTokens: run.outputTokens }, BACKEND_POLICIES[run.backend], { ...loop, kvCapacityTokens: kv.kvCapacityTokens });
    rows.push({ run, terms });
  }
  return { rows, unexpressible };
}
