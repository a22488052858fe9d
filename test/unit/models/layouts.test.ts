import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { enumerateLayouts, explainNoLayout, layoutOf, layoutShapeProblem } from '../../../models/layouts.js';
import { kvBytesPerTokenPerGpu, layoutKvCapacity, residentWeightBytesPerGpu, routedExpertParameters } from '../../../models/moe/memory.js';
import { computeKvCapacity } from '../../../models/specs.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const llm = (id: string) => catalog.llms.get(id)!;
const dsv3 = llm('deepseek-v3');
const bf16 = { weightBytesPerParameter: 2 };

describe('layout enumeration', () => {
  it('DeepSeek-V3 in its published FP8 does not fit one 8×H100 node but fits two; it fits one 8×H200 node', () => {
    const h100 = enumerateLayouts(gpu('h100-sxm'), dsv3);
    expect(h100.some((l) => l.gpus <= 8)).toBe(false);
    expect(h100[0].gpus).toBe(16);
    expect(h100[0].nodes).toBe(2);
    const h200 = enumerateLayouts(gpu('h200'), dsv3);
    expect(h200[0].gpus).toBe(8);
    expect(h200.filter((l) => l.gpus === 8).map((l) => [l.tp, l.ep])).toEqual(expect.arrayContaining([[8, 8], [1, 8], [8, 1]]));
  });

  it('DeepSeek-V3 in BF16 (1.34 TB of weights) needs 16 H200s and 32 H100s: two nodes of H100 are not enough', () => {
    expect(enumerateLayouts(gpu('h200'), dsv3, bf16)[0].gpus).toBe(16);
    expect(enumerateLayouts(gpu('h100-sxm'), dsv3, { ...bf16, maxGpus: 32 })[0]).toMatchObject({ gpus: 32, nodes: 4 });
    expect(enumerateLayouts(gpu('h100-sxm'), dsv3, bf16)).toEqual([]);
    expect(explainNoLayout(gpu('h100-sxm'), dsv3, bf16)).toMatch(/deepseek-v3 fits no layout of up to 16× h100-sxm: the largest searched, tp 16 ep 16 \(16 GPUs\), holds \d+\.\d GiB of weights per GPU, short by \d+\.\d GiB per GPU; the smallest layout that would fit is tp 2 ep 32: 32 GPUs over 4 node\(s\)/);
    expect(explainNoLayout(gpu('h200'), dsv3)).toBeUndefined();
  });

  it('stays in one NVL72 domain on GB200 and spans nodes only where allowed', () => {
    const gb = enumerateLayouts(gpu('gb200'), dsv3, bf16);
    expect(gb[0].nodes).toBe(1);
    expect(gb.filter((l) => l.gpus <= 72).every((l) => l.nodes === 1)).toBe(true);
    expect(gb.filter((l) => l.gpus === 128).every((l) => l.nodes === 2)).toBe(true);
    // The same instance on HGX B200 spans nodes from 16 GPUs on.
    expect(enumerateLayouts(gpu('b200'), dsv3, bf16).filter((l) => l.gpus === 16).every((l) => l.nodes === 2)).toBe(true);
    expect(enumerateLayouts(gpu('h100-sxm'), dsv3, { multiNode: false })).toEqual([]);
  });

  it('a dense LLM gets ep 1 and the same KV capacity as the dense formula', () => {
    const layouts = enumerateLayouts(gpu('h100-sxm'), llm('llama-3.1-70b'));
    expect(layouts.every((l) => l.ep === 1 && l.gpus === l.tp)).toBe(true);
    const tp4 = layouts.find((l) => l.tp === 4)!;
    expect(tp4.kvCapacityTokens).toBe(computeKvCapacity(gpu('h100-sxm'), llm('llama-3.1-70b'), { tp: 4 }).kvCapacityTokens);
  });

  it('rejects shapes the model cannot take: ep not dividing the experts, tp not dividing the heads, ep on a dense LLM', () => {
    expect(layoutShapeProblem(llm('mixtral-8x22b'), 8, 16)).toMatch(/does not divide .* 8 experts/);
    expect(layoutShapeProblem(dsv3, 3, 1)).toMatch(/tp 3 does not divide/);
    expect(layoutShapeProblem(dsv3, 4, 6)).toMatch(/smaller must divide/);
    expect(layoutShapeProblem(llm('llama-3.1-8b'), 1, 2)).toMatch(/dense/);
    expect(layoutShapeProblem(dsv3, 8, 16)).toBeUndefined();
    expect(layoutOf(gpu('gb300'), 8, 64)).toEqual({ tp: 8, ep: 64, gpus: 64, nodes: 1 });
    expect(layoutOf(gpu('b200'), 8, 64)).toEqual({ tp: 8, ep: 64, gpus: 64, nodes: 8 });
  });
});

describe('KV capacity under expert parallelism', () => {
  it('counts only the experts resident on each GPU: EP 8 holds 1/8 of the experts, attention replicated per DP group', () => {
    const experts = routedExpertParameters(dsv3);
    expect(experts).toBe(58 * 256 * 3 * 7168 * 2048);
    const tp1ep8 = residentWeightBytesPerGpu(dsv3, { tp: 1, ep: 8 });
    const tp8ep8 = residentWeightBytesPerGpu(dsv3, { tp: 8, ep: 8 });
    expect(tp1ep8).toBeCloseTo(dsv3.parameters - experts + experts / 8, -3);
    expect(tp8ep8).toBeCloseTo(dsv3.parameters / 8, -3);
    expect(tp1ep8).toBeGreaterThan(tp8ep8);
  });

  it('MLA latent is replicated over TP ranks; attention data parallelism multiplies KV groups', () => {
    expect(kvBytesPerTokenPerGpu(dsv3, 8)).toBe(61 * 576 * 2);
    expect(kvBytesPerTokenPerGpu(llm('qwen3-235b-a22b'), 8)).toBe((2 * 94 * 4 * 128 * 2) / 4);
    const h200 = gpu('h200');
    const tp8 = layoutKvCapacity(h200, dsv3, { tp: 8, ep: 8 });
    const tp2 = layoutKvCapacity(h200, dsv3, { tp: 2, ep: 8 });
    expect(tp8.fits && tp2.fits).toBe(true);
    if (tp8.fits && tp2.fits) {
      // Four DP groups each cache their own sequences, but each GPU holds more attention weights.
      expect(tp2.kvCapacityTokens).toBeGreaterThan(tp8.kvCapacityTokens);
    }
  });
});

describe('the per-GPU view agrees with computeKvCapacity (the planner\'s) on MoE layouts', () => {
  it.each([['h200', 8, 8], ['h200', 2, 8], ['h200', 1, 8], ['b200', 8, 1], ['gb200', 8, 32]] as const)('%s tp %i ep %i', (g, tp, ep) => {
    const mine = layoutKvCapacity(gpu(g), dsv3, { tp, ep });
    const planner = computeKvCapacity(gpu(g), dsv3, { tp, ep });
    expect(mine.kvCapacityTokens).toBeGreaterThan(0);
    expect(Math.abs(mine.kvCapacityTokens - planner.kvCapacityTokens) / planner.kvCapacityTokens).toBeLessThan(1e-6 * tp * ep + 1e-4);
  });
});
