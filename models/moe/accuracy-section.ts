/**
 * The MoE section of docs/accuracy.md, rendered from the stored per-run predictions (docs/accuracy-moe-rows.json,
 * written by bench/moe-accuracy.ts; test/data/accuracy-moe.test.ts re-benchmarks a deterministic subset and fails when
 * a stored figure drifts from the code). Group rows are rendered by the dense table's renderer.
 */
import { renderGroupTable } from '../serving/accuracy-doc.js';
import { groupErrors, overallErrors, type ErrorSummary } from '../serving/holdout.js';
import { asHeldOut, type MoeRowPrediction } from './serving-accuracy.js';

/** The MoE targets (median abs error, leave-one-model-out). */
export const MOE_ACCURACY_TARGETS = { ttft: 0.3, tpot: 0.2 } as const;

/** docs/accuracy-moe-rows.json. */
export interface StoredMoeAccuracy {
  readonly description: string;
  readonly command: string;
  readonly data_file: string;
  readonly data_sha256: string;
  readonly unexpressible: readonly { readonly reason: string; readonly count: number }[];
  readonly rows: readonly MoeRowPrediction[];
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const verdict = (s: ErrorSummary, target: number) => (s.medianAbs <= target ? 'yes' : '**no**');

export function renderMoeAccuracySection(stored: StoredMoeAccuracy): string {
  const predictions = asHeldOut(stored.rows);
  const o = overallErrors(predictions);
  const t = MOE_ACCURACY_TARGETS;
  let md = '## MoE models, agg mode, leave-one-model-out\n\n';
  md += `Every agg run of a mixture-of-experts model in the catalog (DeepSeek-R1/V3, Qwen3-235B-A22B, gpt-oss-120b; ${stored.rows.length} runs on H100 and B200) benchmarked with \`fleetplan benchmark\`'s own code path (\`runServingBenchmark\` on the kernel's engines: one agg instance at the run's layout, precision, concurrency, ISL and OSL; the backend's documented step budget and sequence cap from \`models/serving/backend-policy.ts\`; seed 1). `;
  md += 'The step model is models/moe/: routed experts, MLA attention and expert-parallel all-to-all from aiconfigurator\'s kernel tables (moe_perf, mla_*_module_perf, nccl; vLLM 0.19 kernels), the rest of the model from the dense roofline. **No coefficient is fitted to a serving run**, so each prediction is held out from its whole model (and from every other model): these are the leave-one-model-out figures. ';
  md += `Regenerate the stored per-run figures (\`docs/accuracy-moe-rows.json\`, about a minute): \`${stored.command}\`, then \`npm run accuracy\`.\n\n`;
  md += '| runs | TTFT median abs | TTFT p90 abs | TTFT target | TPOT median abs | TPOT p90 abs | TPOT target | met |\n|---:|---:|---:|---:|---:|---:|---:|---|\n';
  md += `| ${o.tpot.n} | ${pct(o.ttft.medianAbs)} | ${pct(o.ttft.p90Abs)} | ≤ ${pct(t.ttft)} | ${pct(o.tpot.medianAbs)} | ${pct(o.tpot.p90Abs)} | ≤ ${pct(t.tpot)} | TTFT ${verdict(o.ttft, t.ttft)}, TPOT ${verdict(o.tpot, t.tpot)} |\n\n`;
  md += renderGroupTable(groupErrors(predictions), t);
  md += 'Not scored (MoE agg runs of catalog models, counted by reason):\n\n';
  md += stored.unexpressible.length === 0 ? '- none\n' : stored.unexpressible.map((u) => `- ${u.count}: ${u.reason}`).join('\n') + '\n';
  md += '\n';
  return md;
}
