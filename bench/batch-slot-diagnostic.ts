/**
 * Diagnostic (issue #11): does one batch slot fewer than the clients reproduce a group's "completion wait"?
 * docs/accuracy.md's computed miss section finds that TensorRT-LLM H100 Llama-3.1-8B's measured TTFT exceeds the
 * prediction by a missing time that grows about one inter-completion interval (Δ = OSL × measured TPOT / C) per
 * interval across OSL, as if each request waited for one more completion. No documented engine or client setting does
 * that (the closing note of the 2026-12-07 17:36 session lists what was read). This runs a group's benchmarks twice
 * with the SAME coefficients, (a) as deployed (max batch = concurrency C) and (b) with max batch C − 1 — a persistent
 * one-deep queue — and prints, per variant, the signed and absolute TTFT error by OSL and concurrency band and the
 * slope the miss section uses: per TP × C × ISL cell, (missing at the highest OSL − missing at the lowest) / (Δ at the
 * highest − Δ at the lowest), median over cells.
 * The coefficients are the built-in calibration, fitted on every run including these: the output is a diagnostic of
 * SHAPE (does the OSL slope go away?), not a held-out accuracy figure. Nothing here changes a model.
 * Run: npx tsx bench/batch-slot-diagnostic.ts [backend llm precision]   (default: trtllm llama-3.1-8b bf16; H100 runs)
 * Controls worth running: `trtllm qwen3-32b fp8`, `vllm qwen3-32b bf16`.
 */
import { medianOf } from '../models/profile.js';
import { calibratedPerfModels, measuredRunOptions, measuredRunSpec } from '../planner/benchmark/measured-run.js';
import { runServingBenchmarkWithTerms } from '../planner/benchmark/run.js';
import { loadDenseAggInputs } from './dense-agg-inputs.js';

interface Row { tp: number; c: number; isl: number; osl: number; line: number; ttft: number; tpot: number; pred: { a: [number, number]; b: [number, number] } }
type Variant = 'a' | 'b';

const [backend = 'trtllm', llm = 'llama-3.1-8b', precision = 'bf16'] = process.argv.slice(2);
const { catalog, runs, calibration } = loadDenseAggInputs();
const chosen = runs.filter((r) => r.mode === 'agg' && r.gpu === 'h100-sxm' && r.backend === backend && r.llm === llm && r.precision === precision);
if (chosen.length === 0) throw new Error(`no H100 agg runs for ${backend} ${llm} ${precision}`);

const rows: Row[] = chosen.map((run) => {
  const spec = measuredRunSpec(run, catalog, calibration);
  if (spec.mode !== 'agg') throw new Error(`line ${run.line} is not an agg run`);
  const bench = (maxNumSeqs: number): [number, number] => {
    const { result } = runServingBenchmarkWithTerms({ ...spec, limits: { ...spec.limits, maxNumSeqs } }, calibratedPerfModels(catalog, calibration, run.backend), measuredRunOptions(run));
    return [result.ttft_ms.mean, result.tpot_ms.mean];
  };
  return {
    tp: run.tp, c: run.concurrency, isl: run.inputTokens, osl: run.outputTokens, line: run.line,
    ttft: run.ttftSeconds * 1000, tpot: run.tpotSeconds * 1000,
    pred: { a: bench(spec.limits.maxNumSeqs), b: bench(spec.limits.maxNumSeqs - 1) },
  };
});

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%`;
const ttftErr = (r: Row, v: Variant) => (r.pred[v][0] - r.ttft) / r.ttft;
const missingMs = (r: Row, v: Variant) => r.ttft - r.pred[v][0];
const intervalMs = (r: Row) => (r.osl * r.tpot) / r.c;
const band = (c: number) => (c <= 16 ? 'c ≤ 16' : c <= 64 ? 'c 17–64' : 'c 65+');
const summary = (rs: Row[], v: Variant) => `n ${rs.length}, TTFT signed ${pct(medianOf(rs.map((r) => ttftErr(r, v))))}, abs ${(100 * medianOf(rs.map((r) => Math.abs(ttftErr(r, v))))).toFixed(1)}%`;

/** Per TP × C × ISL cell with more than one OSL: the change in missing time per change in Δ from lowest to highest OSL. */
function slopes(v: Variant): Map<string, number[]> {
  const cells = new Map<string, Row[]>();
  for (const r of rows) {
    const key = `${r.tp}/${r.c}/${r.isl}`;
    cells.set(key, [...(cells.get(key) ?? []), r]);
  }
  const byBand = new Map<string, number[]>([['all', []]]);
  for (const cell of cells.values()) {
    const sorted = [...cell].sort((x, y) => x.osl - y.osl || x.line - y.line);
    const lo = sorted[0];
    const hi = sorted.find((r) => r.osl === sorted[sorted.length - 1].osl)!;
    if (hi.osl === lo.osl) continue;
    const slope = (missingMs(hi, v) - missingMs(lo, v)) / (intervalMs(hi) - intervalMs(lo));
    byBand.get('all')!.push(slope);
    byBand.set(band(lo.c), [...(byBand.get(band(lo.c)) ?? []), slope]);
  }
  return byBand;
}

console.log(`H100 ${backend} ${llm} ${precision}: ${rows.length} runs, built-in calibration (fitted on every run: a diagnostic of shape)`);
for (const v of ['a', 'b'] as const) {
  console.log(v === 'a' ? '(a) max batch = concurrency, as deployed' : '(b) max batch = concurrency − 1');
  console.log(`  all: ${summary(rows, v)}; TPOT signed ${pct(medianOf(rows.map((r) => (r.pred[v][1] - r.tpot) / r.tpot)))}`);
  for (const osl of [...new Set(rows.map((r) => r.osl))].sort((x, y) => x - y)) console.log(`  OSL ${osl}: ${summary(rows.filter((r) => r.osl === osl), v)}`);
  for (const b of ['c ≤ 16', 'c 17–64', 'c 65+']) {
    const rs = rows.filter((r) => band(r.c) === b);
    if (rs.length > 0) console.log(`  ${b}: ${summary(rs, v)}; missing time ${medianOf(rs.map((r) => missingMs(r, v) / intervalMs(r))).toFixed(2)} intervals`);
  }
  const s = slopes(v);
  console.log(`  slope of missing time vs Δ across OSL: ${[...s].map(([b, xs]) => `${b} ${medianOf(xs).toFixed(2)} (${xs.length} cells)`).join(', ')}`);
}
