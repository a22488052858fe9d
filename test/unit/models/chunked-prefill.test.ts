/**
 * A prompt costs about the same whether it is prefilled alone or in chunks riding decode steps: the chunks pay the
 * prefill's GEMMs and attention against their own prefix, and only the per-iteration floor is shared.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { createPerfModel } from '../../../models/index.js';
import type { PerfModel } from '../../../models/types.js';

const catalog = loadBuiltinCatalog();
function model(gpu: string, llm: string, tp: number): PerfModel {
  const m = createPerfModel(catalog.gpus.get(gpu)!, catalog.llms.get(llm)!, { tp });
  if (!('prefillSeconds' in m)) throw new Error(`${gpu}/${llm}/tp${tp} does not fit`);
  return m as PerfModel;
}

describe('chunkedPrefillSeconds()', () => {
  it.each([
    ['a40', 'qwen3-0.6b', 1],
    ['h100-sxm', 'llama-3.1-70b', 4],
    ['l40s', 'llama-3.1-8b', 1],
  ] as const)('%s %s TP%i: a 16K prompt in 2K chunks costs within 10%% of one 16K prefill', (gpu, llm, tp) => {
    const m = model(gpu, llm, tp);
    const whole = m.prefillSeconds(16_384, 0);
    let chunked = 0;
    for (let done = 0; done < 16_384; done += 2048) chunked += m.chunkedPrefillSeconds(2048, done);
    expect(chunked / whole).toBeGreaterThan(0.9);
    expect(chunked / whole).toBeLessThan(1.1);
  });

  it('charges attention against the prefix: a chunk late in a long prompt costs more than an early one', () => {
    const m = model('a40', 'qwen3-0.6b', 1);
    expect(m.chunkedPrefillSeconds(2048, 14_336)).toBeGreaterThan(1.5 * m.chunkedPrefillSeconds(2048, 0));
  });

  it('is zero for no tokens and never more than the standalone prefill', () => {
    const m = model('h100-sxm', 'llama-3.1-70b', 4);
    expect(m.chunkedPrefillSeconds(0, 1000)).toBe(0);
    expect(m.chunkedPrefillSeconds(512, 1000)).toBeLessThanOrEqual(m.prefillSeconds(512, 1000));
  });
});
