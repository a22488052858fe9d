/**
 * Which held-out runs miss a TTFT target, and why — computed, not written per group (issue #11: "the closing note
 * says exactly which rows miss and why"). Pure: from the held-out predictions the accuracy pipeline already holds
 * (each run's measured TTFT, the prediction its benchmark printed, and the TTFT terms that benchmark charged) and the
 * fold coefficients that predicted them, it derives for every group above the target
 *   - its counts (runs, runs above the target, runs that must move under it for the group's median to meet it),
 *   - which term carries the predicted TTFT (median share of coefficient × term),
 *   - how the signed error moves inside the group by ISL, concurrency, OSL and TP,
 *   - per run above the target: which single term is large enough that cutting it (by at most all of it) could bring a
 *     too-slow run under it; how much time a too-fast run lacks, in decode steps and in inter-completion intervals,
 *   - per term, the one common cut of its contribution across the group's runs (what a single overpriced coefficient
 *     would be) that brings the most runs within the target,
 *   - and a mechanism chosen by one rule from those numbers (`attribute` below), with the bullets of the doc's
 *     "Why the misses miss" that measured it named by their titles (the renderer resolves them).
 * A share sums every iteration from arrival to the first token (the kernel's step accounting), so it does not separate
 * a prompt's own iterations from those it waited through; the iteration count says how many the window holds.
 */
import { medianOf } from '../profile.js';
import { scopeFor, type FittedScope } from './fit.js';
import type { GroupErrors, HeldOutPrediction } from './holdout.js';
import { summarizeErrors } from './holdout.js';
import { STEP_CPU_UNIT_SECONDS, STEP_TERMS, type StepTermName } from './step-terms.js';

/** One held-out run as the attribution reads it. */
export interface MissRun {
  readonly line: number;
  readonly isl: number;
  readonly osl: number;
  readonly concurrency: number;
  readonly tp: number;
  readonly measuredTtftSeconds: number;
  readonly measuredTpotSeconds: number;
  /** What the benchmark printed with the held-out calibration. */
  readonly predictedTtftSeconds: number;
  /** Coefficient × term, seconds, in STEP_TERMS order (their sum is the fit's linearisation of the prediction). */
  readonly contributionsSeconds: readonly number[];
  /** Engine iterations in the TTFT window (the step-CPU term counts one unit per iteration). */
  readonly iterations: number;
}

export type GroupKey = GroupErrors['key'];

/** Signed error (predicted − measured) / measured. */
export const signedError = (r: MissRun) => (r.predictedTtftSeconds - r.measuredTtftSeconds) / r.measuredTtftSeconds;

const STEP_CPU = STEP_TERMS.indexOf('step_cpu');

/** The attribution's view of held-out predictions: contributions from the scope of the fold that predicted each. */
export function missRuns(predictions: readonly HeldOutPrediction[], foldScopes: (heldOut: string) => readonly FittedScope[]): MissRun[] {
  return predictions.map((p) => {
    const coefficients = scopeFor(foldScopes(p.heldOut), p.row.run).ttft;
    const r = p.row.run;
    return {
      line: r.line, isl: r.inputTokens, osl: r.outputTokens, concurrency: r.concurrency, tp: r.tp,
      measuredTtftSeconds: r.ttftSeconds, measuredTpotSeconds: r.tpotSeconds, predictedTtftSeconds: p.ttftSeconds,
      contributionsSeconds: p.row.terms.ttft.map((t, j) => t * coefficients[j]),
      iterations: p.row.terms.ttft[STEP_CPU] / STEP_CPU_UNIT_SECONDS,
    };
  });
}


/**
 * How many runs of `errors` must move to |error| ≤ target for their median |error| to be ≤ target: exact for odd n
 * (the middle run must be within); for even n, enough that both middle runs are.
 */
export function runsToMeetMedian(absErrors: readonly number[], target: number): number {
  const within = absErrors.filter((e) => e <= target).length;
  return Math.max(0, Math.floor(absErrors.length / 2) + 1 - within);
}

export type Axis = 'ISL' | 'concurrency' | 'OSL' | 'TP';
/** Bucket upper edges per axis (the concurrency bands are the ones "Why the misses miss" reads). */
export const AXIS_EDGES: Readonly<Record<Axis, readonly number[]>> = { ISL: [1024, 2048, 4096], concurrency: [4, 16, 64], OSL: [128, 256, 512, 1024], TP: [1, 2, 4] };
const axisValue = (axis: Axis, r: MissRun) => (axis === 'ISL' ? r.isl : axis === 'concurrency' ? r.concurrency : axis === 'OSL' ? r.osl : r.tp);

export interface Bucket {
  /** The smallest and largest value the bucket's runs have (its edges are AXIS_EDGES). */
  readonly lo: number;
  readonly hi: number;
  readonly n: number;
  readonly above: number;
  readonly signedMedian: number;
  /** Holds enough runs to count toward the axis's spread (MIN_BUCKET_RUNS, or a tenth of the group). */
  readonly counted: boolean;
}

export interface AxisSlices {
  readonly axis: Axis;
  readonly buckets: readonly Bucket[];
  /** Max − min signed median over the counted buckets (NaN with fewer than two). */
  readonly spread: number;
}

export const MIN_BUCKET_RUNS = 3;
/** Fewer runs than this: no mechanism is read from a group, only its sign. */
export const MIN_ATTRIBUTION_RUNS = 6;
/** A runner-up within this fraction of the leader (axis spread, or runs a term can fix) is not told apart from it. */
export const UNDECIDED_RATIO = 0.8;
/** A missing time that grows by this many inter-completion intervals per interval (across OSL) is one completion wait. */
export const COMPLETION_WAIT_SLOPE: readonly [number, number] = [2 / 3, 3 / 2];
/** The common cut of a term is searched in steps of this fraction. */
export const CUT_STEP = 0.01;
/** Fewest TP × concurrency × ISL cells with two OSLs for that slope to be read. */
export const MIN_COMPLETION_WAIT_CELLS = 3;

export function slices(runs: readonly MissRun[], axis: Axis, target: number): AxisSlices {
  const edges = AXIS_EDGES[axis];
  const minRuns = Math.max(MIN_BUCKET_RUNS, Math.ceil(runs.length / 10));
  const buckets: Bucket[] = [];
  for (let i = 0; i <= edges.length; i++) {
    const lo = i === 0 ? Number.NEGATIVE_INFINITY : edges[i - 1] + 1;
    const hi = i === edges.length ? Number.POSITIVE_INFINITY : edges[i];
    const inside = runs.filter((r) => axisValue(axis, r) >= lo && axisValue(axis, r) <= hi);
    if (inside.length === 0) continue;
    const errors = inside.map(signedError);
    const values = inside.map((r) => axisValue(axis, r));
    buckets.push({ lo: Math.min(...values), hi: Math.max(...values), n: inside.length, above: errors.filter((e) => Math.abs(e) > target).length, signedMedian: medianOf(errors), counted: inside.length >= minRuns });
  }
  const counted = buckets.filter((b) => b.counted).map((b) => b.signedMedian);
  return { axis, buckets, spread: counted.length >= 2 ? Math.max(...counted) - Math.min(...counted) : Number.NaN };
}

export type MechanismId = 'too-few-runs' | 'overpriced-term' | 'overpriced-unresolved' | 'missing-completion-wait' | 'missing-by-concurrency' | 'missing-by-osl' | 'missing-by-tp' | 'missing-by-isl' | 'missing-unsliced';

export interface Mechanism {
  readonly id: MechanismId;
  /** overpriced-term / -unresolved: the term whose one common cut brings the most runs within the target. */
  readonly term?: StepTermName;
  /** overpriced-term: terms whose best cut gains nearly as many runs (UNDECIDED_RATIO): the rows cannot tell which is overpriced. */
  readonly undecidedTerms?: readonly StepTermName[];
  /** The axis whose counted slices spread the signed error most (absent when no axis has two counted slices). */
  readonly axis?: Axis;
  /** Axes within UNDECIDED_RATIO of its spread: the rows cannot tell them from it. */
  readonly undecidedAxes?: readonly Axis[];
  /** Every counted slice of every axis misses the target with the group's sign: a level, not only a shape. */
  readonly level: boolean;
}

export interface GroupAttribution {
  readonly key: GroupKey;
  readonly n: number;
  readonly above: number;
  readonly medianAbs: number;
  readonly signedMedian: number;
  readonly runsToMeetMedian: number;
  /** Median share of each term in the predicted TTFT, STEP_TERMS order. */
  readonly medianShares: readonly number[];
  readonly medianIterations: number;
  /** Linearised (Σ coefficient × term) / printed prediction, median: how closely the shares add up to what was printed. */
  readonly linearisedOverPrinted: number;
  readonly slices: readonly AxisSlices[];
  /**
   * Runs above the target predicted too slow, and per term how many of them that term is large enough to bring under
   * it when cut alone by at most all of it (removing all of it can overshoot below −target: a large term "fixes" any
   * run; the common cut below is the test of one overpriced coefficient).
   */
  readonly tooSlow: { readonly runs: number; readonly fixedByTerm: readonly number[]; readonly fixedByNone: number };
  /**
   * Per term (STEP_TERMS order): the one fraction of its contribution, cut from every run of the group (0–100% in
   * steps of CUT_STEP), that leaves the most runs within the target, and how many that is (the smallest such cut).
   */
  readonly commonCut: { readonly within: number; readonly byTerm: readonly { readonly cut: number; readonly within: number }[] };
  /** Runs above the target predicted too fast: median missing time, and in measured TPOTs and inter-completion intervals. */
  readonly tooFast: {
    readonly runs: number; readonly missingSeconds: number; readonly missingTpots: number; readonly missingInterCompletions: number;
    /** Median missing time over what the per-TP terms (all_reduce + layer_kernels) charged: how many times their price the miss is. */
    readonly missingOverPerTpTerms: number;
    /** Median missing time over what the prompt's compute terms (excess_compute + prefill_attention) charged. */
    readonly missingOverPromptTerms: number;
  };
  /**
   * Across OSL at fixed TP, concurrency and ISL (the pairs of the lowest and highest OSL of each such cell): the change
   * of the missing time (measured − predicted TTFT) per change of the inter-completion interval OSL × TPOT / c, median
   * over the cells. 1 = every request waits one more completion of another request than the benchmark charges (the
   * measure "TensorRT-LLM Llama-3.1-8B" reads on the measured TTFT), 0 = the missing time does not follow the decode length.
   */
  readonly completionWait: { readonly cells: number; readonly slope: number };
  /**
   * Per concurrency band (the concurrency slices' buckets), the median missing time of all its runs in inter-completion
   * intervals: about 1 where a completion wait is all that is missing, far above it where a further queue is.
   */
  readonly missingIntervalsByConcurrency: readonly { readonly lo: number; readonly hi: number; readonly n: number; readonly counted: boolean; readonly intervals: number }[];
  readonly mechanism: Mechanism;
}

/** Attributes one group's TTFT miss (pure; the rule is `attribute`). */
export function attributeGroup(key: GroupKey, runs: readonly MissRun[], target: number): GroupAttribution {
  const errors = runs.map(signedError);
  const summary = summarizeErrors(runs.map((r) => r.predictedTtftSeconds), runs.map((r) => r.measuredTtftSeconds));
  const total = (r: MissRun) => r.contributionsSeconds.reduce((a, v) => a + v, 0);
  const medianShares = STEP_TERMS.map((_, j) => medianOf(runs.map((r) => r.contributionsSeconds[j] / total(r))));
  const missing = (r: MissRun) => r.measuredTtftSeconds - r.predictedTtftSeconds;
  const interval = (r: MissRun) => (r.osl * r.measuredTpotSeconds) / r.concurrency;
  const slow = runs.filter((r) => signedError(r) > target);
  // What must go for a too-slow run to land on the target: predicted − measured × (1 + target).
  const excess = (r: MissRun) => r.predictedTtftSeconds - r.measuredTtftSeconds * (1 + target);
  const fixedByTerm = STEP_TERMS.map((_, j) => slow.filter((r) => r.contributionsSeconds[j] >= excess(r)).length);
  const fixedByNone = slow.filter((r) => r.contributionsSeconds.every((c) => c < excess(r))).length;
  const fast = runs.filter((r) => signedError(r) < -target);
  const withinAfter = (j: number, cut: number) => runs.filter((r) => Math.abs(r.predictedTtftSeconds - cut * r.contributionsSeconds[j] - r.measuredTtftSeconds) <= target * r.measuredTtftSeconds).length;
  const cuts = Array.from({ length: Math.round(1 / CUT_STEP) + 1 }, (_, i) => i * CUT_STEP);
  const commonCut = {
    within: errors.filter((e) => Math.abs(e) <= target).length,
    byTerm: STEP_TERMS.map((_, j) => cuts.reduce((best, cut) => { const w = withinAfter(j, cut); return w > best.within ? { cut, within: w } : best; }, { cut: 0, within: withinAfter(j, 0) })),
  };
  const termSum = (r: MissRun, names: readonly StepTermName[]) => names.reduce((a, t) => a + r.contributionsSeconds[STEP_TERMS.indexOf(t)], 0);
  const axes = (['ISL', 'concurrency', 'OSL', 'TP'] as const).map((a) => slices(runs, a, target));
  const cells = new Map<string, MissRun[]>();
  for (const r of [...runs].sort((a, b) => a.osl - b.osl || a.line - b.line)) {
    const k = `${r.tp}|${r.concurrency}|${r.isl}`;
    cells.set(k, [...(cells.get(k) ?? []), r]);
  }
  const slopes = [...cells.values()].filter((c) => c[c.length - 1].osl > c[0].osl).map((c) => {
    const lo = c[0];
    const hi = c.filter((r) => r.osl === c[c.length - 1].osl)[0];
    return (missing(hi) - missing(lo)) / (interval(hi) - interval(lo));
  }).filter(Number.isFinite);
  const base = {
    key, n: runs.length, above: errors.filter((e) => Math.abs(e) > target).length, medianAbs: summary.medianAbs, signedMedian: summary.signedMedian,
    runsToMeetMedian: runsToMeetMedian(errors.map(Math.abs), target), medianShares, medianIterations: medianOf(runs.map((r) => r.iterations)),
    linearisedOverPrinted: medianOf(runs.map((r) => total(r) / r.predictedTtftSeconds)), slices: axes,
    tooSlow: { runs: slow.length, fixedByTerm, fixedByNone }, commonCut,
    completionWait: { cells: slopes.length, slope: medianOf(slopes) },
    missingIntervalsByConcurrency: axes.find((a) => a.axis === 'concurrency')!.buckets.map((b) => {
      const inside = runs.filter((r) => r.concurrency >= b.lo && r.concurrency <= b.hi);
      return { lo: b.lo, hi: b.hi, n: b.n, counted: b.counted, intervals: medianOf(inside.map((r) => missing(r) / interval(r))) };
    }),
    tooFast: {
      runs: fast.length, missingSeconds: medianOf(fast.map(missing)), missingTpots: medianOf(fast.map((r) => missing(r) / r.measuredTpotSeconds)),
      missingInterCompletions: medianOf(fast.map((r) => missing(r) / interval(r))),
      missingOverPerTpTerms: medianOf(fast.map((r) => missing(r) / termSum(r, ['all_reduce', 'layer_kernels']))),
      missingOverPromptTerms: medianOf(fast.map((r) => missing(r) / termSum(r, ['excess_compute', 'prefill_attention']))),
    },
  };
  return { ...base, mechanism: attribute(base, target) };
}

/**
 * The rule. Fewer than MIN_ATTRIBUTION_RUNS runs: none. Predicted too slow (signed median > 0): the term whose one
 * common cut (commonCut: one overpriced coefficient, cut from every run alike) gains the most runs within the target
 * (ties: the larger median share); terms gaining at least UNDECIDED_RATIO as many are not told apart from it. When even
 * that cut leaves the group's median above the target, no one coefficient carries the miss: 'overpriced-unresolved'.
 * (Counting runs a term could fix one by one is no test: a term larger than a run's excess fixes it at some cut, so
 * the largest term always wins.) Predicted too fast: nothing in the prediction is too big,
 * so the mechanism is read from where the missing time grows. First the completion wait: across OSL at fixed TP,
 * concurrency and ISL, a missing time growing by one inter-completion interval per interval (COMPLETION_WAIT_SLOPE,
 * over at least MIN_COMPLETION_WAIT_CELLS cells). Else the axis whose counted slices spread the signed error most
 * (runner-ups within UNDECIDED_RATIO of its spread are not told apart). Every rule keeps that axis leader.
 */
export function attribute(g: Omit<GroupAttribution, 'mechanism'>, target: number): Mechanism {
  const counted = g.slices.flatMap((s) => s.buckets.filter((b) => b.counted));
  const level = counted.length > 0 && counted.every((b) => Math.abs(b.signedMedian) > target && Math.sign(b.signedMedian) === Math.sign(g.signedMedian));
  if (g.n < MIN_ATTRIBUTION_RUNS) return { id: 'too-few-runs', level };
  const ranked = g.slices.filter((s) => Number.isFinite(s.spread)).sort((a, b) => b.spread - a.spread);
  const lead = ranked[0];
  const undecidedAxes = lead ? ranked.slice(1).filter((s) => s.spread >= UNDECIDED_RATIO * lead.spread).map((s) => s.axis) : [];
  const axis = lead ? { axis: lead.axis, ...(undecidedAxes.length > 0 ? { undecidedAxes } : {}) } : {};
  if (g.signedMedian > 0) {
    const order = STEP_TERMS.map((t, j) => ({ t, gain: g.commonCut.byTerm[j].within - g.commonCut.within, within: g.commonCut.byTerm[j].within, share: g.medianShares[j] })).sort((a, b) => b.gain - a.gain || b.share - a.share);
    const best = order[0];
    if (best.within < Math.floor(g.n / 2) + 1) return { id: 'overpriced-unresolved', term: best.t, ...axis, level };
    const undecidedTerms = order.slice(1).filter((o) => o.gain > 0 && o.gain >= UNDECIDED_RATIO * best.gain).map((o) => o.t);
    return { id: 'overpriced-term', term: best.t, ...(undecidedTerms.length > 0 ? { undecidedTerms } : {}), ...axis, level };
  }
  if (!lead) return { id: 'missing-unsliced', level };
  const w = g.completionWait;
  if (w.cells >= MIN_COMPLETION_WAIT_CELLS && w.slope >= COMPLETION_WAIT_SLOPE[0] && w.slope <= COMPLETION_WAIT_SLOPE[1]) return { id: 'missing-completion-wait', ...axis, level };
  const id: MechanismId = lead.axis === 'concurrency' ? 'missing-by-concurrency' : lead.axis === 'OSL' ? 'missing-by-osl' : lead.axis === 'TP' ? 'missing-by-tp' : 'missing-by-isl';
  return { id, ...axis, level };
}

export interface TargetGap {
  readonly n: number;
  readonly within: number;
  /** Runs that must move under the target for the protocol's median to meet it (runsToMeetMedian). */
  readonly needed: number;
  /** The `needed` runs above the target nearest to it (smallest |error|, then line), counted by group. */
  readonly nearestByGroup: readonly { readonly key: GroupKey; readonly runs: number }[];
  /** |error| of the nearest and the farthest of those runs. */
  readonly nearestRange: readonly [number, number];
  /** Every run above the target, counted by group (groups within the target median too). */
  readonly aboveByGroup: readonly { readonly key: GroupKey; readonly above: number; readonly n: number }[];
}

export interface TtftMissReport {
  readonly target: number;
  readonly gap: TargetGap;
  /** Groups whose median |TTFT error| is above the target, in group-key order. */
  readonly groups: readonly GroupAttribution[];
}

const keyString = (k: GroupKey) => [k.gpu, k.llm, k.precision, k.backend, k.mode].join('|');

/** The whole report for one protocol's target rows. */
export function ttftMissReport(predictions: readonly HeldOutPrediction[], foldScopes: (heldOut: string) => readonly FittedScope[], target: number): TtftMissReport {
  const runs = missRuns(predictions, foldScopes);
  const byGroup = new Map<string, { key: GroupKey; runs: MissRun[] }>();
  predictions.forEach((p, i) => {
    const r = p.row.run;
    const key = { gpu: r.gpu, llm: r.llm, precision: r.precision, backend: r.backend, mode: r.mode };
    const k = keyString(key);
    if (!byGroup.has(k)) byGroup.set(k, { key, runs: [] });
    byGroup.get(k)!.runs.push(runs[i]);
  });
  const groups = [...byGroup.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
  const abs = runs.map((r) => Math.abs(signedError(r)));
  const needed = runsToMeetMedian(abs, target);
  const groupOf = new Map(groups.flatMap((g) => g.runs.map((r) => [r, g.key] as const)));
  const nearest = runs.filter((r) => Math.abs(signedError(r)) > target).sort((a, b) => Math.abs(signedError(a)) - Math.abs(signedError(b)) || a.line - b.line).slice(0, needed);
  const count = (list: readonly MissRun[]) => groups.map((g) => ({ key: g.key, runs: list.filter((r) => groupOf.get(r) === g.key).length })).filter((x) => x.runs > 0);
  return {
    target,
    gap: {
      n: runs.length, within: abs.filter((e) => e <= target).length, needed, nearestByGroup: count(nearest),
      nearestRange: nearest.length > 0 ? [Math.abs(signedError(nearest[0])), Math.abs(signedError(nearest[nearest.length - 1]))] : [Number.NaN, Number.NaN],
      aboveByGroup: groups.map((g) => ({ key: g.key, above: g.runs.filter((r) => Math.abs(signedError(r)) > target).length, n: g.runs.length })).filter((x) => x.above > 0),
    },
    groups: groups.map((g) => attributeGroup(g.key, g.runs, target)).filter((g) => g.medianAbs > target),
  };
}
