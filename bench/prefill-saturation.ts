/**
 * Mean time to first token on one prefiller near saturation, batching on (the kernel's defaults: 64 prompts, 16,384
 * tokens an iteration) against batch 1, beside what the batched-service model (planner/demand/batch-queue.ts) says.
 * One H100 running Llama-3.1-8B, single-turn conversations with one output token and 256–1,024-token prompts, at
 * offered single-prompt loads λ·E[S_1] of 0.8, 0.9 and 0.95. Run: npx tsx bench/prefill-saturation.ts
 */
import { loadBuiltinCatalog } from '../catalogs/catalog.js';
import type { Distribution, Fleet } from '../catalogs/types.js';
import { createPerfModel } from '../models/create.js';
import { analyseBatchQueue } from '../planner/demand/batch-queue.js';
import { buildBatchService } from '../planner/demand/batch-service.js';
import { quantileGrid } from '../planner/demand/class-profile.js';
import { simulateConversations } from '../planner/kernel/kernel.js';
import { generateConversations } from '../planner/kernel/workload.js';

const catalog = loadBuiltinCatalog();
const model = createPerfModel(catalog.gpus.get('h100-sxm')!, catalog.llms.get('llama-3.1-8b')!, { tp: 1 });
const input: Distribution = { kind: 'uniform', min: 256, max: 1024 };
const fleet: Fleet = {
  instances: [
    { gpu: 'h100-sxm', llm: 'llama-3.1-8b', tp: 1, role: 'prefill', count: 1 },
    { gpu: 'h100-sxm', llm: 'llama-3.1-8b', tp: 1, role: 'decode', count: 1 },
  ],
  links: [{ from: 'prefill', to: 'decode', bandwidthBytesPerSecond: 50e9, latencySeconds: 1e-5 }],
};
const grid = quantileGrid(input);
const single = buildBatchService(grid, { maxBatch: 1, tokenBudget: 16384 }, (p) => model.prefillBatchSeconds(p));
const batched = buildBatchService(grid, { maxBatch: 64, tokenBudget: 16384 }, (p) => model.prefillBatchSeconds(p));
const meanSingle = single.meanSeconds(1);
console.log(`E[S_1] = ${(meanSingle * 1000).toFixed(2)} ms; 200,000 conversations per run, seed 1`);
for (const load of [0.8, 0.9, 0.95]) {
  const rate = load / meanSingle;
  const mix = {
    id: 'bench', name: 'bench', description: 'bench', sources: {},
    classes: [{ id: 'c', description: 'c', arrivalRatePerSecond: rate, arrival: { kind: 'poisson' as const }, turns: { kind: 'fixed' as const, value: 1 }, firstInputTokens: input, appendedInputTokens: { kind: 'fixed' as const, value: 1 }, outputTokens: { kind: 'fixed' as const, value: 1 }, toolLatencySeconds: { kind: 'fixed' as const, value: 0 }, userVisibleTurns: 'last' as const, sources: {} }],
  };
  const run = (maxBatch: number): number =>
    simulateConversations(fleet, generateConversations(mix, { seed: 1, maxConversations: 200_000 }), () => model, { policy: 'conserve', seed: 1, prefillMaxBatch: maxBatch }).ttfet_s.mean;
  const kernel1 = run(1);
  const kernel64 = run(64);
  const m1 = analyseBatchQueue(rate, single);
  const m64 = analyseBatchQueue(rate, batched);
  const sojourn = (f: typeof m1): string => (f.stable ? `${((f.meanWaitSeconds + f.meanOwnIterationSeconds) * 1000).toFixed(1)} ms` : 'unstable');
  console.log(`λ·E[S_1] = ${load}: kernel mean TTFT batch 1 ${(kernel1 * 1000).toFixed(1)} ms, batching ${(kernel64 * 1000).toFixed(1)} ms (${((kernel64 / kernel1 - 1) * 100).toFixed(1)}%); model batch 1 ${sojourn(m1)}, batching ${sojourn(m64)} (mean batch ${m64.meanBatch.toFixed(2)})`);
}
