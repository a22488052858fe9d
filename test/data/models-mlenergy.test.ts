/** ML.ENERGY H100 energy per output token, leave-one-model-out (power curve and step form refitted each time). */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { leaveOneModelOut } from '../../models/energy.js';
import { importMlEnergy } from '../../models/importers/mlenergy.js';

const data = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..', 'shared', 'data');
const runs = importMlEnergy(readFileSync(resolve(data, 'mlenergy', 'llm_runs_flat.csv'), 'utf8')).filter((r) => r.gpuModel === 'H100');
const h100 = loadBuiltinCatalog().gpus.get('h100-sxm')!;
const summarize = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0) / m.size;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

describe('energy per token, leave-one-model-out on H100', () => {
  const all = leaveOneModelOut(runs, h100);
  const arch = new Map(runs.map((r) => [r.modelId, r.architecture]));
  const of = (kind: string) => new Map([...all].filter(([id]) => arch.get(id) === kind));

  it('all 22 models (dense, MoE with touched-expert weight reads, Mamba hybrids): MAPE ≤ 20%', () => {
    const dense = leaveOneModelOut(runs.filter((r) => r.architecture === 'Dense Transformer'), h100);
    console.log(`ML.ENERGY H100 LOMO energy/token: all ${all.size} models ${pct(summarize(all))}; dense among all ${pct(summarize(of('Dense Transformer')))}, ` +
      `MoE ${pct(summarize(of('MoE')))}, hybrid ${pct(summarize(of('Mamba-Transformer Hybrid')))}; dense-only fit ${dense.size} models ${pct(summarize(dense))}`);
    console.log([...all].map(([k, v]) => `${k} (${arch.get(k)}) ${pct(v)}`).join('\n'));
    // Hardest: Qwen3-235B FP8 (~42–46%): its FP8 MoE kernels are slower than its bytes say (8 GPUs, batch 8: 24.7 ms
    // steps vs 20.2 ms in bf16 though it reads half the bytes); Llama-4 Maverick FP8 (~64%): its power, 231 W per GPU
    // at batch 8, is far below what the other models' power curve gives (predicted 1.3–2× the measured watts).
    expect(all.size).toBe(22);
    expect(summarize(all)).toBeLessThanOrEqual(0.2);
    expect(summarize(dense)).toBeLessThanOrEqual(0.2);
  });
});
