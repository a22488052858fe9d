/**
 * The builtin calibration's figures on the MoE disagg rows, a self-contained part of docs/accuracy.md's MoE disagg
 * section: each xPyD run benchmarked through `--calibration builtin` (the shipped scopes, fitted on the dense agg runs
 * alone; stored as dense_fit_* by bench/moe-accuracy.ts, one kernel run per row), beside the held-out calibration's and
 * the uncalibrated model's figures on the same runs. Pure: renders the stored rows.
 */
import { renderGroupTable } from '../serving/accuracy-doc.js';
import { pct, signedWhole as signed } from '../serving/doc-format.js';
import { groupErrors, overallErrors, type HeldOutPrediction } from '../serving/holdout.js';
import { asHeldOut, moeDisaggRunCommand, type MoeRowPrediction } from './serving-accuracy.js';

const summaryRow = (label: string, ps: readonly HeldOutPrediction[]) => {
  const o = overallErrors(ps);
  return `| ${label} | ${o.tpot.n} | ${pct(o.ttft.medianAbs)} | ${pct(o.ttft.p90Abs)} | ${signed(o.ttft.signedMedian)} | ${pct(o.tpot.medianAbs)} | ${pct(o.tpot.p90Abs)} | ${signed(o.tpot.signedMedian)} |\n`;
};

/** The paragraph, the three-way summary and the builtin calibration's per-group table (rows: the stored disagg rows). */
export function renderBuiltinDisagg(rows: readonly MoeRowPrediction[], example: MoeRowPrediction): string {
  const missing = rows.filter((r) => r.dense_fit_ttft_ms === undefined || r.dense_fit_tpot_ms === undefined);
  if (missing.length > 0) throw new Error(`${missing.length} disagg rows have no builtin-calibration figures (dense_fit_*): npx tsx bench/moe-accuracy.ts`);
  const builtin = asHeldOut(rows, 'dense-fit');
  let md = '**Builtin calibration** (`--calibration builtin`, catalogs/coefficients/serving-calibration.json): the same runs, each benchmarked through the kernel with the calibration fleetplan ships — scopes fitted on the dense agg runs alone, so no MoE run, agg or disagg, is in its fit — as `';
  md += moeDisaggRunCommand(example, 'builtin');
  md += '` prints (test/data/accuracy-moe.test.ts runs that command). Each calibration is its own kernel run: which requests share an iteration of a disagg set depends on the coefficients, so these figures are not the held-out ones rescaled. A different fit from the held-out calibration above (which adds the other MoE architectures\' agg runs), scored on the same runs; neither stands in for the other.\n\n';
  md += '| calibration (coefficients fitted on) | runs | TTFT median abs | TTFT p90 abs | TTFT signed | TPOT median abs | TPOT p90 abs | TPOT signed |\n|---|---:|---:|---:|---:|---:|---:|---:|\n';
  md += summaryRow('held-out (leave-one-model-out): the dense runs + the other MoE architectures\' agg runs', asHeldOut(rows));
  md += summaryRow('builtin: the dense agg runs only', builtin);
  md += summaryRow('none (uncalibrated kernel-table model)', asHeldOut(rows, 'uncalibrated'));
  md += '\nBuiltin calibration, per group:\n\n';
  return md + renderGroupTable(groupErrors(builtin));
}
