import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAccuracyArtifacts, type AccuracyArtifacts } from '../../bench/accuracy-build.js';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { readAccuracyRowTerms } from '../../models/serving/accuracy-rows.js';
import { calibrationDocument, type ServingCalibration } from '../../models/serving/calibration-file.js';
import { heldOutScopes } from '../../models/serving/holdout.js';
import type { MeasuredRun } from '../../models/serving/runs.js';
import { benchmarkMeasuredRun, disaggRunCommand, measuredRunCommand, measuredRunTerms } from '../../planner/benchmark/index.js';
import { denseDisaggRows } from '../../bench/disagg-accuracy-build.js';
import { heldOutDisaggCalibration } from '../../planner/benchmark/disagg-accuracy.js';
import { sharedData } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

// docs/accuracy.md, docs/accuracy-rows.csv and the built-in calibration cannot drift from the code. Regenerating
// every run's kernel benchmark takes about a minute, so the test refits everything from the terms stored in the rows
// file (seconds), and re-runs the kernel benchmarks of a stratified subset to check those terms and the published
// predictions. On failure: npm run accuracy, and review the diff.
const catalog = loadBuiltinCatalog();
const rowsText = readFileSync(join(repoRoot, 'docs', 'accuracy-rows.csv'), 'utf8');
const storedTerms = readAccuracyRowTerms(rowsText);
const storedLine = new Map(rowsText.trimEnd().split('\n').slice(1).map((l) => [Number(l.split(',')[0]), l.split(',')]));
const header = rowsText.split('\n')[0].split(',');
const cell = (run: MeasuredRun, column: string) => (storedLine.get(run.line) as string[])[header.indexOf(column)];

let built: AccuracyArtifacts | undefined;
function artifacts(): AccuracyArtifacts {
  built ??= buildAccuracyArtifacts(repoRoot, (run) => {
    const t = storedTerms.get(run.line);
    if (!t) throw new Error(`run at line ${run.line} is scored by the code but missing from docs/accuracy-rows.csv: npm run accuracy`);
    return t;
  });
  return built;
}

/** One run per backend × GPU × LLM × precision group, the middle one of the group (deterministic). */
function stratifiedSubset(runs: readonly MeasuredRun[]): MeasuredRun[] {
  const groups = new Map<string, MeasuredRun[]>();
  for (const r of runs) groups.set(`${r.backend}|${r.gpu}|${r.llm}|${r.precision}`, [...(groups.get(`${r.backend}|${r.gpu}|${r.llm}|${r.precision}`) ?? []), r]);
  return [...groups.values()].map((g) => g[Math.floor(g.length / 2)]);
}

function heldOutCalibration(a: AccuracyArtifacts, llm: string): ServingCalibration {
  return { ...a.result.calibration, scopes: heldOutScopes(a.result.calibrationRows, 'lomo', llm) };
}

describe('docs/accuracy.md', () => {
  it('is what npm run accuracy generates from the staged silicon runs (refitted from the stored terms)', () => {
    const a = artifacts();
    expect(readFileSync(join(repoRoot, 'docs', 'accuracy.md'), 'utf8')).toBe(a.doc);
    expect(rowsText).toBe(a.rows);
    expect(readFileSync(join(repoRoot, 'catalogs', 'coefficients', 'serving-calibration.json'), 'utf8')).toBe(a.calibration);
  }, 120_000);

  it('stores the terms the kernel benchmark charges and the predictions it prints with each held-out calibration (stratified subset)', () => {
    const a = artifacts();
    const subset = stratifiedSubset(a.result.calibrationRows.map((r) => r.run));
    expect(subset.length).toBeGreaterThanOrEqual(10);
    const termsOf = measuredRunTerms(catalog);
    for (const run of subset) {
      const fresh = termsOf(run);
      const stored = storedTerms.get(run.line)!;
      for (const [x, y] of [[fresh.ttft, stored.ttft], [fresh.tpot, stored.tpot]]) x.forEach((v, j) => expect(Math.abs(v - y[j])).toBeLessThanOrEqual(1e-12 * Math.abs(y[j]) + 1e-18));
      // The published leave-one-model-out prediction is what the benchmark prints with that held-out calibration.
      const { result } = benchmarkMeasuredRun(run, catalog, heldOutCalibration(a, run.llm));
      expect(result.ttft_ms.mean.toPrecision(6)).toBe(cell(run, 'lomo_ttft_ms'));
      expect(result.tpot_ms.mean.toPrecision(6)).toBe(cell(run, 'lomo_tpot_ms'));
    }
  }, 120_000);

  it('fleetplan benchmark --calibration <held-out file> prints a row\'s published prediction', async () => {
    const a = artifacts();
    const run = a.result.calibrationRows.map((r) => r.run).find((r) => r.backend === 'vllm' && r.llm === 'qwen3-32b' && r.concurrency >= 16)!;
    const file = join(scratchDir(), 'held-out-qwen3-32b.json');
    writeFileSync(file, `${JSON.stringify(calibrationDocument(heldOutCalibration(a, run.llm)), null, 2)}\n`);
    const argv = measuredRunCommand(run, file).split(' ').slice(1);
    const r = await runCli([...argv, '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
    expect(out.ttft_ms.mean.toPrecision(6)).toBe(cell(run, 'lomo_ttft_ms'));
    expect(out.tpot_ms.mean.toPrecision(6)).toBe(cell(run, 'lomo_tpot_ms'));
  }, 120_000);

  it('fleetplan benchmark --mode disagg --calibration <held-out file> prints a dense disagg row\'s published prediction', async () => {
    const a = artifacts();
    const { runs } = denseDisaggRows(readFileSync(join(sharedData, 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv'), 'utf8'), catalog);
    const run = runs.find((r) => r.run.backend === 'vllm')!;
    const file = join(scratchDir(), 'held-out-disagg-qwen3-32b.json');
    writeFileSync(file, `${JSON.stringify(calibrationDocument(heldOutDisaggCalibration(a.result.calibration, a.result.calibrationRows, 'lomo', run.run.llm)), null, 2)}\n`);
    const r = await runCli([...disaggRunCommand(run, file).split(' ').slice(1), '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
    // The doc's per-run table: | line | backend | GPU | precision | xPyD | concurrency | ISL/OSL | measured TTFT | TTFT lomo | TTFT logo | measured TPOT | TPOT lomo | TPOT logo |
    const row = a.doc.split('\n').find((l) => l.startsWith(`| ${run.run.line} | vllm |`))!.split('|').map((c) => c.trim());
    expect(out.ttft_ms.mean.toPrecision(4)).toBe(row[9]);
    expect(out.tpot_ms.mean.toPrecision(4)).toBe(row[12]);
  }, 120_000);
});
