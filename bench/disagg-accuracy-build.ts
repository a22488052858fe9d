/**
 * The dense disagg section of docs/accuracy.md (models/serving/disagg-section.ts): the staged CSV's dense xPyD runs,
 * each benchmarked with its held-out calibrations (planner/benchmark/disagg-accuracy.ts). Shared by the script and
 * the drift test (twelve kernel benchmarks, a few seconds).
 */
import type { Catalog } from '../catalogs/types.js';
import type { CalibrateResult } from '../models/serving/calibrate.js';
import { denseSiliconDisaggRuns, type DenseDisaggRows } from '../models/serving/disagg-rows.js';
import { renderDenseDisaggSection } from '../models/serving/disagg-section.js';
import { disaggHeldOutPredictions } from '../planner/benchmark/disagg-accuracy.js';
import { disaggRunCommand } from '../planner/benchmark/disagg-run.js';

export const DISAGG_SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';

export function denseDisaggRows(text: string, catalog: Catalog): DenseDisaggRows {
  return denseSiliconDisaggRuns(text, DISAGG_SILICON_FILE, catalog.gpus, catalog.llms);
}

export function denseDisaggSection(text: string, result: CalibrateResult, catalog: Catalog): string {
  const { runs, unexpressible } = denseDisaggRows(text, catalog);
  const score = (protocol: 'lomo' | 'logo') => disaggHeldOutPredictions(runs, result.calibrationRows, result.calibration, catalog, protocol, result.fixedPoint.folds[protocol]);
  return renderDenseDisaggSection({
    runs, unexpressible,
    byProtocol: { lomo: score('lomo'), logo: score('logo') },
    exampleCommand: runs.length > 0 ? disaggRunCommand(runs[0], 'held-out.json') : '(no run)',
  });
}
