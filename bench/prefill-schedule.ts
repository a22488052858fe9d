/**
 * Instrument (issue #11): the simulated benchmark's prefill SCHEDULE per measured run — how many prompts share an
 * iteration that carries prefill, how many prompt tokens it carries, how long a prompt waits before its first chunk —
 * next to the published held-out signed TTFT errors (docs/accuracy-rows.csv), grouped by backend × concurrency band.
 * No behaviour change: every dense agg bf16+fp8 run's benchmark is run once with the built-in calibration (the fit on
 * every run, as the shipped models schedule), its calibrated model wrapped so that each iteration formed with prefill
 * (iterationTerms called with pieces) is counted. Warm-up iterations are skipped: the client measures requests that
 * arrive after its warm-up ends (W completions, C in flight), so the prompts admitted first — W + C of them — are
 * not counted (the iteration that admits the (W + C + 1)-th first chunk is the first counted).
 *
 * Per run:
 *   prompts_per_prefill_iter  first chunks (cachedTokens 0: benchmark prompts share no prefix) per prefill iteration
 *   prompts_seen_by_prompt    Σ k² / Σ k: the number of first chunks in the iteration a prompt starts in, averaged per
 *                             prompt (what a prompt experiences; 1 = every prompt prefilled alone)
 *   prompt_tokens_per_iter    prefill tokens per prefill iteration (all chunks)
 *   own_ms                    Σ over prefill iterations of seconds × chunks / first chunks: the mean time a prompt
 *                             spends in iterations that carry one of its chunks
 *   wait_ms                   the engine TTFT of measured requests (Σ secondsPerUnit × TTFT terms) minus own_ms: the
 *                             mean wait before its first chunk (the rest of the iteration under way at arrival and
 *                             any iteration it is not admitted to)
 * `--client-gap-ms X` runs the same coefficients under another client turnaround (planner/benchmark/client-gap.ts)
 * than the calibration's: the schedule's sensitivity to the clients' desynchronisation, without a refit (the
 * published held-out errors are then shifted by the engine TTFT's change, an estimate; a refit moves them further).
 * `--requests-per-client N` runs N requests per client instead of MEASURED_RUN_REQUESTS_PER_CLIENT (all measured, the
 * synchronized first wave included): how much that wave weighs in the mean.
 * Run: npx tsx bench/prefill-schedule.ts [--client-gap-ms X] [--requests-per-client N] > schedule.tsv  (summary on stderr)
 */
import type { PerfModel, PrefillPiece } from '../models/types.js';
import { calibratedPerfModels, measuredRunOptions, measuredRunSpec } from '../planner/benchmark/measured-run.js';
import { runServingBenchmarkWithTerms } from '../planner/benchmark/run.js';
import { loadDenseAggInputs } from './dense-agg-inputs.js';

const { catalog, runs, calibration, published } = loadDenseAggInputs();
const gapFlag = process.argv.indexOf('--client-gap-ms');
const gapMs = gapFlag >= 0 ? Number(process.argv[gapFlag + 1]) : undefined;
if (gapMs !== undefined && !(gapMs >= 0)) throw new Error(`--client-gap-ms: expected a number ≥ 0, found ${process.argv[gapFlag + 1]}`);
const perClientFlag = process.argv.indexOf('--requests-per-client');
const perClient = perClientFlag >= 0 ? Number(process.argv[perClientFlag + 1]) : undefined;
if (perClient !== undefined && !(Number.isInteger(perClient) && perClient >= 1)) throw new Error(`--requests-per-client: expected an integer ≥ 1, found ${process.argv[perClientFlag + 1]}`);
const runCalibration = gapMs === undefined ? calibration : { ...calibration, clientGapSeconds: gapMs / 1000 };

/** One prefill iteration as the engine formed it. */
interface PrefillIteration { firstChunks: number; chunks: number; tokens: number; seconds: number }
let log: PrefillIteration[] = [];
let runSecondsPerUnit: readonly number[] = [];
function instrumented(m: PerfModel): PerfModel {
  const a = m.stepAccounting!;
  const spu = a.secondsPerUnit;
  runSecondsPerUnit = spu;
  return {
    ...m,
    stepAccounting: {
      ...a,
      iterationTerms: (b: number, c: number, p: readonly PrefillPiece[], noDecoder?: boolean) => {
        const t = a.iterationTerms(b, c, p, noDecoder);
        if (p.length > 0) {
          log.push({
            firstChunks: p.filter((x) => x.cachedTokens === 0).length,
            chunks: p.length,
            tokens: p.reduce((s, x) => s + x.newTokens, 0),
            seconds: t.reduce((s, v, j) => s + v * spu[j], 0),
          });
        }
        return t;
      },
    },
  };
}

const band = (c: number) => (c <= 1 ? 'c1' : c <= 4 ? 'c2-4' : c <= 16 ? 'c5-16' : c <= 64 ? 'c17-64' : 'c65+');
interface Row { backend: string; band: string; seen: number; perIter: number; waitShare: number; lomo: number; logo: number; measured: number; engine: number; wait: number; own: number }
const rows: Row[] = [];
console.log(['line', 'backend', 'gpu', 'llm', 'precision', 'tp', 'concurrency', 'isl', 'osl', 'budget_tokens', 'prefill_iters', 'prompts_per_prefill_iter', 'prompts_seen_by_prompt', 'prompt_tokens_per_iter', 'measured_ttft_ms', 'engine_ttft_ms', 'own_ms', 'wait_ms', 'lomo_signed', 'logo_signed'].join('\t'));
for (const run of runs) {
  const pub = published.get(run.line);
  if (!pub || run.mode !== 'agg' || (run.precision !== 'bf16' && run.precision !== 'fp8')) continue;
  log = [];
  const models = calibratedPerfModels(catalog, calibration, run.backend);
  const spec = measuredRunSpec(run, catalog, runCalibration);
  const options = perClient === undefined ? measuredRunOptions(run) : { ...measuredRunOptions(run), requestCount: run.concurrency * perClient };
  const out = runServingBenchmarkWithTerms(spec, (pool) => instrumented(models(pool)), options);
  const skip = out.result.run.warmup_requests + run.concurrency;
  let admitted = 0;
  let iters = 0, first = 0, chunks = 0, tokens = 0, sq = 0, ownSeconds = 0;
  for (const it of log) {
    admitted += it.firstChunks;
    if (admitted <= skip) continue;
    iters++; first += it.firstChunks; chunks += it.chunks; tokens += it.tokens; sq += it.firstChunks * it.firstChunks; ownSeconds += it.seconds * it.chunks;
  }
  const spu = runSecondsPerUnit;
  const engine = out.terms!.ttft.reduce((s, v, j) => s + v * spu[j], 0);
  const own = first > 0 ? ownSeconds / first : 0;
  const ms = (s: number) => (s * 1000).toFixed(2);
  const lomo = (pub.lomo - pub.measured) / pub.measured, logo = (pub.logo - pub.measured) / pub.measured;
  const r: Row = { backend: run.backend, band: band(run.concurrency), seen: first > 0 ? sq / first : 0, perIter: iters > 0 ? first / iters : 0, waitShare: engine > 0 ? (engine - own) / engine : 0, lomo, logo, measured: pub.measured, engine: engine * 1000, wait: (engine - own) * 1000, own: own * 1000 };
  rows.push(r);
  const limits = spec.mode === 'agg' ? spec.limits.maxNumBatchedTokens : 0;
  console.log([run.line, run.backend, run.gpu, run.llm, run.precision, run.tp, run.concurrency, run.inputTokens, run.outputTokens, limits, iters, r.perIter.toFixed(2), r.seen.toFixed(2), (iters > 0 ? tokens / iters : 0).toFixed(0), pub.measured, ms(engine), ms(own), ms(engine - own), lomo.toFixed(3), logo.toFixed(3)].join('\t'));
}
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.floor(s.length / 2)] : NaN; };
console.error('backend\tband\tn\tprompts_seen_by_prompt(median)\tprompts_per_prefill_iter(median)\twait_share_of_engine_ttft(median)\twait_ms(median)\town_ms(median)\tlomo_signed(median)\tlogo_signed(median)');
for (const backend of ['vllm', 'trtllm', 'sglang']) {
  for (const b of ['c1', 'c2-4', 'c5-16', 'c17-64', 'c65+']) {
    const g = rows.filter((r) => r.backend === backend && r.band === b);
    if (g.length === 0) continue;
    const f = (x: number) => x.toFixed(2);
    console.error([backend, b, g.length, f(median(g.map((r) => r.seen))), f(median(g.map((r) => r.perIter))), f(median(g.map((r) => r.waitShare))), f(median(g.map((r) => r.wait))), f(median(g.map((r) => r.own))), f(median(g.map((r) => r.lomo))), f(median(g.map((r) => r.logo)))].join('\t'));
  }
}
