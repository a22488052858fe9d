/**
 * `fleetplan calibrate` without the I/O: imported runs → calibration rows → hold-out errors (leave-one-model-out,
 * leave-one-GPU-out, each fitted without the rows it predicts) → the calibration fitted on every run.
 */
import type { Catalog } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { efficiencyFor } from '../roofline.js';
import type { CalibrationInput, HeldOutReport, ServingCalibration } from './calibration-file.js';
import { fitServingScopes, type CalibrationRow } from './fit.js';
import { groupErrors, holdOutPredictions, overallErrors, type HeldOutPrediction, type HoldoutProtocol } from './holdout.js';
import { calibrationRows, type RunTerms } from './rows.js';
import { BACKENDS, type Backend, type MeasuredRun } from './runs.js';

export interface CalibrateResult {
  readonly calibration: ServingCalibration;
  readonly predictions: Readonly<Record<HoldoutProtocol, readonly HeldOutPrediction[]>>;
  readonly rows: number;
  /** The scored rows with their kernel terms (docs/accuracy-rows.csv). */
  readonly calibrationRows: readonly CalibrationRow[];
}

function report(ps: readonly HeldOutPrediction[]): HeldOutReport | undefined {
  return ps.length === 0 ? undefined : { ...overallErrors(ps), groups: groupErrors(ps) };
}

/** `termsOf` runs each run's benchmark on the kernel (planner/benchmark/measured-run.ts: `measuredRunTerms`). */
export function calibrateServing(runs: readonly MeasuredRun[], inputs: readonly CalibrationInput[], sourceHash: string, catalog: Catalog, roofline: RooflineCalibration, version: string, termsOf: RunTerms): CalibrateResult {
  const { rows, unexpressible } = calibrationRows(runs, { gpu: (g) => catalog.gpus.get(g), llm: (l) => catalog.llms.get(l), roofline }, termsOf);
  const lomo = holdOutPredictions(rows, 'lomo');
  const logo = holdOutPredictions(rows, 'logo');
  const scopes = rows.length > 0 ? fitServingScopes(rows) : [];
  const counts = new Map<Backend, number>();
  for (const r of rows) counts.set(r.run.backend, (counts.get(r.run.backend) ?? 0) + 1);
  const defaultBackend = [...BACKENDS].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0];
  const gpus = [...new Set(rows.map((r) => r.run.gpu))].sort();
  const lomoReport = report(lomo);
  const logoReport = report(logo);
  return {
    rows: rows.length,
    calibrationRows: rows,
    predictions: { lomo, logo },
    calibration: {
      fleetplanVersion: version, sourceHash, inputs, defaultBackend, scopes,
      heldOut: { ...(lomoReport ? { lomo: lomoReport } : {}), ...(logoReport ? { logo: logoReport } : {}) },
      gpuEfficiencies: Object.fromEntries(gpus.map((g) => [g, efficiencyFor(roofline, g)])),
      unexpressible: [...unexpressible.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({ reason, count })),
    },
  };
}
