import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counted, moeAccuracyInputs, moeHeldOutDisaggRows, moeHeldOutRows, MOE_ROWS_FILE } from '../../bench/moe-accuracy-build.js';
import { writeFileSync } from 'node:fs';
import { moeDisaggExampleRow } from '../../models/moe/disagg-accuracy-section.js';
import { benchmarkSpecOf, moeDisaggRunCommand } from '../../models/moe/serving-accuracy.js';
import { MEASURED_RUN_REQUESTS_PER_CLIENT } from '../../models/serving/backend-policy.js';
import { calibrationDocument } from '../../models/serving/calibration-file.js';
import { loadCalibrationFile } from '../../planner/cli/calibration.js';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';
import type { StoredMoeAccuracy } from '../../models/moe/accuracy-section.js';
import { benchmarkMoeRunWith } from '../../models/moe/serving-accuracy.js';
import { fitServingScopes, REQUEST_OVERHEAD_TERM, scopeFor, type CalibrationRow } from '../../models/serving/fit.js';
import { moeHeldOutScopes } from '../../models/serving/moe-holdout.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS } from '../../models/serving/step-terms.js';
import { repoRoot } from '../helpers/paths.js';

// docs/accuracy.md's MoE section is rendered from stored per-run figures (benchmarking all ~800 runs takes about a
// minute): this test checks the stored set is exactly the expressible runs of the staged file, re-benchmarks every
// 40th agg run (its step terms must match), refits every held-out prediction from the stored terms and the dense rows
// (docs/accuracy-rows.csv), and runs a few benchmarks at the held-out coefficients, which must print the stored
// prediction. On failure: npx tsx bench/moe-accuracy.ts && npm run accuracy, and review the diff.
describe('docs/accuracy-moe-rows.json', () => {
  const stored = JSON.parse(readFileSync(join(repoRoot, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;
  const inputs = moeAccuracyInputs(repoRoot);
  const storedRows: CalibrationRow[] = inputs.runs.map((r, i) => ({
    run: r.run, terms: { ttft: [...stored.rows[i].ttft_terms!], tpot: [...stored.rows[i].tpot_terms!] },
    fixedSeconds: { ttft: stored.rows[i].ttft_kernel_tables_s!, tpot: stored.rows[i].tpot_kernel_tables_s! },
  }));

  it('covers exactly the expressible agg MoE runs of the staged silicon file, and counts the rest', () => {
    expect(stored.data_sha256).toBe(inputs.sha256);
    expect(stored.rows.map((r) => r.id)).toEqual(inputs.runs.map((r) => r.id));
    expect(stored.unexpressible).toEqual(counted(inputs.unexpressible));
    expect(stored.disagg_rows.map((r) => r.id)).toEqual(inputs.disaggRuns.map((r) => r.id));
    expect(stored.disagg_unexpressible).toEqual(counted(inputs.disaggUnexpressible));
  });

  it('reproduces the stored step terms of a deterministic subset through runServingBenchmark', () => {
    for (let i = 0; i < inputs.runs.length; i += 40) {
      const again = inputs.termsOf(inputs.runs[i]);
      expect(again.terms).toEqual(storedRows[i].terms);
      expect(again.fixedSeconds).toEqual(storedRows[i].fixedSeconds);
      const plain = inputs.predictUncalibrated(inputs.runs[i]);
      expect([plain.predicted_ttft_ms, plain.predicted_tpot_ms]).toEqual([stored.rows[i].uncalibrated_ttft_ms, stored.rows[i].uncalibrated_tpot_ms]);
    }
    // Disagg rows: every 8th re-benchmarked through its architecture's held-out calibration and uncalibrated.
    const picked = inputs.disaggRuns.map((_, i) => i).filter((i) => i % 8 === 0);
    expect(moeHeldOutDisaggRows({ ...inputs, disaggRuns: picked.map((i) => inputs.disaggRuns[i]) }, storedRows)).toEqual(picked.map((i) => stored.disagg_rows[i]));
  }, 120_000);

  it('refits every held-out prediction from the stored terms, never with its own architecture', () => {
    const plain = stored.rows.map((r) => ({ ...r, predicted_ttft_ms: r.uncalibrated_ttft_ms!, predicted_tpot_ms: r.uncalibrated_tpot_ms! }));
    // (the builtin calibration's predictions are recomputed here too: moeHeldOutRows takes its coefficients × the stored terms)
    expect(moeHeldOutRows(inputs.runs, inputs.dense, storedRows, inputs.groups, plain, inputs.builtin)).toEqual(stored.rows);
    expect(new Set(stored.rows.map((r) => r.held_out))).toEqual(new Set(['deepseek-r1+deepseek-v3', 'gpt-oss-120b', 'kimi-k2.5', 'minimax-m2.5', 'qwen3-235b-a22b', 'qwen3.5-397b-a17b']));
    for (const r of stored.rows) expect(r.held_out).toBe(inputs.groups.get(r.llm));
  }, 60_000);

  it('a benchmark at the held-out coefficients prints the stored prediction (the fit is linear in them)', () => {
    const picked = [...new Set(stored.rows.map((r) => r.held_out))].map((g) => stored.rows.findIndex((r) => r.held_out === g));
    for (const i of picked) {
      const run = inputs.runs[i];
      const scopes = moeHeldOutScopes(inputs.dense, storedRows, inputs.groups, stored.rows[i].held_out!);
      const scope = scopeFor(scopes, run.run);
      expect(scope.scope).toBe(stored.rows[i].scope);
      const out = benchmarkMoeRunWith(run, inputs.modelsWith(scope.tpot, run.run.backend), scope.ttft[REQUEST_OVERHEAD_TERM] * REQUEST_OVERHEAD_UNIT_SECONDS);
      expect(Math.abs(out.tpotMs / stored.rows[i].predicted_tpot_ms - 1)).toBeLessThan(1e-3);
      expect(Math.abs(out.ttftMs / stored.rows[i].predicted_ttft_ms - 1)).toBeLessThan(1e-3);
    }
  }, 60_000);

  it('disagg rows: predicted by the fold that holds their architecture out (fitted on agg runs only), as the CLI prints them', async () => {
    // Every DeepSeek xPyD run is predicted by the fold without DeepSeek-R1/V3, never by a fit that saw them.
    for (const r of stored.disagg_rows) {
      expect(r.held_out).toBe(inputs.groups.get(r.llm));
      expect(r.held_out).toBe('deepseek-r1+deepseek-v3');
    }
    const scopes = moeHeldOutScopes(inputs.dense, storedRows, inputs.groups, 'deepseek-r1+deepseek-v3');
    expect(storedRows.some((row) => inputs.groups.get(row.run.llm) === 'deepseek-r1+deepseek-v3')).toBe(true);
    // `fleetplan benchmark --mode disagg --calibration <that fold's scopes>` prints the stored row.
    const row = moeDisaggExampleRow(stored.disagg_rows);
    expect(scopeFor(scopes, { backend: row.backend as 'trtllm', gpu: row.gpu, precision: row.precision as 'fp4' }).scope).toBe(row.scope);
    const base = loadCalibrationFile('builtin', repoRoot, loadBuiltinCatalog()).calibration;
    const file = join(scratchDir(), 'held-out-deepseek.json');
    writeFileSync(file, `${JSON.stringify(calibrationDocument({ ...base, scopes, clientGapSeconds: 0 }), null, 2)}\n`);
    const r = await runCli([...moeDisaggRunCommand(row, file).split(' ').slice(1), '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
    expect(Number(out.ttft_ms.mean.toPrecision(4))).toBe(row.predicted_ttft_ms);
    expect(Number(out.tpot_ms.mean.toPrecision(4))).toBe(row.predicted_tpot_ms);
    // The calibration moves the figure off the uncalibrated model's (the fold's coefficients are applied).
    expect(row.predicted_tpot_ms).not.toBe(row.uncalibrated_tpot_ms);
  }, 120_000);

  it('the builtin calibration is the fit on the dense agg runs alone (no MoE run in it)', () => {
    const again = fitServingScopes([...inputs.dense]);
    expect(inputs.builtin.map((b) => [b.scope, b.runs])).toEqual(again.map((f) => [f.scope, f.runs]));
    expect(inputs.builtin.find((b) => b.scope === '*')!.runs).toBe(inputs.dense.length);
    // docs/accuracy-rows.csv keeps the measured means to 6 significant digits: the refit differs by ~1e-6 relative.
    inputs.builtin.forEach((b, i) => {
      for (const m of ['tpot', 'ttft'] as const) b[m].forEach((c, j) => expect(Math.abs(c - again[i][m][j])).toBeLessThanOrEqual(1e-5 * Math.max(Math.abs(c), 1e-9)));
    });
    const llms = loadBuiltinCatalog().llms;
    for (const row of inputs.dense) expect(llms.get(row.run.llm)!.moe).toBeUndefined();
  });

  it('agg rows: `fleetplan benchmark --calibration builtin` prints the stored builtin (dense_fit) figures', async () => {
    const smallest = (keep: (r: (typeof stored.rows)[number]) => boolean) => stored.rows.reduce((best, r, i) => (keep(r) && (best < 0 || r.concurrency < stored.rows[best].concurrency) ? i : best), -1);
    for (const i of [smallest((r) => r.backend === 'trtllm' && r.llm === 'deepseek-r1' && r.precision === 'fp4'), smallest((r) => r.backend === 'vllm' && r.llm === 'minimax-m2.5')]) {
      const run = inputs.runs[i];
      const limits = (benchmarkSpecOf(run) as { limits: { maxNumSeqs: number; maxNumBatchedTokens: number } }).limits;
      const r = await runCli(['benchmark', '--gpu', run.run.gpu, '--llm', run.run.llm, '--precision', run.run.precision, '--backend', run.run.backend, '--tp', String(run.run.tp), '--ep', String(run.ep),
        '--max-num-seqs', String(limits.maxNumSeqs), '--max-num-batched-tokens', String(limits.maxNumBatchedTokens), '--concurrency', String(run.run.concurrency),
        '--isl', String(run.run.inputTokens), '--osl', String(run.run.outputTokens), '--request-count', String(run.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT), '--calibration', 'builtin', '--json']);
      expect(r.stderr).toBe('');
      const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
      expect([Number(out.ttft_ms.mean.toPrecision(4)), Number(out.tpot_ms.mean.toPrecision(4))]).toEqual([stored.rows[i].dense_fit_ttft_ms, stored.rows[i].dense_fit_tpot_ms]);
    }
  }, 60_000);

  it('disagg rows: `fleetplan benchmark --mode disagg --calibration builtin` prints the stored builtin (dense_fit) figures', async () => {
    const row = moeDisaggExampleRow(stored.disagg_rows);
    const r = await runCli([...moeDisaggRunCommand(row, 'builtin').split(' ').slice(1), '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
    expect([Number(out.ttft_ms.mean.toPrecision(4)), Number(out.tpot_ms.mean.toPrecision(4))]).toEqual([row.dense_fit_ttft_ms, row.dense_fit_tpot_ms]);
    // Its own figures, not the held-out calibration's or the uncalibrated model's.
    expect(row.dense_fit_tpot_ms).not.toBe(row.predicted_tpot_ms);
    expect(row.dense_fit_tpot_ms).not.toBe(row.uncalibrated_tpot_ms);
  }, 60_000);
});
