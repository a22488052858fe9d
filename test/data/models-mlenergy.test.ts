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

describe('energy per token, leave-one-model-out on H100', () => {
  it('dense transformers (the catalog kind): MAPE ≤ 20%', () => {
    const dense = leaveOneModelOut(runs.filter((r) => r.architecture === 'Dense Transformer'), h100);
    const all = leaveOneModelOut(runs, h100);
    console.log(`ML.ENERGY H100 LOMO energy/token: dense ${dense.size} models ${(summarize(dense) * 100).toFixed(1)}%; all ${all.size} models (MoE, hybrid too) ${(summarize(all) * 100).toFixed(1)}%`);
    console.log([...dense].map(([k, v]) => `${k} ${(v * 100).toFixed(1)}%`).join('\n'));
    expect(summarize(dense)).toBeLessThanOrEqual(0.2);
  });
});
