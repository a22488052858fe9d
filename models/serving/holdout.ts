/**
 * Hold-out protocols: leave-one-model-out (fit on every other LLM, predict this one) and leave-one-GPU-out (fit on the
 * other GPU types, predict this one). A row is never predicted by coefficients fitted on it.
 */
import { fitServingScopes, predictRun, type CalibrationRow, type ServingFitOptions } from './fit.js';

export type HoldoutProtocol = 'lomo' | 'logo';

export interface HeldOutPrediction {
  readonly row: CalibrationRow;
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  /** The scope whose coefficients predicted it (never one fitted on the row). */
  readonly scope: string;
  /** The held-out value (the LLM for lomo, the GPU for logo). */
  readonly heldOut: string;
}

/** Predicts every row with coefficients fitted without its model (lomo) or its GPU (logo). */
export function holdOutPredictions(rows: readonly CalibrationRow[], protocol: HoldoutProtocol, options: ServingFitOptions = {}): HeldOutPrediction[] {
  const keyOf = (r: CalibrationRow) => (protocol === 'lomo' ? r.run.llm : r.run.gpu);
  const out: HeldOutPrediction[] = [];
  for (const held of [...new Set(rows.map(keyOf))].sort()) {
    const train = rows.filter((r) => keyOf(r) !== held);
    if (train.length === 0) continue;
    const scopes = fitServingScopes(train, options);
    for (const row of rows.filter((r) => keyOf(r) === held)) out.push({ row, ...predictRun(scopes, row), heldOut: held });
  }
  return out;
}

/** The scopes that predict the rows of `held` under a protocol: fitted on every other row (what a held-out calibration file holds). */
export function heldOutScopes(rows: readonly CalibrationRow[], protocol: HoldoutProtocol, held: string, options: ServingFitOptions = {}) {
  const keyOf = (r: CalibrationRow) => (protocol === 'lomo' ? r.run.llm : r.run.gpu);
  return fitServingScopes(rows.filter((r) => keyOf(r) !== held), options);
}

export interface ErrorSummary {
  readonly n: number;
  /** Fractions (0.1 = 10%): median and 90th percentile of |predicted − measured| / measured, and the signed median. */
  readonly medianAbs: number;
  readonly p90Abs: number;
  readonly signedMedian: number;
}

/** Nearest-rank quantile of sorted values. */
function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function summarizeErrors(predicted: readonly number[], measured: readonly number[]): ErrorSummary {
  const signed = predicted.map((p, i) => (p - measured[i]) / measured[i]);
  const abs = signed.map(Math.abs).sort((a, b) => a - b);
  const s = [...signed].sort((a, b) => a - b);
  // Median as the mean of the two middle values for even n (nearest-rank for p90).
  const median = (v: readonly number[]) => (v.length === 0 ? Number.NaN : v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2);
  return { n: signed.length, medianAbs: median(abs), p90Abs: quantile(abs, 0.9), signedMedian: median(s) };
}

export interface GroupErrors {
  readonly key: { readonly gpu: string; readonly llm: string; readonly precision: string; readonly backend: string; readonly mode: string };
  readonly ttft: ErrorSummary;
  readonly tpot: ErrorSummary;
}

/** Errors per GPU × LLM × precision × backend × mode, sorted by that key. */
export function groupErrors(predictions: readonly HeldOutPrediction[]): GroupErrors[] {
  const groups = new Map<string, HeldOutPrediction[]>();
  for (const p of predictions) {
    const r = p.row.run;
    const k = [r.gpu, r.llm, r.precision, r.backend, r.mode].join('|');
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, ps]) => {
    const [gpu, llm, precision, backend, mode] = k.split('|');
    return { key: { gpu, llm, precision, backend, mode }, ...overallErrors(ps) };
  });
}

export function overallErrors(ps: readonly HeldOutPrediction[]): { ttft: ErrorSummary; tpot: ErrorSummary } {
  return {
    ttft: summarizeErrors(ps.map((p) => p.ttftSeconds), ps.map((p) => p.row.run.ttftSeconds)),
    tpot: summarizeErrors(ps.map((p) => p.tpotSeconds), ps.map((p) => p.row.run.tpotSeconds)),
  };
}
