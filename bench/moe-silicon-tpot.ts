/**
 * A rough look, not the accuracy table: the MoE step model's decode step at each staged aiconfigurator silicon agg
 * row's concurrency and mean context (isl + osl/2) against the row's measured TPOT, median signed and absolute error
 * per backend × model × GPU × precision. No queueing, no chunked-prefill interference, no serving-overhead fit: the
 * benchmark/calibrate branches do that (docs/accuracy.md). Nothing here is fitted to these rows.
 * Run: npx tsx bench/moe-silicon-tpot.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import type { Precision } from '../catalogs/types.js';
import { parseCsvTable } from '../models/importers/csv.js';
import { createPerfModel } from '../models/create.js';
import { medianOf } from '../models/profile.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const file = resolve(root, '..', 'shared', 'data', 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv');
const catalog = loadBuiltinCatalog();
const LLMS: Record<string, string> = {
  'deepseek-ai/DeepSeek-R1': 'deepseek-r1', 'deepseek-ai/DeepSeek-V3': 'deepseek-v3', 'openai/gpt-oss-120b': 'gpt-oss-120b',
  'Qwen/Qwen3-235B-A22B-FP8': 'qwen3-235b-a22b', 'nvidia/DeepSeek-R1-NVFP4': 'deepseek-r1',
};
const GPUS: Record<string, string> = { h100_sxm: 'h100-sxm', b200_sxm: 'b200' };
const precisionOf = (r: Record<string, string>): Precision => {
  const q = `${r.moe_quant_mode} ${r.gemm_quant_mode}`;
  return /fp4|mxfp4/.test(q) ? 'fp4' : /fp8/.test(q) ? 'fp8' : 'bf16';
};
const groups = new Map<string, number[]>();
let skipped = 0;
for (const { cells: r } of parseCsvTable(readFileSync(file, 'utf8'), file).records) {
  const llm = catalog.llms.get(LLMS[r.model_path] ?? '');
  const gpu = catalog.gpus.get(GPUS[r.system] ?? '');
  if (r.mode !== 'agg' || !llm || !gpu) continue;
  const tp = Number(r.tp_size);
  const dp = Number(r.attention_dp_size || 1);
  const ep = Number(r.moe_ep_size || 1);
  const gpus = tp * dp;
  try {
    const m = createPerfModel(gpu, llm, { tp, ep: ep > 1 ? ep : dp > 1 ? gpus : 1, precision: precisionOf(r) });
    const b = Number(r.batch_size);
    const tpot = m.decodeStepSeconds(b, b * (Number(r.isl) + Number(r.osl) / 2)) * 1e3;
    const key = `${r.backend} ${llm.id} ${gpu.id} ${precisionOf(r)}`;
    groups.set(key, [...(groups.get(key) ?? []), tpot / Number(r.silicon_tpot_ms) - 1]);
  } catch {
    skipped++;
  }
}
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
for (const [key, errors] of [...groups].sort()) {
  console.log(`${key}: ${errors.length} rows, TPOT median signed ${pct(medianOf(errors))}, median |error| ${pct(medianOf(errors.map(Math.abs)))}`);
}
const all = [...groups.values()].flat();
console.log(`all MoE agg rows: ${all.length}, median |error| ${pct(medianOf(all.map(Math.abs)))} (${skipped} rows with a layout the catalog cannot express skipped)`);
