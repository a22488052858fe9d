/**
 * The serving fit as a fixed point. In the benchmark's closed loop a client's next request reaches the engine one
 * random client turnaround after its last one finished (planner/benchmark/client-gap.ts), and step times decide which
 * requests share an iteration; so which request runs in which iteration — and with it the terms each run's TTFT and
 * TPOT are made of — depends on the coefficients and the turnaround. The benchmark is exactly linear in the
 * coefficients only for a given schedule. The fit therefore:
 *
 * 1. chooses the mean turnaround among CLIENT_GAP_GRID_SECONDS: for each, every run's benchmark with the reference
 *    coefficients (fitted on nothing), the coefficients fitted on the training runs' terms, and the training runs'
 *    median absolute TTFT error; the smallest error wins (ties: the shorter turnaround). It is a schedule parameter,
 *    not a linear one: nothing else in the fit can see it.
 * 2. iterates: fit the coefficients on the current terms → re-run every training run's benchmark with them → read
 *    its terms → refit, until refitting moves no training run's predicted TTFT or TPOT by more than `tolerance`
 *    (relative), or `maxRounds` fits.
 *
 * The calibration returned is the last one the benchmarks ran with, so the terms returned with it are exactly what
 * `fleetplan benchmark --calibration` charges with it, and coefficients × terms is exactly what it prints. `residual`
 * says how far it is from a fixed point: the largest relative change of a training run's predicted TTFT or TPOT that
 * one more refit would make. Pure: the benchmark runner is passed in (`rowsUnder`); it runs on the kernel, no I/O.
 *
 * Hold-out: each fold (one LLM or one GPU left out) chooses its turnaround and runs its fixed point on its training
 * runs only; its held-out runs are then benchmarked once with the fold's calibration. A held-out run's measurement
 * never reaches a coefficient, the turnaround, or the schedule of a training run.
 */
import { fitServingScopes, predictRun, type CalibrationRow, type FittedScope, type ServingFitOptions } from './fit.js';
import { summarizeErrors, type HeldOutPrediction, type HoldoutProtocol } from './holdout.js';

/** What decides a benchmark's schedule: the step coefficients (absent: the reference ones, fitted on nothing) and the mean client turnaround. */
export interface ScheduleCalibration {
  readonly scopes?: readonly FittedScope[];
  readonly clientGapSeconds: number;
}

/** Runs each row's benchmark with a calibration and returns the rows with the terms it charged. */
export type RowsUnder = (rows: readonly CalibrationRow[], calibration: ScheduleCalibration) => CalibrationRow[];

/**
 * Mean client turnarounds the fit chooses among (seconds): none (lockstep), then ×3 steps from 4 ms — a localhost
 * HTTP round trip plus tokenising a 1,000-token prompt at the ~10 µs/token HF tokenisers take is a few ms; a Python
 * API server under load adds event-loop waits of tens of ms — up to 324 ms, where the modelled engine's clients
 * drift apart even at 8 clients of 1,024-token prompts (below ~100 ms the first arrival's prefill iteration collects
 * the rest of its wave again: test/unit/benchmark/measured-run.test.ts).
 */
export const CLIENT_GAP_GRID_SECONDS: readonly number[] = [0, 0.004, 0.012, 0.036, 0.108, 0.324];

export interface FixedPointOptions extends ServingFitOptions {
  /** Stop once a refit moves no training run's predicted TTFT or TPOT by more than this (relative). */
  readonly tolerance?: number;
  /** Most fits (each followed by a re-run of the training benchmarks). */
  readonly maxRounds?: number;
}

export const DEFAULT_FIXED_POINT_TOLERANCE = 0.01;
export const DEFAULT_FIXED_POINT_ROUNDS = 2;

export interface FixedPointFit {
  readonly scopes: FittedScope[];
  readonly clientGapSeconds: number;
  /** Training runs' median absolute TTFT error at each candidate turnaround (reference schedules), in grid order. */
  readonly gapErrors: readonly number[];
  /** The training rows with the terms their benchmarks charged under this calibration. */
  readonly rows: CalibrationRow[];
  /** Fits made (each followed by a benchmark pass over the training runs). */
  readonly rounds: number;
  /** Largest relative change of a training run's predicted TTFT or TPOT that one more refit would make. */
  readonly residual: number;
  readonly converged: boolean;
}

/** Largest relative difference between the predictions of two sets of scopes on the same rows. */
export function predictionChange(rows: readonly CalibrationRow[], a: readonly FittedScope[], b: readonly FittedScope[]): number {
  let worst = 0;
  for (const r of rows) {
    const p = predictRun(a, r);
    const q = predictRun(b, r);
    worst = Math.max(worst, Math.abs(p.ttftSeconds - q.ttftSeconds) / Math.max(Math.abs(q.ttftSeconds), 1e-12), Math.abs(p.tpotSeconds - q.tpotSeconds) / Math.max(Math.abs(q.tpotSeconds), 1e-12));
  }
  return worst;
}

/** Reference rows (every run's benchmark with the reference coefficients) at each candidate turnaround, in grid order. */
export type ReferenceRows = readonly (readonly CalibrationRow[])[];

function inSampleTtftError(rows: readonly CalibrationRow[], options: ServingFitOptions): number {
  const scopes = fitServingScopes(rows, options);
  return summarizeErrors(rows.map((r) => predictRun(scopes, r).ttftSeconds), rows.map((r) => r.run.ttftSeconds)).medianAbs;
}

/** The fixed point on the reference rows that `keep` selects (the training runs). */
export function fitFixedPoint(reference: ReferenceRows, keep: (r: CalibrationRow) => boolean, rowsUnder: RowsUnder, options: FixedPointOptions = {}): FixedPointFit {
  const tolerance = options.tolerance ?? DEFAULT_FIXED_POINT_TOLERANCE;
  const maxRounds = Math.max(1, options.maxRounds ?? DEFAULT_FIXED_POINT_ROUNDS);
  const training = reference.map((rows) => rows.filter(keep));
  const gapErrors = training.map((rows) => inSampleTtftError(rows, options));
  let best = 0;
  gapErrors.forEach((e, i) => {
    if (e < gapErrors[best]) best = i;
  });
  const clientGapSeconds = CLIENT_GAP_GRID_SECONDS[best];
  let scopes = fitServingScopes(training[best], options);
  for (let rounds = 1; ; rounds++) {
    const rows = rowsUnder(training[best], { scopes, clientGapSeconds });
    const next = fitServingScopes(rows, options);
    const residual = predictionChange(rows, next, scopes);
    if (residual <= tolerance || rounds >= maxRounds) return { scopes, clientGapSeconds, gapErrors, rows, rounds, residual, converged: residual <= tolerance };
    scopes = next;
  }
}

/** What the row's benchmark printed with these scopes (its linearisation when it kept no printout). */
export function printedPrediction(scopes: readonly FittedScope[], row: CalibrationRow): { ttftSeconds: number; tpotSeconds: number; scope: string } {
  const p = predictRun(scopes, row);
  return row.printed ? { ttftSeconds: row.printed.ttftMs / 1000, tpotSeconds: row.printed.tpotMs / 1000, scope: p.scope } : p;
}

export interface FoldFit {
  /** The held-out LLM (lomo) or GPU (logo). */
  readonly heldOut: string;
  readonly fit: FixedPointFit;
}

export interface FixedPointHoldOut {
  readonly predictions: HeldOutPrediction[];
  readonly folds: FoldFit[];
}

/**
 * Leave-one-model-out or leave-one-GPU-out with a fixed point per fold: each held-out run is predicted by what its
 * benchmark prints with the calibration fitted on the other runs (its row carries the terms of that benchmark).
 */
export function fixedPointHoldOut(reference: ReferenceRows, protocol: HoldoutProtocol, rowsUnder: RowsUnder, options: FixedPointOptions = {}): FixedPointHoldOut {
  const keyOf = (r: CalibrationRow) => (protocol === 'lomo' ? r.run.llm : r.run.gpu);
  const predictions: HeldOutPrediction[] = [];
  const folds: FoldFit[] = [];
  for (const held of [...new Set(reference[0].map(keyOf))].sort()) {
    if (reference[0].every((r) => keyOf(r) === held)) continue;
    const fit = fitFixedPoint(reference, (r) => keyOf(r) !== held, rowsUnder, options);
    folds.push({ heldOut: held, fit });
    const heldRows = rowsUnder(reference[0].filter((r) => keyOf(r) === held), { scopes: fit.scopes, clientGapSeconds: fit.clientGapSeconds });
    for (const row of heldRows) predictions.push({ row, ...printedPrediction(fit.scopes, row), heldOut: held });
  }
  return { predictions, folds };
}
