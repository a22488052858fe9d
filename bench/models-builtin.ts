/**
 * Regenerates catalogs/coefficients/*.json from ../shared/data (run: npx tsx bench/models-builtin.ts). The test
 * test/data/models-builtin.test.ts refits and fails if the shipped figures drift from the data.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { AIC_GPU_IDS, aicNcclPath, fitBuiltinCoefficients } from '../models/builtin-fit.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const data = resolve(root, '..', 'shared', 'data');
const read = (p: string) => readFileSync(resolve(data, p), 'utf8');
const set = fitBuiltinCoefficients({
  splitwisePerfModel: read('splitwise/perf_model.csv'),
  aicGemm: Object.fromEntries(Object.entries(AIC_GPU_IDS).map(([dir, id]) => [id, read(`aiconfigurator/${dir}/gemm_perf.csv`)])),
  aicNccl: Object.fromEntries(Object.entries(AIC_GPU_IDS).map(([dir, id]) => [id, read(aicNcclPath(dir))])),
  mlEnergyRuns: read('mlenergy/llm_runs_flat.csv'),
}, loadBuiltinCatalog());
const out = (name: string, value: unknown) => writeFileSync(resolve(root, 'catalogs', 'coefficients', name), `${JSON.stringify(value, null, 2)}\n`);
out('latency-pairs.json', { description: 'Per-(gpu, llm, tp[, cap]) latency coefficients fitted on Splitwise perf_model.csv; seconds per feature unit (models/features.ts). Regenerate: npx tsx bench/models-builtin.ts', pairs: set.pairs });
out('roofline.json', { description: 'Roofline calibration: multipliers on physical seconds (models/roofline.ts) and kernel-level fractions of peak per GPU. Regenerate: npx tsx bench/models-builtin.ts', ...set.roofline });
out('power.json', { description: 'Power calibration (models/power.ts). Regenerate: npx tsx bench/models-builtin.ts', ...set.power });
console.log(JSON.stringify({ roofline: { prefill: set.roofline.prefill, decode: set.roofline.decode, mape: set.roofline.heldOutMape, eff: set.roofline.efficiencies }, power: set.power }, null, 1));
