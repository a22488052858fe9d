/**
 * Held-out predictions of the dense disaggregated runs: each run's `benchmark --mode disagg` (disagg-run.ts) with a
 * calibration fitted without its LLM (leave-one-model-out) or without its GPU type (leave-one-GPU-out), the same
 * held-out calibration the agg rows are predicted with (the agg fold's fixed point, models/serving/fixed-point-fit.ts:
 * fitted on the agg runs of the other models or GPUs; no disagg run is in any fit). A GPU-out protocol needs another GPU's runs to fit on: a run whose GPU
 * is the only one is counted, not predicted.
 */
import type { Catalog } from '../../catalogs/types.js';
import type { ServingCalibration } from '../../models/serving/calibration-file.js';
import type { DenseDisaggRun } from '../../models/serving/disagg-rows.js';
import { scopeFor, type CalibrationRow } from '../../models/serving/fit.js';
import type { FoldFit } from '../../models/serving/fixed-point-fit.js';
import { heldOutScopes, type HeldOutPrediction, type HoldoutProtocol } from '../../models/serving/holdout.js';
import { benchmarkDisaggRun } from './disagg-run.js';

export interface DisaggHeldOut {
  readonly predictions: readonly HeldOutPrediction[];
  /** Runs a protocol could not predict, by reason. */
  readonly notPredicted: ReadonlyMap<string, number>;
}

/** The held-out value of a run under a protocol (its LLM, or its GPU). */
export const heldOutKey = (protocol: HoldoutProtocol, run: { readonly llm: string; readonly gpu: string }): string => (protocol === 'lomo' ? run.llm : run.gpu);

/**
 * The calibration a run is predicted with: the agg hold-out fold's that left out the same LLM or GPU (its scopes and
 * client turnaround, models/serving/fixed-point-fit.ts), or — for a value no agg fold left out — the base file's with
 * scopes fitted without it.
 */
export function heldOutDisaggCalibration(base: ServingCalibration, rows: readonly CalibrationRow[], protocol: HoldoutProtocol, held: string, folds: readonly FoldFit[] = []): ServingCalibration {
  const fold = folds.find((f) => f.heldOut === held);
  if (fold) return { ...base, scopes: fold.fit.scopes, clientGapSeconds: fold.fit.clientGapSeconds };
  return { ...base, scopes: heldOutScopes(rows, protocol, held) };
}

/** Benchmarks every run with its held-out calibration (one fit per held-out value). */
export function disaggHeldOutPredictions(runs: readonly DenseDisaggRun[], rows: readonly CalibrationRow[], base: ServingCalibration, catalog: Catalog, protocol: HoldoutProtocol, folds: readonly FoldFit[] = []): DisaggHeldOut {
  const calibrations = new Map<string, ServingCalibration>();
  const predictions: HeldOutPrediction[] = [];
  const notPredicted = new Map<string, number>();
  for (const r of runs) {
    const held = heldOutKey(protocol, r.run);
    if (!rows.some((row) => heldOutKey(protocol, row.run) !== held)) {
      notPredicted.set(`no agg run outside ${held} to fit on`, (notPredicted.get(`no agg run outside ${held} to fit on`) ?? 0) + 1);
      continue;
    }
    let calibration = calibrations.get(held);
    if (calibration === undefined) {
      calibration = heldOutDisaggCalibration(base, rows, protocol, held, folds);
      calibrations.set(held, calibration);
    }
    const { result, terms } = benchmarkDisaggRun(r, catalog, calibration);
    predictions.push({
      row: { run: r.run, terms: { ttft: terms.ttft, tpot: terms.tpot } },
      ttftSeconds: result.ttft_ms.mean / 1000,
      tpotSeconds: result.tpot_ms.mean / 1000,
      scope: scopeFor(calibration.scopes, r.run).scope,
      heldOut: held,
    });
  }
  return { predictions, notPredicted };
}
