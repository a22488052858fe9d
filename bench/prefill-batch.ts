/**
 * What one prefill iteration of k equal prompts costs in the kernel's prefiller, against the fitted model's batched
 * time for the same batch (the form the Splitwise batch rows were fitted with). Prints one row per fitted H100 pair
 * and for two roofline-derived ones.
 * Run: npx tsx bench/prefill-batch.ts
 */
import { loadBuiltinCatalog } from '../catalogs/catalog.js';
import { BUILTIN_COEFFICIENTS } from '../models/builtin.js';
import { createPerfModel } from '../models/create.js';
import type { ConvState } from '../planner/kernel/conversation.js';
import { Prefiller } from '../planner/kernel/prefiller.js';

const catalog = loadBuiltinCatalog();
const fitted = BUILTIN_COEFFICIENTS.pairs.filter((p) => p.gpu.startsWith('h100') && p.powerCapWatts === undefined);
const pairs = [...fitted, { gpu: 'h100-sxm', llm: 'llama-3.1-8b', tp: 1 }, { gpu: 'h100-sxm', llm: 'llama-3.1-70b', tp: 4 }];
for (const pair of pairs) {
  const gpu = catalog.gpus.get(pair.gpu);
  const llm = catalog.llms.get(pair.llm);
  if (!gpu || !llm) continue;
  const model = createPerfModel(gpu, llm, { tp: pair.tp });
  const cells: string[] = [];
  for (const [k, tokens] of [[2, 512], [4, 512], [8, 512], [4, 2048]] as const) {
    const prefiller = new Prefiller(0, 0, model, { tokenBudget: 1 << 20, maxBatch: 64 });
    for (let i = 0; i < k; i++) prefiller.enqueue({ conv: {} as ConvState, kind: 'prefill', newTokens: tokens, cachedTokens: 0, serviceSeconds: 0 }, 0);
    const kernelSeconds = prefiller.startIteration(0);
    const modelSeconds = model.prefillSeconds(k * tokens, 0, k);
    cells.push(`${k}×${tokens}: kernel ${(kernelSeconds * 1000).toFixed(1)} ms / model ${(modelSeconds * 1000).toFixed(1)} ms = ${(kernelSeconds / modelSeconds).toFixed(2)}×`);
  }
  console.log(`${pair.gpu}/${pair.llm}/tp${pair.tp} (${model.provenance.kind})  ${cells.join('  ')}`);
}
