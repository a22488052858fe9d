/**
 * docs/accuracy-folds.json: the calibrations behind docs/accuracy.md — the fixed point on every run and each hold-out
 * fold's (which LLM or GPU it left out, its fits, its residual, its coefficients). With docs/accuracy-rows.csv it
 * reproduces every published prediction (fold coefficients × the row's held-out terms) and lets anyone write a row's
 * held-out calibration file and run the `fleetplan benchmark` line that prints it. Pure: render and parse only.
 */
import { namedCoefficients, type FittedScope } from './fit.js';
import { CLIENT_GAP_GRID_SECONDS, DEFAULT_FIXED_POINT_ROUNDS, DEFAULT_FIXED_POINT_TOLERANCE, type FixedPointFit, type FoldFit } from './fixed-point-fit.js';
import type { HoldoutProtocol } from './holdout.js';
import { STEP_TERMS } from './step-terms.js';

/** A fit as stored: its rows live in the rows file. */
export type StoredFit = Omit<FixedPointFit, 'rows'>;

export interface StoredFolds {
  readonly all: StoredFit;
  readonly folds: Readonly<Record<HoldoutProtocol, readonly { readonly heldOut: string; readonly fit: StoredFit }[]>>;
}

const scopeJson = (s: FittedScope) => ({ scope: s.scope, runs: s.runs, tpot: namedCoefficients(s.tpot), ttft: namedCoefficients(s.ttft) });
const fitJson = (f: StoredFit) => ({ client_gap_s: f.clientGapSeconds, training_ttft_median_abs_by_gap: f.gapErrors, rounds: f.rounds, residual: f.residual, converged: f.converged, scopes: f.scopes.map(scopeJson) });

export function renderAccuracyFolds(all: StoredFit, folds: Readonly<Record<HoldoutProtocol, readonly FoldFit[]>>): string {
  const doc = {
    generated_by: 'npm run accuracy (bench/accuracy.ts); test/data/accuracy-doc.test.ts fails when it drifts',
    fixed_point: { tolerance: DEFAULT_FIXED_POINT_TOLERANCE, max_rounds: DEFAULT_FIXED_POINT_ROUNDS, client_gap_grid_s: CLIENT_GAP_GRID_SECONDS },
    all: fitJson(all),
    lomo: folds.lomo.map((f) => ({ held_out: f.heldOut, ...fitJson(f.fit) })),
    logo: folds.logo.map((f) => ({ held_out: f.heldOut, ...fitJson(f.fit) })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

type FitDoc = { client_gap_s: number; training_ttft_median_abs_by_gap: number[]; rounds: number; residual: number; converged: boolean; scopes: { scope: string; runs: number; tpot: Record<string, number>; ttft: Record<string, number> }[] };

function readFit(f: FitDoc): StoredFit {
  return { clientGapSeconds: f.client_gap_s, gapErrors: f.training_ttft_median_abs_by_gap, rounds: f.rounds, residual: f.residual, converged: f.converged, scopes: f.scopes.map((s) => ({ scope: s.scope, runs: s.runs, tpot: STEP_TERMS.map((t) => s.tpot[t]), ttft: STEP_TERMS.map((t) => s.ttft[t]) })) };
}

export function readAccuracyFolds(text: string): StoredFolds {
  const doc = JSON.parse(text) as { all: FitDoc; lomo: (FitDoc & { held_out: string })[]; logo: (FitDoc & { held_out: string })[] };
  const folds = (list: (FitDoc & { held_out: string })[]) => list.map((f) => ({ heldOut: f.held_out, fit: readFit(f) }));
  return { all: readFit(doc.all), folds: { lomo: folds(doc.lomo), logo: folds(doc.logo) } };
}
