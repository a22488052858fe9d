/**
 * `predict`'s ttft_s and the simulator's TTFT mean the same thing: time to the first token with nothing queued is the
 * prefill iteration alone (the first token leaves with it; no decode step is charged). Checked against a kernel run of
 * one request alone, on a prefiller and on a colocated engine, for fitted and roofline models.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Role } from '../../../catalogs/types.js';
import { createPerfModel, predictOperatingPoint } from '../../../models/index.js';
import { simulateConversations } from '../../../planner/kernel/kernel.js';

const catalog = loadBuiltinCatalog();

describe('predict ttft_s = the kernel TTFT of one request alone', () => {
  it.each([
    ['h100-sxm', 'llama-2-70b', 8, 3000],
    ['h100-sxm', 'llama-3.1-70b', 4, 4096],
    ['a40', 'qwen3-0.6b', 1, 1500],
  ] as const)('%s %s TP%i, %i-token prompt', (gpuId, llmId, tp, inputTokens) => {
    const gpu = catalog.gpus.get(gpuId)!;
    const llm = catalog.llms.get(llmId)!;
    const predicted = predictOperatingPoint(gpu, llm, { tp }, { inputTokens, outputTokens: 64 });
    if (!predicted.fits) throw new Error(predicted.reason);
    expect(predicted.ttft_s).toBe(predicted.prefill_s);
    const model = createPerfModel(gpu, llm, { tp });
    for (const roles of [['prefill', 'decode'], ['colocated']] as const satisfies readonly (readonly Role[])[]) {
      const r = simulateConversations(
        { instances: roles.map((role) => ({ gpu: gpuId, llm: llmId, tp, role, count: 1 })), links: [{ from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 50e9, latencySeconds: 1e-5 }] },
        [{ id: 'only', classId: 'c', arrivalSeconds: 0, turns: [{ inputTokens, outputTokens: 64, toolLatencySeconds: 0 }] }],
        () => model,
        { policy: roles.length > 1 ? 'conserve' : 'colocated', seed: 1, engineTokenBudget: 8192 },
      );
      expect(r.conversations).toBe(1);
      // A single-turn conversation's TTFET is its only turn's TTFT: arrival → first token (results carry 9 digits).
      expect(r.ttfet_s.mean).toBeCloseTo(predicted.ttft_s, 8);
    }
  });
});
