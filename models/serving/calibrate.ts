/**
 * `fleetplan calibrate` without the I/O: imported runs → calibration rows (terms of each run's benchmark with the
 * reference coefficients) → hold-out errors (leave-one-model-out, leave-one-GPU-out, each a fixed point fitted without
 * the rows it predicts: fixed-point-fit.ts) → the calibration fitted on every run (a fixed point too).
 */
import type { Catalog } from '../../catalogs/types.js';
import type { RooflineCalibration } from '../coefficients.js';
import { efficiencyFor } from '../roofline.js';
import type { CalibrationInput, HeldOutReport, ServingCalibration } from './calibration-file.js';
import type { CalibrationRow } from './fit.js';
import { CLIENT_GAP_GRID_SECONDS, fitFixedPoint, fixedPointHoldOut, type FixedPointFit, type FixedPointOptions, type FoldFit } from './fixed-point-fit.js';
import { groupErrors, overallErrors, type HeldOutPrediction, type HoldoutProtocol } from './holdout.js';
import { calibrationRows, rowsUnderCalibration, type RunTerms } from './rows.js';
import { BACKENDS, type Backend, type MeasuredRun } from './runs.js';

export interface CalibrateResult {
  readonly calibration: ServingCalibration;
  readonly predictions: Readonly<Record<HoldoutProtocol, readonly HeldOutPrediction[]>>;
  readonly rows: number;
  /** The scored rows with the terms their benchmarks charged under the calibration (docs/accuracy-rows.csv). */
  readonly calibrationRows: readonly CalibrationRow[];
  /** The fit on every run, and each hold-out fold's (rounds, residual, scopes). */
  readonly fixedPoint: { readonly all: FixedPointFit; readonly folds: Readonly<Record<HoldoutProtocol, readonly FoldFit[]>> };
}

function report(ps: readonly HeldOutPrediction[]): HeldOutReport | undefined {
  return ps.length === 0 ? undefined : { ...overallErrors(ps), groups: groupErrors(ps) };
}

/** What the expensive part of a calibration produces: the fixed points (on every run and per hold-out fold) and the held-out predictions. */
export interface ServingFits {
  readonly all: FixedPointFit;
  readonly folds: Readonly<Record<HoldoutProtocol, readonly FoldFit[]>>;
  readonly predictions: Readonly<Record<HoldoutProtocol, readonly HeldOutPrediction[]>>;
  readonly unexpressible: ReadonlyMap<string, number>;
}

/** `termsOf` runs each run's benchmark on the kernel (planner/benchmark/measured-run.ts: `measuredRunTerms`). */
export function calibrateServing(runs: readonly MeasuredRun[], inputs: readonly CalibrationInput[], sourceHash: string, catalog: Catalog, roofline: RooflineCalibration, version: string, termsOf: RunTerms, options: FixedPointOptions = {}): CalibrateResult {
  const specs = { gpu: (g: string) => catalog.gpus.get(g), llm: (l: string) => catalog.llms.get(l), roofline };
  const { rows: expressible, unexpressible } = calibrationRows(runs, specs, (run) => termsOf(run, { clientGapSeconds: CLIENT_GAP_GRID_SECONDS[0] }));
  if (expressible.length === 0) throw new Error('a serving calibration needs at least one measured run the models can express');
  const rowsUnder = rowsUnderCalibration(termsOf);
  // Every run's benchmark with the reference coefficients at each candidate turnaround: shared by every fold (fitted on nothing).
  const reference = CLIENT_GAP_GRID_SECONDS.map((gap, i) => (i === 0 ? expressible : rowsUnder(expressible, { clientGapSeconds: gap })));
  const lomo = fixedPointHoldOut(reference, 'lomo', rowsUnder, options);
  const logo = fixedPointHoldOut(reference, 'logo', rowsUnder, options);
  const all = fitFixedPoint(reference, () => true, rowsUnder, options);
  return assembleCalibration({ all, folds: { lomo: lomo.folds, logo: logo.folds }, predictions: { lomo: lomo.predictions, logo: logo.predictions }, unexpressible }, inputs, sourceHash, roofline, version);
}

/** The calibration and its report from the fits (cheap and pure: the drift test assembles it from stored fits). */
export function assembleCalibration(fits: ServingFits, inputs: readonly CalibrationInput[], sourceHash: string, roofline: RooflineCalibration, version: string): CalibrateResult {
  const { all, predictions } = fits;
  const rows = all.rows;
  const counts = new Map<Backend, number>();
  for (const r of rows) counts.set(r.run.backend, (counts.get(r.run.backend) ?? 0) + 1);
  const defaultBackend = [...BACKENDS].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0))[0];
  const gpus = [...new Set(rows.map((r) => r.run.gpu))].sort();
  const lomoReport = report(predictions.lomo);
  const logoReport = report(predictions.logo);
  return {
    rows: rows.length,
    calibrationRows: rows,
    predictions,
    fixedPoint: { all, folds: fits.folds },
    calibration: {
      fleetplanVersion: version, sourceHash, inputs, defaultBackend, scopes: all.scopes, clientGapSeconds: all.clientGapSeconds,
      fixedPoint: { rounds: all.rounds, residual: all.residual, converged: all.converged },
      heldOut: { ...(lomoReport ? { lomo: lomoReport } : {}), ...(logoReport ? { logo: logoReport } : {}) },
      gpuEfficiencies: Object.fromEntries(gpus.map((g) => [g, efficiencyFor(roofline, g)])),
      unexpressible: [...fits.unexpressible.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({ reason, count })),
    },
  };
}
