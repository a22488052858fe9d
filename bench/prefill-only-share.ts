/**
 * Instrument (issue #11): how much of each measured run's benchmark TTFT is spent in iterations with no decoding
 * request in the engine (a closed loop's first wave, a prompt reaching an idle engine) — the iterations no TPOT
 * equation contains. Runs every dense agg run's benchmark once with the built-in calibration (the fit on every run;
 * the schedule it prints), with the calibrated model's step accounting extended by four slots the clock sums along each
 * request: that iteration's seconds, its excess-compute seconds, its prefill-attention seconds, and one per iteration,
 * each only when no request is decoding. Prints a TSV per run (with the published held-out signed TTFT errors from
 * docs/accuracy-rows.csv) to stdout and a summary to stderr. Run: npx tsx bench/prefill-only-share.ts > share.tsv
 */
import { STEP_TERMS } from '../models/serving/step-terms.js';
import type { PerfModel } from '../models/types.js';
import { calibratedPerfModels, measuredRunOptions, measuredRunSpec } from '../planner/benchmark/measured-run.js';
import { runServingBenchmarkWithTerms } from '../planner/benchmark/run.js';
import { loadDenseAggInputs } from './dense-agg-inputs.js';

const { catalog, runs, calibration, published } = loadDenseAggInputs();

const N = STEP_TERMS.length;
const EXCESS = STEP_TERMS.indexOf('excess_compute');
const ATTN = STEP_TERMS.indexOf('prefill_attention');
/** Seconds per unit of the last instrumented model's terms (one model per run: one pool). */
let runSecondsPerUnit: readonly number[] = [];
function instrumented(m: PerfModel): PerfModel {
  const a = m.stepAccounting!;
  const spu = a.secondsPerUnit;
  runSecondsPerUnit = spu;
  return {
    ...m,
    stepAccounting: {
      terms: [...a.terms, 'solo_s', 'solo_excess_s', 'solo_attention_s', 'solo_iterations'],
      secondsPerUnit: [...spu, 0, 0, 0, 0],
      iterationTerms: (b, c, p, noDecoder) => {
        const t = a.iterationTerms(b, c, p, noDecoder);
        const solo = noDecoder === true && p.length > 0;
        const s = t.reduce((acc, v, j) => acc + v * spu[j], 0);
        return [...t, solo ? s : 0, solo ? t[EXCESS] * spu[EXCESS] : 0, solo ? t[ATTN] * spu[ATTN] : 0, solo ? 1 : 0];
      },
    },
  };
}

console.log(['line', 'backend', 'gpu', 'llm', 'precision', 'tp', 'concurrency', 'isl', 'osl', 'measured_ttft_ms', 'engine_ttft_ms', 'solo_ms', 'solo_share', 'solo_excess_ms', 'solo_attention_ms', 'solo_iterations', 'lomo_signed', 'logo_signed'].join('\t'));
const shares: number[] = [];
for (const run of runs) {
  const pub = published.get(run.line);
  if (!pub || run.mode !== 'agg') continue;
  const models = calibratedPerfModels(catalog, calibration, run.backend);
  const out = runServingBenchmarkWithTerms(measuredRunSpec(run, catalog, calibration), (pool) => instrumented(models(pool)), measuredRunOptions(run));
  const t = out.terms!.ttft;
  const spu = runSecondsPerUnit;
  const engine = t.slice(0, N).reduce((acc, v, j) => acc + v * spu[j], 0);
  const share = engine > 0 ? t[N] / engine : 0;
  if ((run.precision === 'bf16' || run.precision === 'fp8')) shares.push(share);
  const ms = (s: number) => (s * 1000).toFixed(2);
  console.log([run.line, run.backend, run.gpu, run.llm, run.precision, run.tp, run.concurrency, run.inputTokens, run.outputTokens, pub.measured, ms(engine), ms(t[N]), share.toFixed(3), ms(t[N + 1]), ms(t[N + 2]), t[N + 3].toFixed(2), ((pub.lomo - pub.measured) / pub.measured).toFixed(3), ((pub.logo - pub.measured) / pub.measured).toFixed(3)].join('\t'));
}
shares.sort((x, y) => x - y);
const q = (p: number) => shares[Math.min(shares.length - 1, Math.floor(p * shares.length))];
console.error(`bf16+fp8 runs ${shares.length}: share of engine TTFT in no-decoder iterations p10 ${q(0.1).toFixed(3)} median ${q(0.5).toFixed(3)} p90 ${q(0.9).toFixed(3)}; runs with share > 0.5: ${shares.filter((s) => s > 0.5).length}`);
