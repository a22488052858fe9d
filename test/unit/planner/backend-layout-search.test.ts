/**
 * The layout search keeps the layouts that fit by the memory rule the pools' perf models size KV by (models/create.ts):
 * under `--backend trtllm` that is TensorRT-LLM's free_gpu_memory_fraction (0.9 of the memory the weights leave), not
 * the whole-memory rule (0.9 of all of it, weights included). A model no single node holds used to be searched at the
 * smallest multi-node instance the whole-memory rule allows — DeepSeek-V3 fp8 on L40S at 32 GPUs — although the
 * TensorRT-LLM pool the planner prices, and the kernel runs, holds it on 16: the search offered a dearer instance
 * than the backend needs, and said "fits no layout" of a model it could serve.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { Precision } from '../../../catalogs/types.js';
import { createPerfModelFor } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools, multiNodeLayouts } from '../../../planner/demand/pools.js';
import { resolveOptions } from '../../../planner/options.js';
import { planFleet } from '../../../planner/milp/plan.js';
import type { PlanRequest } from '../../../planner/types.js';
import type { Backend } from '../../../models/serving/runs.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const llm = (id: string) => catalog.llms.get(id)!;

/** Smallest instance (GPUs) among the layouts a pool's perf model gives KV room, over the multi-node search's degrees. */
function smallestPriced(gpuId: string, llmId: string, precision: Precision, backend: Backend | undefined): number | undefined {
  const options = resolveOptions({ precisions: [precision] });
  const perfModelFor = createPerfModelFor(undefined, backend ? { backend } : undefined);
  const fits: number[] = [];
  for (const tp of options.tpDegrees) {
    for (let ep = 1; ep <= 32; ep *= 2) {
      if (Math.max(tp, ep) % Math.min(tp, ep) !== 0 || llm(llmId).moe!.experts % ep !== 0) continue;
      if ((perfModelFor(gpu(gpuId), llm(llmId), { tp, ep, precision }, undefined)?.kvCapacityTokens ?? 0) > 0) fits.push(Math.max(tp, ep));
    }
  }
  return fits.length > 0 ? Math.min(...fits) : undefined;
}

describe('the MoE layout search uses the backend\'s memory rule', () => {
  for (const [gpuId, llmId, precision, trtllmGpus, defaultGpus] of [['l40s', 'deepseek-v3', 'fp8', 16, 32], ['gaudi3', 'kimi-k2', 'bf16', 16, 32]] as const) {
    it(`${llmId} ${precision} on ${gpuId}: the search's smallest instance is the one the pool's model holds it on (trtllm ${trtllmGpus} GPUs, default ${defaultGpus})`, () => {
      const options = resolveOptions({ precisions: [precision] });
      const searched = (backend?: Backend) => Math.min(...multiNodeLayouts(gpu(gpuId), llm(llmId), precision, options, backend).map((l) => Math.max(l.tp, l.ep)));
      expect(searched('trtllm')).toBe(trtllmGpus);
      expect(smallestPriced(gpuId, llmId, precision, 'trtllm')).toBe(trtllmGpus);
      expect(searched()).toBe(defaultGpus);
      expect(smallestPriced(gpuId, llmId, precision, undefined)).toBe(defaultGpus);
    });
  }

  it('enumeratePools under --backend trtllm offers the 16-GPU DeepSeek-V3 fp8 pools on L40S, each with KV room', () => {
    const options = resolveOptions({ precisions: ['fp8'] });
    const serving = { backend: 'trtllm' as const };
    const { pools, unfit } = enumeratePools([gpu('l40s')], llm('deepseek-v3'), createPerfModelFor(undefined, serving), options, serving);
    expect(unfit).toEqual([]);
    expect(new Set(pools.map((p) => p.gpus))).toEqual(new Set([16]));
    for (const p of pools) expect(p.perf.kvCapacityTokens).toBeGreaterThan(0);
  });

  it('a model only TensorRT-LLM\'s rule fits within the search (DeepSeek-V3 bf16 on A40): pools under trtllm, none by default', () => {
    const options = resolveOptions({ precisions: ['bf16'] });
    const none = enumeratePools([gpu('a40')], llm('deepseek-v3'), createPerfModelFor(), options);
    expect(none.pools).toEqual([]);
    const serving = { backend: 'trtllm' as const };
    const some = enumeratePools([gpu('a40')], llm('deepseek-v3'), createPerfModelFor(undefined, serving), options, serving);
    expect(some.pools.length).toBeGreaterThan(0);
    expect(new Set(some.pools.map((p) => p.gpus))).toEqual(new Set([32]));
  });

  it('the no-plan reason under --backend trtllm names the smallest layout TensorRT-LLM\'s rule fits, and what the largest lacks by it', async () => {
    const reason = async (backend?: Backend) => {
      const serving = backend ? { backend } : undefined;
      const request = { mix: catalog.mixes.get('coding-agent')!, slo: catalog.slos.get('standard')!, datacenter: catalog.datacenters.get('default')!, gpus: [gpu('a40')], llm: llm('kimi-k2'), perfModelFor: createPerfModelFor(undefined, serving), ...(serving ? { serving } : {}) } as PlanRequest;
      const outcome = await planFleet(request, { precisions: ['bf16'] });
      expect(outcome.ok).toBe(false);
      return outcome.ok ? '' : outcome.reason;
    };
    const trtllm = await reason('trtllm');
    expect(trtllm).toContain('short by 18.8 GiB per GPU; the smallest layout that would fit is tp 2 ep 64: 64 GPUs');
    expect(await reason()).toContain('short by 23.3 GiB per GPU; the smallest layout that would fit is tp 4 ep 64: 64 GPUs');
  });
});
