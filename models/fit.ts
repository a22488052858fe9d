/**
 * Fits per-(gpu, llm, tp, cap) latency models from profile rows, with a seeded hold-out and its MAPE, and the plain
 * linear baseline (prefill on batch × prompt tokens) beside it so the gain is visible.
 */
import { inputError } from '../catalogs/issues.js';
import type { PairFitRecord } from './coefficients.js';
import { DECODE_FEATURE_NAMES, PREFILL_FEATURE_NAMES, decodeFeatures, evaluateLinear, prefillFeatures } from './features.js';
import { meanAbsolutePercentageError, solveLeastSquares } from './least-squares.js';
import type { Phase, ProfileRow } from './profile.js';
import { splitHoldout, splitHoldoutInterior } from './split.js';

export interface FitOptions {
  /** Share of rows held out per instance and phase (default 0.2; 0 fits on everything). */
  readonly holdout?: number;
  readonly seed?: number;
  /** Named in provenance and messages. */
  readonly source?: string;
  /**
   * 'interior' (default): held-out rows never take away a group's last row at the smallest or largest batch, new
   * tokens, cached/context tokens or batch tokens, so the error measures interpolation inside the profiled range
   * (models/split.ts). 'random': any rows, so end points are extrapolated too.
   */
  readonly split?: HoldoutSplit;
}

export type HoldoutSplit = 'interior' | 'random';

export interface PhaseFit {
  readonly featureNames: readonly string[];
  readonly coefficients: readonly number[];
  readonly trainRows: number;
  readonly testRows: number;
  readonly trainMape: number;
  /** NaN when nothing was held out. */
  readonly heldOutMape: number;
  /** The plain linear baseline on the same split (prefill: fixed + per batch×prompt token; decode: fixed + per context token). */
  readonly baselineHeldOutMape: number;
}

export interface InstanceFit {
  readonly gpu: string;
  readonly llm: string;
  readonly tp: number;
  readonly powerCapWatts?: number;
  readonly prefill: PhaseFit;
  readonly decode: PhaseFit;
}

export interface FitResult {
  readonly source: string;
  readonly holdout: number;
  readonly seed: number;
  readonly split: HoldoutSplit;
  readonly instances: readonly InstanceFit[];
}

/**
 * Small Tikhonov penalty on standardized coefficients: chosen on Splitwise (1e-4 beat 0, 1e-3, 1e-2 on 20 seeds; re-checked
 * with the six-term prefill form, interior split, seeds 1–10, mean of the 9 groups: 0 and 1e-4 3.08%, 1e-3 3.17%, 1e-2
 * 4.35%; larger penalties lower A100 TP8's worst seed (19% → 15%, 11%) only by raising every group's mean).
 */
export const PREFILL_RIDGE = 1e-4;

/** Rows needed in the training set: one more than the coefficients of the form. */
export const MIN_TRAIN_ROWS: Readonly<Record<Phase, number>> = { prefill: PREFILL_FEATURE_NAMES.length + 1, decode: DECODE_FEATURE_NAMES.length + 1 };

/** Rows a profile needs per instance and phase for a fit with this hold-out share. */
export function requiredRows(phase: Phase, holdout: number): number {
  return Math.ceil(MIN_TRAIN_ROWS[phase] / (1 - Math.min(0.9, Math.max(0, holdout))));
}

function featuresOf(r: ProfileRow): number[] {
  return r.phase === 'prefill' ? prefillFeatures(r.inputTokens, r.contextTokens, r.batch) : decodeFeatures(r.batch, r.batch * r.contextTokens);
}
function baselineOf(r: ProfileRow): number[] {
  return r.phase === 'prefill' ? [1, r.batch * r.inputTokens] : [1, r.batch * r.contextTokens];
}

/** The design variables whose end points an interior split keeps in training. */
function extentOf(r: ProfileRow): number[] {
  return r.phase === 'prefill' ? [r.batch, r.inputTokens, r.contextTokens, r.batch * r.inputTokens] : [r.batch, r.contextTokens, r.batch * r.contextTokens];
}

function fitPhase(rows: readonly ProfileRow[], phase: Phase, holdout: number, seed: number, key: string, split: HoldoutSplit): PhaseFit {
  const { train, test } = split === 'random' ? splitHoldout(rows, holdout, seed, key) : splitHoldoutInterior(rows, holdout, seed, key, extentOf);
  const y = train.map((r) => r.latencySeconds);
  const coefficients = solveLeastSquares(train.map(featuresOf), y, { ridge: PREFILL_RIDGE });
  const base = solveLeastSquares(train.map(baselineOf), y);
  const mape = (c: readonly number[], f: (r: ProfileRow) => number[], set: readonly ProfileRow[]) =>
    set.length === 0 ? Number.NaN : meanAbsolutePercentageError(set.map((r) => evaluateLinear(c, f(r))), set.map((r) => r.latencySeconds));
  return {
    featureNames: phase === 'prefill' ? PREFILL_FEATURE_NAMES : DECODE_FEATURE_NAMES,
    coefficients,
    trainRows: train.length,
    testRows: test.length,
    trainMape: mape(coefficients, featuresOf, train),
    heldOutMape: mape(coefficients, featuresOf, test),
    baselineHeldOutMape: mape(base, baselineOf, test),
  };
}

/** Fits every (gpu, llm, tp, cap) instance found in `rows`. Throws InputError when one has too few rows. */
export function fitProfile(rows: readonly ProfileRow[], options: FitOptions = {}): FitResult {
  const holdout = options.holdout ?? 0.2;
  const seed = options.seed ?? 1;
  const source = options.source ?? 'profile';
  const split = options.split ?? 'interior';
  if (!(holdout >= 0 && holdout < 0.9)) throw inputError('usage', '', 'holdout', `found ${holdout}, expected a share from 0 to 0.9`);
  const groups = new Map<string, ProfileRow[]>();
  for (const r of rows) {
    const key = `${r.gpu}/${r.llm}/tp${r.tp}${r.powerCapWatts !== undefined ? `/cap${r.powerCapWatts}` : ''}`;
    const list = groups.get(key) ?? [];
    list.push(r);
    groups.set(key, list);
  }
  if (groups.size === 0) throw inputError('invalid_value', source, '', `found no rows, expected at least ${requiredRows('prefill', holdout)} prefill and ${requiredRows('decode', holdout)} decode rows per instance`);
  const instances: InstanceFit[] = [];
  for (const key of [...groups.keys()].sort()) {
    const list = groups.get(key) as ProfileRow[];
    const byPhase = (phase: Phase) => list.filter((r) => r.phase === phase);
    for (const phase of ['prefill', 'decode'] as const) {
      const n = byPhase(phase).length;
      const need = requiredRows(phase, holdout);
      if (n < need) {
        throw inputError('invalid_value', source, key, `found ${n} ${phase} rows, expected at least ${need} to fit ${MIN_TRAIN_ROWS[phase] - 1} coefficients with hold-out ${holdout}`);
      }
    }
    const first = list[0];
    instances.push({
      gpu: first.gpu, llm: first.llm, tp: first.tp,
      ...(first.powerCapWatts !== undefined ? { powerCapWatts: first.powerCapWatts } : {}),
      prefill: fitPhase(byPhase('prefill'), 'prefill', holdout, seed, key, split),
      decode: fitPhase(byPhase('decode'), 'decode', holdout, seed, key, split),
    });
  }
  return { source, holdout, seed, split, instances };
}

/** A fit as a built-in coefficient record (what catalogs/coefficients stores). */
export function toPairRecord(fit: InstanceFit, from: string): PairFitRecord {
  return {
    gpu: fit.gpu, llm: fit.llm, tp: fit.tp,
    ...(fit.powerCapWatts !== undefined ? { powerCapWatts: fit.powerCapWatts } : {}),
    prefill: fit.prefill.coefficients, decode: fit.decode.coefficients,
    from, rows: fit.prefill.trainRows + fit.decode.trainRows,
    heldOutMape: { prefill: fit.prefill.heldOutMape, decode: fit.decode.heldOutMape },
  };
}
