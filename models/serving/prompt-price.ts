/**
 * Experiment (issues #11, #12): the prompt's compute priced on the TTFT side as a function of the prompt's length.
 * The TPOT equations fit `excess_compute` (and `prefill_attention`) for prompt chunks riding decode steps, and every
 * whole prompt pays that price in its TTFT; one TTFT-only multiplier per scope fitted 0.2–0.5, which fixed the long
 * prompts predicted too slow and left the short ones too fast. Here the multiplier is m(n) = Σ_k q_k φ_k(log2 n), n the
 * run's prompt tokens, φ_k the hat functions of piecewise-linear interpolation between the knots (flat outside them),
 * so m is linear in q and the second stage stays a small non-negative least-squares problem: with the TPOT-fitted step
 * coefficients held, the request overhead and the q_k (each a multiplier on its parent scope's, shrunk toward it; the
 * root's parent is 1) are fitted on the TTFT equations, Huber-reweighted as fit.ts does. The TPOT coefficients are
 * untouched. A step has one duration, so the kernel cannot charge a prompt two prices: the shift is applied to the
 * TTFT a calibration predicts (fit.ts predictRun), not to any step the kernel runs.
 */
import { solveLeastSquares } from '../least-squares.js';
import { fixedOf, HUBER_RELATIVE_ERROR, IRLS_ITERATIONS, type CalibrationRow, type FittedScope } from './fit.js';
import { STEP_TERMS } from './step-terms.js';

/** The prompt's compute terms the TTFT price scales. */
export const PROMPT_PRICE_TERMS: readonly number[] = [STEP_TERMS.indexOf('excess_compute'), STEP_TERMS.indexOf('prefill_attention')];
const OVERHEAD = STEP_TERMS.indexOf('request_overhead');

/** Interpolation weights of a prompt of `tokens` on the knots (log2 scale; flat beyond the first and last knot). */
export function promptPriceWeights(knotsTokens: readonly number[], tokens: number): number[] {
  const x = Math.log2(Math.max(1, tokens));
  const at = knotsTokens.map((k) => Math.log2(k));
  const w = at.map(() => 0);
  if (at.length === 1 || x <= at[0]) w[0] = 1;
  else if (x >= at[at.length - 1]) w[at.length - 1] = 1;
  else {
    const k = at.findIndex((a, i) => x >= a && x <= at[i + 1]);
    const t = (x - at[k]) / (at[k + 1] - at[k]);
    w[k] = 1 - t;
    w[k + 1] = t;
  }
  return w;
}

/** The TTFT multiplier on the prompt's compute terms at a prompt length. */
export function promptPriceAt(knotsTokens: readonly number[], price: readonly number[], tokens: number): number {
  return promptPriceWeights(knotsTokens, tokens).reduce((a, w, k) => a + w * price[k], 0);
}

/** Seconds of the prompt's compute terms at the step coefficients (what the TTFT price multiplies). */
const promptPart = (row: CalibrationRow, step: readonly number[]) => PROMPT_PRICE_TERMS.reduce((a, j) => a + row.terms.ttft[j] * step[j], 0);

/** What the scope's prompt price adds to (or takes from) the row's TTFT beyond the TPOT-fitted price, seconds. */
export function promptPriceShiftSeconds(scope: FittedScope, row: CalibrationRow): number {
  if (!scope.promptPrice || !scope.promptPriceKnotsTokens) return 0;
  return (promptPriceAt(scope.promptPriceKnotsTokens, scope.promptPrice, row.run.inputTokens) - 1) * promptPart(row, scope.ttft);
}

/**
 * Second stage with the step coefficients c held: minimise Σ w (x·c + m·o_p·u + (Σ_k r_k p_k φ_k − 1)·prompt + f − y)²/y²
 * + s(m − 1)² + s Σ_k (r_k − 1)² over m, r ≥ 0 (o_p, p_k the parent's overhead and knot prices); `holdPrice` keeps
 * the parent's prices (r = 1) and fits the overhead alone; `heldOverhead` (the request overhead fitted first, without a
 * price, as fit.ts does) fits the prices alone.
 */
export function fitOverheadAndPromptPrice(rows: readonly CalibrationRow[], step: readonly number[], parentOverhead: number, parentPrice: readonly number[], knotsTokens: readonly number[], shrinkage: number, huber = HUBER_RELATIVE_ERROR, holdPrice = false, heldOverhead?: number): { overhead: number; price: number[] } {
  const design = rows.map((r) => {
    const y = r.run.ttftSeconds;
    const prompt = promptPart(r, step);
    const w = promptPriceWeights(knotsTokens, r.run.inputTokens);
    return [...(heldOverhead === undefined ? [(r.terms.ttft[OVERHEAD] * parentOverhead) / y] : []), ...(holdPrice ? [] : w.map((wk, k) => (wk * parentPrice[k] * prompt) / y))];
  });
  const goal = rows.map((r) => {
    const rest = r.terms.ttft.reduce((s, v, j) => s + (j === OVERHEAD || PROMPT_PRICE_TERMS.includes(j) ? 0 : v * step[j]), 0);
    const held = holdPrice ? promptPriceAt(knotsTokens, parentPrice, r.run.inputTokens) * promptPart(r, step) : 0;
    const overhead = heldOverhead === undefined ? 0 : r.terms.ttft[OVERHEAD] * heldOverhead;
    return 1 - (fixedOf(r, 'ttft') + rest + held + overhead) / r.run.ttftSeconds;
  });
  const p = (heldOverhead === undefined ? 1 : 0) + (holdPrice ? 0 : knotsTokens.length);
  let weights = rows.map(() => 1);
  let u = new Array<number>(p).fill(1);
  for (let iteration = 0; iteration < IRLS_ITERATIONS; iteration++) {
    const a = design.map((row, i) => row.map((v) => v * Math.sqrt(weights[i])));
    const b = goal.map((g, i) => g * Math.sqrt(weights[i]));
    if (shrinkage > 0) {
      for (let j = 0; j < p; j++) {
        a.push(u.map((_, k) => (k === j ? Math.sqrt(shrinkage) : 0)));
        b.push(Math.sqrt(shrinkage));
      }
    }
    u = solveLeastSquares(a, b, { relative: false, nonNegative: 'all' });
    weights = design.map((row, i) => {
      const r = Math.abs(row.reduce((s, v, j) => s + v * u[j], 0) - goal[i]);
      return r <= huber ? 1 : huber / r;
    });
  }
  const first = heldOverhead === undefined ? 1 : 0;
  return { overhead: heldOverhead ?? u[0] * parentOverhead, price: holdPrice ? [...parentPrice] : parentPrice.map((q, k) => q * u[first + k]) };
}
