/**
 * A prefill instance's per-term step accounting (planner/kernel/prefiller.ts): with a linear step model an iteration
 * lasts exactly coefficients × its terms, and a job's stamps at arrival (mid-iteration: the elapsed share of the
 * iteration under way) and at completion give its time on the prefiller exactly, in term units.
 */
import { describe, expect, it } from 'vitest';
import type { PerfModel, PrefillPiece, StepAccounting } from '../../../models/types.js';
import type { ConvState } from '../../../planner/kernel/conversation.js';
import { Prefiller } from '../../../planner/kernel/prefiller.js';
import { createSyntheticPerfModel } from './fixtures.js';

/** Terms: one per iteration, tokens, token pairs (attention), sequences. */
function linearModel(secondsPerUnit: readonly number[]): PerfModel {
  const iterationTerms = (batch: number, context: number, pieces: readonly PrefillPiece[]): number[] => {
    let tokens = 0;
    let pairs = 0;
    for (const p of pieces) {
      tokens += p.newTokens;
      pairs += p.newTokens * (p.newTokens + 2 * p.cachedTokens);
    }
    return [1, tokens + batch, pairs + context, pieces.length + batch];
  };
  const stepAccounting: StepAccounting = { terms: ['step', 'tokens', 'pairs', 'sequences'], secondsPerUnit, iterationTerms };
  return { ...createSyntheticPerfModel({ gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, role: 'prefill', count: 1 }), stepAccounting };
}

const conv = () => ({ termsAtArrival: null, termsAtPrefillDone: null }) as unknown as ConvState;
const dot = (t: ArrayLike<number>, w: readonly number[]) => Array.from(t).reduce((s, v, j) => s + v * w[j], 0);
const minus = (a: Float64Array | null, b: Float64Array | null) => a!.map((v, j) => v - b![j]);

describe('prefiller step accounting', () => {
  for (const w of [[2e-3, 4e-5, 1e-9, 1e-4], [5e-3, 1e-5, 3e-9, 0]]) {
    it(`an iteration costs coefficients × terms; a job's stamps give its wait + service exactly, arriving mid-iteration (coefficients ${w.join(', ')})`, () => {
      const p = new Prefiller(0, 0, linearModel(w), { tokenBudget: 3000, maxBatch: 4 });
      const [a, b, c, d] = [conv(), conv(), conv(), conv()];
      expect(p.enqueue({ conv: a, kind: 'prefill', newTokens: 2048, cachedTokens: 0, serviceSeconds: 0 }, 0)).toBe(true);
      const end1 = p.startIteration(0);
      expect(end1).toBeCloseTo(w[0] + 2048 * w[1] + 2048 * 2048 * w[2] + w[3], 15);
      // Three jobs land during the first iteration, at a third, half and all of it.
      const arrivals = [end1 / 3, end1 / 2, end1];
      p.enqueue({ conv: b, kind: 'prefill', newTokens: 1500, cachedTokens: 0, serviceSeconds: 0 }, arrivals[0]);
      p.enqueue({ conv: c, kind: 'prefill', newTokens: 1500, cachedTokens: 256, serviceSeconds: 0 }, arrivals[1]);
      p.enqueue({ conv: d, kind: 'prefill', newTokens: 900, cachedTokens: 0, serviceSeconds: 0 }, arrivals[2]);
      expect(p.finishIteration().completed.map((j) => j.conv)).toEqual([a]);
      // b and c fill the 3000-token budget together; d waits for the next iteration.
      const end2 = p.startIteration(end1);
      expect(p.finishIteration().completed.map((j) => j.conv)).toEqual([b, c]);
      const end3 = p.startIteration(end2);
      expect(p.finishIteration().completed.map((j) => j.conv)).toEqual([d]);
      const exact = (x: ConvState, arrived: number, done: number) => expect(dot(minus(x.termsAtPrefillDone, x.termsAtArrival), w) / (done - arrived) - 1).toBeCloseTo(0, 12);
      exact(a, 0, end1);
      exact(b, arrivals[0], end2);
      exact(c, arrivals[1], end2);
      exact(d, arrivals[2], end3);
      // The elapsed share is what makes it exact: b's stamp is a third of the first iteration's terms.
      expect(b.termsAtArrival![1]).toBeCloseTo(2048 / 3, 9);
    });
  }

  it('keeps no accounting for a model without a linear step model', () => {
    const p = new Prefiller(0, 0, createSyntheticPerfModel({ gpu: 'a40', llm: 'qwen3-0.6b', tp: 1, role: 'prefill', count: 1 }), { tokenBudget: 4096, maxBatch: 4 });
    const a = conv();
    p.enqueue({ conv: a, kind: 'prefill', newTokens: 512, cachedTokens: 0, serviceSeconds: 0 }, 0);
    p.startIteration(0);
    p.finishIteration();
    expect(p.termClock).toBeNull();
    expect(a.termsAtArrival).toBeNull();
    expect(a.termsAtPrefillDone).toBeNull();
  });
});
