/**
 * Regenerates catalogs/coefficients/moe.json from ../shared/data/aiconfigurator (run: npx tsx bench/models-moe-builtin.ts).
 * test/data/models-moe.test.ts refits and fails if the shipped figures drift from the data.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { AIC_MOE_GPU_IDS, fitMoeCalibration } from '../models/moe/calibration.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const data = resolve(root, '..', 'shared', 'data', 'aiconfigurator');
const read = (p: string) => readFileSync(resolve(data, p), 'utf8');
const cal = fitMoeCalibration({
  tables: Object.fromEntries(Object.entries(AIC_MOE_GPU_IDS).map(([dir, id]) => [id, {
    moe: read(`${dir}/vllm-0.19.0/moe_perf.csv`),
    mlaContext: read(`${dir}/vllm-0.19.0/mla_context_module_perf.csv`),
    mlaGeneration: read(`${dir}/vllm-0.19.0/mla_generation_module_perf.csv`),
    nccl: read(`${dir}/nccl/nccl_perf.csv`),
  }])),
}, loadBuiltinCatalog().gpus);
const path = resolve(root, 'catalogs', 'coefficients', 'moe.json');
writeFileSync(`${path}.tmp`, `${JSON.stringify({ description: 'MoE calibration: grouped-GEMM, MLA and all-to-all fits on aiconfigurator kernel tables (models/moe/). Regenerate: npx tsx bench/models-moe-builtin.ts', ...cal }, null, 1)}\n`);
renameSync(`${path}.tmp`, path);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
for (const f of cal.groupedGemm) console.log(`grouped GEMM ${f.gpu} ${f.dtype}: ${f.rows} rows, leave-one-shape-out ${pct(f.heldOutMape)} (worst shape ${pct(f.worstShapeMape)}), skewed routing ${pct(f.skewedRoutingMape)}`);
for (const f of cal.mla) console.log(`MLA ${f.phase} ${f.gpu} kv ${f.kvDtype} gemm ${f.gemmDtype}: ${f.rows} rows, leave-one-TP-out ${pct(f.heldOutMape)} (worst ${pct(f.worstHeadsMape)})`);
console.log('cross-GPU grouped GEMM', Object.entries(cal.crossGpuGroupedGemmMape).map(([d, m]) => `${d} ${pct(m as number)}`).join(', '));
for (const a of cal.allToAll) console.log(`all-to-all ${a.gpu}: floor ${(a.latencyFloorSeconds * 1e6).toFixed(1)} us, link share ${a.linkFraction.toFixed(2)}`);
