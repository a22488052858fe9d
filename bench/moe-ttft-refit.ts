/**
 * Experiment (issue #12): refits the MoE agg rows leave-one-architecture-out from their stored term vectors
 * (docs/accuracy-moe-rows.json, docs/accuracy-rows.csv) under TTFT-side variants, without re-running a benchmark: with
 * a fixed request count the schedule does not depend on the coefficients, so the fit is linear in the stored terms
 * (the baseline reproduces the published figures). Variants: the per-request overhead counted per layer of the LLM (a
 * prompt step runs outside the CUDA graphs, launching every layer's kernels from the host), that per-layer cost beside
 * the constant overhead, and a multiplier on the prompts' kernel-table seconds fitted on TTFT.
 * Run: npx tsx bench/moe-ttft-refit.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { moeHeldOutScopes, moeHoldOutPredictions, architectureGroups } from '../models/serving/moe-holdout.js';
import { REQUEST_OVERHEAD_TERM, type CalibrationRow, type ServingFitOptions } from '../models/serving/fit.js';
import type { MeasuredRun } from '../models/serving/runs.js';
import { denseRowsOf, DENSE_ROWS_FILE, MOE_ROWS_FILE } from './moe-accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as { rows: Record<string, any>[] };
const catalog = loadBuiltinCatalog();
const layersOf = (llm: string) => catalog.llms.get(llm)!.layers;
const dense = denseRowsOf(readFileSync(resolve(root, DENSE_ROWS_FILE), 'utf8')).map((d) => ({ ...d, layers: layersOf(d.run.llm) }));
const moe: CalibrationRow[] = stored.rows.map((r) => ({
  run: { source: MOE_ROWS_FILE, line: r.line, backend: r.backend, gpu: r.gpu, llm: r.llm, modelName: r.llm, precision: r.precision, mode: 'agg', tp: r.tp, concurrency: r.concurrency, inputTokens: r.isl, outputTokens: r.osl, ttftSeconds: r.measured_ttft_ms / 1e3, tpotSeconds: r.measured_tpot_ms / 1e3 } as MeasuredRun,
  terms: { ttft: r.ttft_terms, tpot: r.tpot_terms }, fixedSeconds: { ttft: r.ttft_kernel_tables_s, tpot: r.tpot_kernel_tables_s }, layers: layersOf(r.llm),
}));
const groups = architectureGroups([...new Set(moe.map((r) => r.run.llm))].sort().map((id) => catalog.llms.get(id)!));
const median = (a: readonly number[]) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The request overhead's unit scaled by a count of the run's LLM (1: as published). */
const counted = (rows: readonly CalibrationRow[], count: (layers: number) => number) => rows.map((r) => ({ ...r, terms: { ...r.terms, ttft: r.terms.ttft.map((v, j) => (j === REQUEST_OVERHEAD_TERM ? v * count(r.layers ?? 0) : v)) } }));

function report(name: string, denseRows: readonly CalibrationRow[], moeRows: readonly CalibrationRow[], options: ServingFitOptions = {}) {
  const p = moeHoldOutPredictions(denseRows, moeRows, groups, options);
  const ttft = p.map((x) => Math.abs(x.ttftSeconds / x.row.run.ttftSeconds - 1));
  const tpot = p.map((x) => Math.abs(x.tpotSeconds / x.row.run.tpotSeconds - 1));
  const by = [...new Set(p.map((x) => x.heldOut))].sort().map((h) => `${h} ${pct(median(p.filter((x) => x.heldOut === h).map((x) => Math.abs(x.ttftSeconds / x.row.run.ttftSeconds - 1))))}`);
  console.log(`${name}: TTFT ${pct(median(ttft))} (${ttft.filter((e) => e > 0.3).length} of ${ttft.length} above 30%), TPOT ${pct(median(tpot))}; ${by.join(', ')}`);
  if (options.requestCostPerLayer || options.fitKernelTables) {
    for (const held of [...new Set(groups.values())].sort()) {
      const scopes = moeHeldOutScopes(denseRows, moeRows, groups, held, options).filter((s) => s.scope.split('/').length <= 2);
      console.log(`  without ${held}: ${scopes.map((s) => `${s.scope} ${s.ttft[REQUEST_OVERHEAD_TERM].toFixed(1)} ms + ${options.requestCostPerLayer ? `${(s.perLayerMs ?? 0).toFixed(3)} ms/layer` : `tables × ${(s.kernelTables ?? 1).toFixed(2)}`}`).join('; ')}`);
    }
  }
}

report('published (one overhead per request)', dense, moe);
report('overhead per layer (ms per layer, no constant)', counted(dense, (l) => l), counted(moe, (l) => l));
report('overhead per sqrt(layers) (a shape, no mechanism)', counted(dense, Math.sqrt), counted(moe, Math.sqrt));
report('constant overhead + fitted ms per layer', dense, moe, { requestCostPerLayer: true });
report('prompt kernel-table seconds × a TTFT-fitted multiplier', dense, moe, { fitKernelTables: true });
