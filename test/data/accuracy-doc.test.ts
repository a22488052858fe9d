import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAccuracyArtifacts, type AccuracyArtifacts } from '../../bench/accuracy-build.js';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { readAccuracyFolds } from '../../models/serving/accuracy-folds.js';
import { readAccuracyRowTerms, type StoredTerms } from '../../models/serving/accuracy-rows.js';
import { calibrationDocument, type ServingCalibration } from '../../models/serving/calibration-file.js';
import { fitServingScopes } from '../../models/serving/fit.js';
import { predictionChange } from '../../models/serving/fixed-point-fit.js';
import type { MeasuredRun } from '../../models/serving/runs.js';
import { disaggRunCommand, measuredRunCommand, measuredRunTerms } from '../../planner/benchmark/index.js';
import { denseDisaggRows } from '../../bench/disagg-accuracy-build.js';
import { heldOutDisaggCalibration } from '../../planner/benchmark/disagg-accuracy.js';
import { sharedData } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

// docs/accuracy.md, docs/accuracy-rows.csv, docs/accuracy-folds.json and the built-in calibration cannot drift from
// the code. Regenerating them runs every fixed-point fit through the kernel benchmarks (minutes), so the test
// re-renders everything from the stored fits and terms, checks that the calibration fitted on every run is a fixed
// point of its stored terms, and re-runs the kernel benchmarks of a stratified subset to check the stored terms and
// the published predictions. On failure: npm run accuracy, and review the diff.
const catalog = loadBuiltinCatalog();
const rowsText = readFileSync(join(repoRoot, 'docs', 'accuracy-rows.csv'), 'utf8');
const foldsText = readFileSync(join(repoRoot, 'docs', 'accuracy-folds.json'), 'utf8');
const storedTerms = readAccuracyRowTerms(rowsText);
const folds = readAccuracyFolds(foldsText);
const storedLine = new Map(rowsText.trimEnd().split('\n').slice(1).map((l) => [Number(l.split(',')[0]), l.split(',')]));
const header = rowsText.split('\n')[0].split(',');
const cell = (run: MeasuredRun, column: string) => (storedLine.get(run.line) as string[])[header.indexOf(column)];

let built: AccuracyArtifacts | undefined;
function artifacts(): AccuracyArtifacts {
  built ??= buildAccuracyArtifacts(repoRoot, { rowsText, foldsText });
  return built;
}

/** One run per backend × GPU × LLM × precision group, the middle one of the group (deterministic). */
function stratifiedSubset(runs: readonly MeasuredRun[]): MeasuredRun[] {
  const groups = new Map<string, MeasuredRun[]>();
  for (const r of runs) groups.set(`${r.backend}|${r.gpu}|${r.llm}|${r.precision}`, [...(groups.get(`${r.backend}|${r.gpu}|${r.llm}|${r.precision}`) ?? []), r]);
  return [...groups.values()].map((g) => g[Math.floor(g.length / 2)]);
}

function heldOutCalibration(a: AccuracyArtifacts, llm: string): ServingCalibration {
  const fold = folds.folds.lomo.find((f) => f.heldOut === llm)!;
  return { ...a.result.calibration, scopes: fold.fit.scopes, clientGapSeconds: fold.fit.clientGapSeconds };
}

function expectSameTerms(fresh: { ttft: readonly number[]; tpot: readonly number[] }, stored: StoredTerms): void {
  for (const [x, y] of [[fresh.ttft, stored.ttft], [fresh.tpot, stored.tpot]]) x.forEach((v, j) => expect(Math.abs(v - y[j])).toBeLessThanOrEqual(1e-12 * Math.abs(y[j]) + 1e-18));
}

describe('docs/accuracy.md', () => {
  it('is what npm run accuracy generates from the staged silicon runs (re-rendered from the stored fits and terms)', () => {
    const a = artifacts();
    expect(readFileSync(join(repoRoot, 'docs', 'accuracy.md'), 'utf8')).toBe(a.doc);
    expect(rowsText).toBe(a.rows);
    expect(foldsText).toBe(a.folds);
    expect(readFileSync(join(repoRoot, 'catalogs', 'coefficients', 'serving-calibration.json'), 'utf8')).toBe(a.calibration);
  }, 120_000);

  it('ships a fixed point: refitting on the terms its own benchmarks charged moves no prediction by more than the residual it reports', () => {
    const a = artifacts();
    const refit = fitServingScopes(a.result.calibrationRows);
    const change = predictionChange(a.result.calibrationRows, refit, folds.all.scopes);
    expect(change).toBeCloseTo(folds.all.residual, 9);
    expect(folds.all.rounds).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('stores the terms the kernel benchmark charges and the predictions it prints with each held-out calibration (stratified subset)', () => {
    const a = artifacts();
    const subset = stratifiedSubset(a.result.calibrationRows.map((r) => r.run));
    expect(subset.length).toBeGreaterThanOrEqual(10);
    const termsOf = measuredRunTerms(catalog);
    for (const run of subset) {
      const stored = storedTerms.get(run.line)!;
      // With the calibration fitted on every run: the terms the rows file stores for it.
      expectSameTerms(termsOf(run, folds.all), stored.all);
      // With its leave-one-model-out calibration: the held-out terms, and the published prediction.
      const fold = folds.folds.lomo.find((f) => f.heldOut === run.llm)!;
      const fresh = termsOf(run, fold.fit);
      expectSameTerms(fresh, stored.lomo!);
      expect(String(fresh.printed!.ttftMs)).toBe(cell(run, 'lomo_ttft_ms'));
      expect(String(fresh.printed!.tpotMs)).toBe(cell(run, 'lomo_tpot_ms'));
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
    expect(String(out.ttft_ms.mean)).toBe(cell(run, 'lomo_ttft_ms'));
    expect(String(out.tpot_ms.mean)).toBe(cell(run, 'lomo_tpot_ms'));
  }, 120_000);

  it('fleetplan benchmark --mode disagg --calibration <held-out file> prints a dense disagg row\'s published prediction', async () => {
    const a = artifacts();
    const { runs } = denseDisaggRows(readFileSync(join(sharedData, 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv'), 'utf8'), catalog);
    const run = runs.find((r) => r.run.backend === 'vllm')!;
    const file = join(scratchDir(), 'held-out-disagg-qwen3-32b.json');
    writeFileSync(file, `${JSON.stringify(calibrationDocument(heldOutDisaggCalibration(a.result.calibration, a.result.calibrationRows, 'lomo', run.run.llm, a.result.fixedPoint.folds.lomo)), null, 2)}\n`);
    const r = await runCli([...disaggRunCommand(run, file).split(' ').slice(1), '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { ttft_ms: { mean: number }; tpot_ms: { mean: number } };
    // The doc's per-run table: | line | backend | GPU | precision | xPyD | concurrency | ISL/OSL | measured TTFT | TTFT lomo | TTFT logo | measured TPOT | TPOT lomo | TPOT logo |
    const row = a.doc.split('\n').find((l) => l.startsWith(`| ${run.run.line} | vllm |`))!.split('|').map((c) => c.trim());
    expect(out.ttft_ms.mean.toPrecision(4)).toBe(row[9]);
    expect(out.tpot_ms.mean.toPrecision(4)).toBe(row[12]);
  }, 120_000);
});
