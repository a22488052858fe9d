/**
 * The TTFT miss section's renderer (models/serving/ttft-miss-section.ts) on synthetic held-out predictions: a group
 * above the target whose prediction is dominated by the prompt GEMM is listed and attributed to `excess_compute`, its
 * contributions are the fold's coefficients × the row's terms, it cites the bullets that measured that mechanism and
 * those whose titles name it, and a citation whose bullet is gone fails the render instead of citing nothing.
 */
import { describe, expect, it } from 'vitest';
import type { FittedScope } from '../../../models/serving/fit.js';
import type { HeldOutPrediction } from '../../../models/serving/holdout.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';
import { STEP_TERMS } from '../../../models/serving/step-terms.js';
import { bulletsNaming, bulletTitles, renderTtftMissSection } from '../../../models/serving/ttft-miss-section.js';

const EXCESS = STEP_TERMS.indexOf('excess_compute');
const OVERHEAD = STEP_TERMS.indexOf('request_overhead');
// The fold's scope: excess compute at 2× (the overpriced term), request overhead 10 ms per 1 ms unit.
const coefficients = STEP_TERMS.map((_, j) => (j === EXCESS ? 2 : j === OVERHEAD ? 10 : 1));
const SCOPES: FittedScope[] = [{ scope: '*', runs: 100, tpot: coefficients, ttft: coefficients }];

function prediction(i: number, gpu: string, llm: string, backend: 'vllm' | 'trtllm', measuredSeconds: number): HeldOutPrediction {
  const ttft = STEP_TERMS.map((_, j): number => (j === EXCESS ? 0.2 : j === OVERHEAD ? 1e-3 : 0));
  const run = { source: 'synthetic.csv', line: 10 + i, backend, gpu, llm, modelName: llm, precision: 'fp8', mode: 'agg', tp: 1 + (i % 2), concurrency: 4 << (i % 3), inputTokens: 1024 * (1 + (i % 2)), outputTokens: 128, ttftSeconds: measuredSeconds, tpotSeconds: 0.02 } as MeasuredRun;
  const predicted = ttft.reduce((a, v, j) => a + v * coefficients[j], 0);
  return { row: { run, terms: { ttft, tpot: new Array<number>(STEP_TERMS.length).fill(0) } }, ttftSeconds: predicted, tpotSeconds: 0.02, scope: '*', heldOut: llm };
}

// 12 runs predicted 0.41 s (0.4 s of it excess compute) against 0.2 s measured; 12 of another group on target.
const predictions = [
  ...Array.from({ length: 12 }, (_, i) => prediction(i, 'b200', 'llama-3.1-70b', 'trtllm', 0.2)),
  ...Array.from({ length: 12 }, (_, i) => prediction(20 + i, 'h100-sxm', 'qwen3-32b', 'vllm', 0.41)),
];
const WHY = [
  '**TTFT misses are the benchmark\'s queue and protocol model, not its step model**: …',
  '**Which term makes TensorRT-LLM B200 Llama-3.1-70B fp8 slow: the prefill GEMM.** …',
  '**A TTFT-only price for the prompt\'s compute: tried, not adopted.** …',
  '**The all-reduce at the kernel tables\' price: tried.** …',
  '**The TTFT miss by concurrency is which sweep sits where.** …',
  '**TensorRT-LLM Llama-3.1-8B (predicted too fast) is not explained.** …',
  '**vLLM Qwen3-32B fp8 (n 3) is a data problem.** …',
  'A bullet without a title.',
];
const render = (whyBullets: readonly string[]) => renderTtftMissSection({ whyBullets, protocols: [{ protocol: 'lomo', title: 'leave-one-model-out', target: 0.2, predictions, foldScopes: () => SCOPES }] });

describe('the TTFT miss section renderer', () => {
  it('lists the group above the target, attributes it to the dominant term and cites the bullets that measured it', () => {
    const md = render(WHY);
    expect(md).toContain('24 runs, 12 within 20.0%; the median meets the target once 13 are');
    expect(md).toContain('**1 more**');
    expect(md).toContain('| b200 llama-3.1-70b fp8 trtllm | 12 | 12 | +105.0% | 7 | excess_compute 97.6% | too slow: excess_compute');
    expect(md).not.toContain('| h100-sxm qwen3-32b fp8 vllm |');
    expect(md).toContain('removing it alone would bring 12 of the 12 too-slow runs above the target under it');
    expect(md).toContain('«Which term makes TensorRT-LLM B200 Llama-3.1-70B fp8 slow: the prefill GEMM.»');
    expect(md).toContain('«A TTFT-only price for the prompt\'s compute: tried, not adopted.»');
  });

  it('fails instead of citing a bullet the doc no longer has', () => {
    expect(() => render(WHY.filter((b) => !b.includes('Which term')))).toThrow(/Which term makes/);
  });

  it('finds the bullets whose titles name a group, and not those naming another GPU or precision', () => {
    const titles = bulletTitles(WHY);
    expect(titles).toHaveLength(7);
    expect(bulletsNaming(titles, { gpu: 'b200', llm: 'llama-3.1-70b', precision: 'fp8', backend: 'trtllm', mode: 'agg' })).toEqual(['Which term makes TensorRT-LLM B200 Llama-3.1-70B fp8 slow: the prefill GEMM.']);
    expect(bulletsNaming(titles, { gpu: 'h100-sxm', llm: 'llama-3.1-70b', precision: 'fp8', backend: 'trtllm', mode: 'agg' })).toEqual([]);
    expect(bulletsNaming(titles, { gpu: 'h100-sxm', llm: 'qwen3-32b', precision: 'fp8', backend: 'vllm', mode: 'agg' })).toEqual(['vLLM Qwen3-32B fp8 (n 3) is a data problem.']);
    expect(bulletsNaming(titles, { gpu: 'h100-sxm', llm: 'qwen3-32b', precision: 'bf16', backend: 'vllm', mode: 'agg' })).toEqual([]);
    expect(bulletsNaming(titles, { gpu: 'h100-sxm', llm: 'llama-3.1-8b', precision: 'bf16', backend: 'trtllm', mode: 'agg' })).toEqual(['TensorRT-LLM Llama-3.1-8B (predicted too fast) is not explained.']);
  });
});
