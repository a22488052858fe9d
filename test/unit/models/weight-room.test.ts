/**
 * weightRoomBytes is computeKvCapacity's fit rule solved for the weights: the no-plan reason sets it next to the
 * weights, so it must be the exact boundary (a model 1 MB under it fits, 1 MB over it does not), under both memory
 * rules (vLLM's fraction of total memory, TensorRT-LLM's fraction of what is free after the weights).
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { computeKvCapacity, weightRoomBytes } from '../../../models/specs.js';
import { backendKvCapacityOptions } from '../../../models/serving/backend-policy.js';
import type { LlmSpec } from '../../../catalogs/types.js';

const catalog = loadBuiltinCatalog();
const h100 = catalog.gpus.get('h100-sxm')!;

describe('weightRoomBytes', () => {
  it.each([
    ['vLLM default rule', 'llama-3.1-70b', {}],
    ['TensorRT-LLM free-memory rule', 'llama-3.1-70b', backendKvCapacityOptions('trtllm', 8)],
    ['sliding windows (gpt-oss-120b)', 'gpt-oss-120b', {}],
  ] as const)('is the fit boundary under the %s', (_, id, options) => {
    const base = catalog.llms.get(id)!;
    const room = weightRoomBytes(h100, base, { tp: 8 }, options);
    // The same LLM with its parameter count set so its weights are room ± 1 MB.
    const sized = (bytes: number): LlmSpec => ({ ...base, parameters: bytes / base.weightDtypeBytes });
    expect(computeKvCapacity(h100, sized(room - 1e6), { tp: 8 }, options).fits).toBe(true);
    expect(computeKvCapacity(h100, sized(room + 1e6), { tp: 8 }, options).fits).toBe(false);
  });

  it('DeepSeek-V3 on 8× H100: less room than the 671 GB of weights, though the memory (684 GB) is more', () => {
    const dsv3 = catalog.llms.get('deepseek-v3')!;
    const room = weightRoomBytes(h100, dsv3, { tp: 8 });
    expect(h100.memoryBytes * 8).toBeGreaterThan(671e9);
    expect(room).toBeLessThan(671e9);
  });
});
