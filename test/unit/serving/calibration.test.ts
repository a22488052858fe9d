import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, packageVersion } from '../../../catalogs/index.js';
import { fitServingScopes, predictRun, type CalibrationRow } from '../../../models/serving/fit.js';
import { holdOutPredictions } from '../../../models/serving/holdout.js';
import type { MeasuredRun } from '../../../models/serving/runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS } from '../../../models/serving/step-terms.js';
import { measuredRunTerms } from '../../../planner/benchmark/index.js';
import { runCli } from '../../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../../helpers/paths.js';

const catalog = loadBuiltinCatalog();
const termsOf = measuredRunTerms(catalog);

function syntheticRows(truth: readonly number[]): CalibrationRow[] {
  const rows: CalibrationRow[] = [];
  for (const [gpu, llm, tp] of [['h100-sxm', 'qwen3-32b', 2], ['h100-sxm', 'llama-3.1-8b', 1], ['b200', 'llama-3.1-70b', 4], ['b200', 'qwen3-32b', 1]] as const) {
    for (const c of [4, 16, 48]) for (const isl of [1024, 4096]) {
      const dot = (v: readonly number[]) => v.reduce((s, x, j) => s + x * truth[j], 0);
      const shape = { source: 's', line: 1, backend: 'vllm', gpu, llm, modelName: llm, precision: 'bf16', mode: 'agg', tp, concurrency: c, inputTokens: isl, outputTokens: 128 } as const;
      const kernel = termsOf({ ...shape, ttftSeconds: 1, tpotSeconds: 1 });
      // As calibrationRows builds a row: the kernel's terms, plus one request's overhead unit in TTFT.
      const terms = { ttft: kernel.ttft.map((v, j) => v + (j === kernel.ttft.length - 1 ? REQUEST_OVERHEAD_UNIT_SECONDS : 0)), tpot: [...kernel.tpot] };
      const run: MeasuredRun = { ...shape, ttftSeconds: dot(terms.ttft), tpotSeconds: dot(terms.tpot) };
      rows.push({ run, terms });
    }
  }
  return rows;
}

describe('fit and hold-out', () => {
  const truth = [0.8, 1.3, 4, 0.5, 20, 0.4, 40, 30];

  it('recovers runs generated from known coefficients (step set from TPOT, request overhead from TTFT), in and out of sample', () => {
    const rows = syntheticRows(truth);
    const scopes = fitServingScopes(rows);
    for (const r of rows) {
      expect(Math.abs(predictRun(scopes, r).tpotSeconds / r.run.tpotSeconds - 1)).toBeLessThan(0.02);
      expect(Math.abs(predictRun(scopes, r).ttftSeconds / r.run.ttftSeconds - 1)).toBeLessThan(0.05);
    }
    for (const p of holdOutPredictions(rows, 'logo')) expect(Math.abs(p.tpotSeconds / p.row.run.tpotSeconds - 1)).toBeLessThan(0.05);
  });

  it('fits coefficients × terms + a row\'s fixed seconds (MoE kernel-table work charged as measured), never scaling the fixed part', () => {
    // Rows whose measured means include fixed seconds the coefficients must not absorb: the fit recovers the truth
    // only if it subtracts them; ignoring them (the same rows without fixedSeconds) inflates the coefficients.
    const plain = syntheticRows(truth);
    const withFixed = plain.map((r, i) => {
      const fixed = { ttft: (0.2 + (i % 5) * 0.1) * r.run.ttftSeconds, tpot: (0.1 + (i % 3) * 0.15) * r.run.tpotSeconds };
      return { ...r, run: { ...r.run, ttftSeconds: r.run.ttftSeconds + fixed.ttft, tpotSeconds: r.run.tpotSeconds + fixed.tpot }, fixedSeconds: fixed };
    });
    const scopes = fitServingScopes(withFixed);
    const root = scopes.find((s) => s.scope === '*')!;
    for (const r of withFixed) {
      const p = predictRun(scopes, r);
      expect(Math.abs(p.tpotSeconds / r.run.tpotSeconds - 1)).toBeLessThan(0.02);
      expect(Math.abs(p.ttftSeconds / r.run.ttftSeconds - 1)).toBeLessThan(0.05);
    }
    // The step coefficients are the truth's, not the truth's inflated by the fixed share.
    const unaware = fitServingScopes(withFixed.map(({ fixedSeconds: _f, ...r }) => r)).find((s) => s.scope === '*')!;
    const dot = (c: readonly number[], t: readonly number[]) => t.reduce((a, v, j) => a + v * c[j], 0);
    const r0 = withFixed[0];
    expect(Math.abs(dot(root.tpot, r0.terms.tpot) / dot(truth, r0.terms.tpot) - 1)).toBeLessThan(0.02);
    expect(dot(unaware.tpot, r0.terms.tpot) / dot(truth, r0.terms.tpot)).toBeGreaterThan(1.05);
  });

  it('never predicts a row with coefficients fitted on it: corrupting a held-out GPU\'s rows cannot change its predictions', () => {
    const rows = syntheticRows(truth);
    const corrupt = rows.map((r) => (r.run.gpu === 'b200' ? { ...r, run: { ...r.run, tpotSeconds: r.run.tpotSeconds * 3, ttftSeconds: r.run.ttftSeconds * 3 } } : r));
    const clean = holdOutPredictions(rows, 'logo').filter((p) => p.heldOut === 'b200');
    const dirty = holdOutPredictions(corrupt, 'logo').filter((p) => p.heldOut === 'b200');
    expect(dirty.map((p) => p.tpotSeconds)).toEqual(clean.map((p) => p.tpotSeconds));
    const corruptModel = rows.map((r) => (r.run.llm === 'llama-3.1-8b' ? { ...r, run: { ...r.run, tpotSeconds: r.run.tpotSeconds / 4 } } : r));
    const lomoClean = holdOutPredictions(rows, 'lomo').filter((p) => p.heldOut === 'llama-3.1-8b');
    const lomoDirty = holdOutPredictions(corruptModel, 'lomo').filter((p) => p.heldOut === 'llama-3.1-8b');
    expect(lomoDirty.map((p) => p.tpotSeconds)).toEqual(lomoClean.map((p) => p.tpotSeconds));
  });
});

describe('calibration file round trip (CLI)', () => {
  const staged = join(repoRoot, 'catalogs', 'coefficients', 'serving-calibration.json');

  it('predict --calibration applies it, names it in the source and records it in the JSON inputs', async () => {
    const r = await runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'qwen3-32b', '--tp', '2', '--batch', '16', '--input-tokens', '1024', '--output-tokens', '128', '--calibration', staged, '--backend', 'vllm', '--json']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as { source: string; tpot_s: number; inputs: { calibration: { sha256: string } } };
    expect(out.source).toMatch(/serving calibration .*scope vllm\/h100-sxm\/bf16/);
    expect(out.inputs.calibration.sha256).toMatch(/^[0-9a-f]{64}$/);
    const plain = JSON.parse((await runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'qwen3-32b', '--tp', '2', '--batch', '16', '--input-tokens', '1024', '--output-tokens', '128', '--json'])).stdout) as { tpot_s: number };
    expect(out.tpot_s).not.toBe(plain.tpot_s);
  });

  it('simulate --calibration builtin records the calibration in its inputs and changes the input hash', async () => {
    const argv = ['simulate', '--fleet', join(repoRoot, 'examples', 'fleets', 'paper-a40.yaml'), '--mix', 'coding-agent', '--duration-s', '30', '--json'];
    const plain = JSON.parse((await runCli(argv)).stdout) as { inputs: { catalog_hash: string; calibration?: unknown } };
    const calibrated = JSON.parse((await runCli([...argv, '--calibration', 'builtin', '--backend', 'sglang'])).stdout) as { inputs: { catalog_hash: string; calibration: { file: string; sha256: string } } };
    expect(plain.inputs.calibration).toBeUndefined();
    expect(calibrated.inputs.calibration.file).toBe('builtin');
    expect(calibrated.inputs.catalog_hash).not.toBe(plain.inputs.catalog_hash);
  }, 120_000);

  it('refuses a calibration from another fleetplan version or for a GPU the catalog lacks, one line each, exit 2', async () => {
    const dir = scratchDir();
    const doc = JSON.parse(readFileSync(staged, 'utf8')) as { fleetplan_version: string; scopes: Array<{ scope: string }> };
    doc.fleetplan_version = '0.0.1';
    doc.scopes[1].scope = 'vllm/tpu-v7';
    const file = join(dir, 'old.json');
    writeFileSync(file, JSON.stringify(doc));
    const r = await runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'qwen3-32b', '--input-tokens', '128', '--calibration', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      `fleetplan: ${file}: fleetplan_version: found "0.0.1", expected "${packageVersion()}" (a calibration is only valid for the fleetplan that fitted it: re-run fleetplan calibrate)`,
      `fleetplan: ${file}: scopes[1].scope: found "vllm/tpu-v7", expected a GPU the catalog has (tpu-v7 is not; add it with --catalog FILE)`,
    ]);
  });

  it('calibrate writes nothing when an input is bad', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'bad.csv'), 'backend,model_path,system,precision,mode,isl,osl,batch_size,tp_size,silicon_ttft_ms,silicon_tpot_ms\nvllm,Qwen/Qwen3-32B,h100_sxm,,agg,1024,128,0,2,100,10\n');
    const r = await runCli(['calibrate', 'bad.csv', '--out', 'cal.json'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('fleetplan: bad.csv:2: batch_size: found 0, expected a whole number ≥ 1\n');
    expect(() => readFileSync(join(dir, 'cal.json'))).toThrow();
  });
});
