/**
 * The fixed-point serving fit (models/serving/fixed-point-fit.ts) on synthetic runs whose terms depend on the
 * calibration they were benchmarked with, as a jittered schedule's do: the returned calibration is the one its rows
 * were benchmarked with, the residual is what one more refit would move, the turnaround is chosen on training runs
 * only, and a held-out run's measurement reaches neither its fold's coefficients nor its prediction.
 */
import { describe, expect, it } from 'vitest';
import { fitServingScopes, type CalibrationRow, type FittedScope } from '../../../models/serving/fit.js';
import { CLIENT_GAP_GRID_SECONDS, fitFixedPoint, fixedPointHoldOut, predictionChange, type ReferenceRows, type RowsUnder } from '../../../models/serving/fixed-point-fit.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';

const TRUTH = [0.9, 1.2, 2, 0.6, 15, 0.5, 30, 20];
const dot = (t: readonly number[], c: readonly number[]) => t.reduce((s, v, j) => s + v * c[j], 0);

/** Base terms of a synthetic run (positive, varied per run). */
function baseTerms(i: number): { ttft: number[]; tpot: number[] } {
  const k = 1 + (i % 7) / 3;
  const ttft = [2e-2 * k, 5e-2 * (1 + (i % 3)), 4e-3 * k, 1e-3, 2e-4 * k, 1e-3, 8e-6 * (1 + (i % 5)), 1e-3];
  const tpot = [1.2e-2 * k, 1e-3 * (i % 4), 1e-4 * (i % 2), 5e-4, 1.8e-4 * k, 1e-3, 8e-6 * (1 + (i % 5)), 0];
  return { ttft, tpot };
}

/** The schedule's dependence on the calibration: the prompt-side TTFT terms shrink as the turnaround and the memory coefficient grow (a contraction). */
function scheduled(i: number, scopes: readonly FittedScope[] | undefined, gap: number): { ttft: number[]; tpot: number[] } {
  const b = baseTerms(i);
  const c0 = scopes?.find((s) => s.scope === '*')?.tpot[0] ?? 1;
  const f = 1 / (1 + 8 * gap) * (1 + 0.05 * (c0 - 1));
  return { ttft: b.ttft.map((v, j) => (j === 1 || j === 2 ? v * f : v)), tpot: b.tpot };
}

function makeRuns(measuredGap: number): { rows: ReferenceRows; runs: MeasuredRun[]; under: RowsUnder } {
  const runs: MeasuredRun[] = [];
  for (let i = 0; i < 48; i++) {
    const gpu = i % 2 ? 'h100-sxm' : 'b200';
    const llm = ['qwen3-32b', 'llama-3.1-8b', 'llama-3.1-70b'][i % 3];
    // "Measured" as a run at the truth coefficients and turnaround `measuredGap` would print.
    const t = scheduled(i, [{ scope: '*', runs: 0, tpot: TRUTH, ttft: TRUTH }], measuredGap);
    runs.push({ source: 's', line: i + 2, backend: 'vllm', gpu, llm, modelName: llm, precision: 'bf16', mode: 'agg', tp: 1, concurrency: 8, inputTokens: 1024, outputTokens: 128, ttftSeconds: dot(t.ttft, TRUTH), tpotSeconds: dot(t.tpot, TRUTH) });
  }
  const index = new Map(runs.map((r, i) => [r.line, i]));
  const under: RowsUnder = (rows, cal) => rows.map((r) => ({ run: r.run, terms: scheduled(index.get(r.run.line)!, cal.scopes, cal.clientGapSeconds) }));
  const seed = runs.map((run) => ({ run, terms: { ttft: [], tpot: [] } }) as CalibrationRow);
  return { rows: CLIENT_GAP_GRID_SECONDS.map((gap) => under(seed, { clientGapSeconds: gap })), runs, under };
}

describe('fixed-point serving fit', () => {
  it('returns the calibration its rows were benchmarked with, and the residual one more refit would move', () => {
    const { rows, under } = makeRuns(0.036);
    let passes = 0;
    const counting: RowsUnder = (r, c) => {
      passes++;
      return under(r, c);
    };
    const fit = fitFixedPoint(rows, () => true, counting, { maxRounds: 4, tolerance: 1e-6 });
    const again = under(fit.rows, { scopes: fit.scopes, clientGapSeconds: fit.clientGapSeconds });
    again.forEach((r, i) => expect(r.terms).toEqual(fit.rows[i].terms));
    expect(fit.residual).toBeCloseTo(predictionChange(fit.rows, fitServingScopes(fit.rows), fit.scopes), 12);
    expect(passes).toBe(fit.rounds);
    expect(fit.converged).toBe(fit.residual <= 1e-6);
  });

  it('chooses the turnaround the training runs were measured at', () => {
    for (const [i, gap] of [[0, 0], [3, 0.036], [5, 0.324]] as const) {
      const { rows, under } = makeRuns(gap);
      const fit = fitFixedPoint(rows, () => true, under);
      expect(fit.clientGapSeconds).toBe(CLIENT_GAP_GRID_SECONDS[i]);
      expect(fit.gapErrors[i]).toBe(Math.min(...fit.gapErrors));
    }
  });

  it('never lets a held-out run reach its fold: corrupting its measurement moves neither the fold nor its prediction', () => {
    const { rows, under } = makeRuns(0.036);
    const clean = fixedPointHoldOut(rows, 'lomo', under);
    const corrupt = rows.map((rs) => rs.map((r) => (r.run.llm === 'llama-3.1-8b' ? { ...r, run: { ...r.run, ttftSeconds: r.run.ttftSeconds * 5, tpotSeconds: r.run.tpotSeconds / 3 } } : r)));
    const dirty = fixedPointHoldOut(corrupt, 'lomo', under);
    const pick = (h: typeof clean) => h.predictions.filter((p) => p.heldOut === 'llama-3.1-8b').map((p) => [p.ttftSeconds, p.tpotSeconds]);
    expect(pick(dirty)).toEqual(pick(clean));
    const fold = (h: typeof clean) => h.folds.find((f) => f.heldOut === 'llama-3.1-8b')!.fit;
    expect(fold(dirty).scopes).toEqual(fold(clean).scopes);
    expect(fold(dirty).clientGapSeconds).toBe(fold(clean).clientGapSeconds);
    // The other folds do see it (it is their training data).
    expect(dirty.folds.find((f) => f.heldOut === 'qwen3-32b')!.fit.scopes).not.toEqual(clean.folds.find((f) => f.heldOut === 'qwen3-32b')!.fit.scopes);
  });
});
