import { describe, expect, it } from 'vitest';
import { fitServingScopes, predictRun, type CalibrationRow } from '../../../models/serving/fit.js';
import { promptPriceAt, promptPriceWeights } from '../../../models/serving/prompt-price.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';

const KNOTS = [1024, 8192];
const TRUTH_STEP = [1, 1.4, 0.8, 1, 1, 1, 1, 0];
const TRUTH_OVERHEAD = 40; // ms per request (the request_overhead term's unit is 1 ms)
const TRUTH_PRICE = [0.4, 0.9];

/** Rows whose TTFT prices the prompt's compute (excess_compute, prefill_attention) at m(ISL) × the step coefficient. */
function rows(): CalibrationRow[] {
  const out: CalibrationRow[] = [];
  let k = 0;
  for (const isl of [512, 1024, 2048, 4096, 8192, 16384]) for (const c of [4, 16, 64]) for (const tp of [1, 4]) {
    k++;
    const wobble = 1 + 0.3 * Math.sin(k);
    // Seven independent columns, so the TPOT equations pin every step coefficient.
    const tpot = [0.008 * wobble, 0.002 * c / tp, 0.0005 * (1 + Math.cos(3 * k) ** 2), 0.001 * (tp > 1 ? 1 : 0.1), 0.0004 * (1 + (k % 5) / 5), 1e-3, c * 1e-6 * (1 + (k % 3)), 0];
    const prompt = (isl / 1024) * 0.03 / tp;
    const ttft = [0.02 * wobble, prompt, prompt * 0.1 * (isl / 4096), 0.003, 0.001, 3e-3, c * 3e-6, 1e-3];
    const m = promptPriceAt(KNOTS, TRUTH_PRICE, isl);
    const dot = (v: readonly number[]) => v.reduce((s, x, j) => s + x * TRUTH_STEP[j], 0);
    const ttftSeconds = dot(ttft) + (m - 1) * (ttft[1] * TRUTH_STEP[1] + ttft[2] * TRUTH_STEP[2]) + TRUTH_OVERHEAD * 1e-3;
    const run = { source: 's', line: k, backend: 'vllm', gpu: 'h100-sxm', llm: 'qwen3-32b', modelName: 'qwen3-32b', precision: 'bf16', mode: 'agg', tp, concurrency: c, inputTokens: isl, outputTokens: 128, ttftSeconds, tpotSeconds: dot(tpot) } as MeasuredRun;
    out.push({ run, terms: { ttft, tpot } });
  }
  return out;
}

describe('prompt price by prompt length (experiment: fit option promptPriceKnotsTokens)', () => {
  it('interpolates linearly in log2 of the prompt tokens between the knots and is flat outside them', () => {
    expect(promptPriceWeights(KNOTS, 1024)).toEqual([1, 0]);
    expect(promptPriceWeights(KNOTS, 512)).toEqual([1, 0]);
    expect(promptPriceWeights(KNOTS, 32768)).toEqual([0, 1]);
    const w = promptPriceWeights(KNOTS, 2048);
    expect(w[0]).toBeCloseTo(2 / 3, 12);
    expect(w[1]).toBeCloseTo(1 / 3, 12);
    expect(promptPriceAt(KNOTS, [0.3, 0.9], 4096)).toBeCloseTo(0.3 + (2 / 3) * 0.6, 12);
    expect(promptPriceAt([1024], [0.5], 8192)).toBe(0.5);
  });

  it('recovers a known length-dependent TTFT price and overhead while the TPOT coefficients stay those of the plain fit', () => {
    const data = rows();
    const priced = fitServingScopes(data, { promptPriceKnotsTokens: KNOTS });
    const plain = fitServingScopes(data);
    const root = priced.find((s) => s.scope === '*')!;
    expect(root.promptPrice![0]).toBeCloseTo(TRUTH_PRICE[0], 2);
    expect(root.promptPrice![1]).toBeCloseTo(TRUTH_PRICE[1], 2);
    expect(root.ttft[7]).toBeCloseTo(TRUTH_OVERHEAD, 0);
    expect(root.tpot).toEqual(plain.find((s) => s.scope === '*')!.tpot);
    for (const r of data) {
      expect(Math.abs(predictRun(priced, r).ttftSeconds / r.run.ttftSeconds - 1)).toBeLessThan(0.01);
      expect(predictRun(priced, r).tpotSeconds).toBe(predictRun(plain, r).tpotSeconds);
    }
    // Without the price the same rows cannot be matched: one overhead cannot absorb a price that moves with the prompt.
    const worst = Math.max(...data.map((r) => Math.abs(predictRun(plain, r).ttftSeconds / r.run.ttftSeconds - 1)));
    expect(worst).toBeGreaterThan(0.1);
  });

  it('is off by default: a plain fit carries no price and predicts TTFT as coefficients × terms', () => {
    const plain = fitServingScopes(rows());
    expect(plain.every((s) => s.promptPrice === undefined)).toBe(true);
  });
});
