/**
 * Serving-benchmark speed and its first, uncalibrated prediction (`npx tsx bench/benchmark.ts`): wall time of one
 * aggregated operating point through runServingBenchmark (Qwen3-32B TP4 on H100 SXM, concurrency 128, ISL 1024 /
 * OSL 128, vLLM's default engine limits), median of 5 runs after one warm-up run in the same process, and what it
 * predicts beside the staged measured vLLM rows of that point (../shared/data/aiconfigurator/silicon, read here only
 * to print them: nothing is fitted to them). Target (issue 11): one agg operating point ≤ 2 s on this machine.
 * Prints one JSON document on stdout.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { layoutCacheKey, loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { readCalibrationDocument } from '../models/serving/calibration-file.js';
import type { MeasuredRun } from '../models/serving/runs.js';
import type { InstancePool } from '../catalogs/types.js';
import { createPerfModel, type PerfModel } from '../models/index.js';
import { benchmarkMeasuredRun, runServingBenchmark, vllmDefaultLimits, type BenchmarkSpec } from '../planner/benchmark/index.js';

const catalog = loadBuiltinCatalog();
const gpu = catalog.gpus.get('h100-sxm')!;
const models = new Map<string, PerfModel>();
const perfModelFor = (pool: InstancePool): PerfModel => {
  const key = `${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}/${pool.powerCapWatts ?? ''}`;
  let m = models.get(key);
  if (m === undefined) {
    m = createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, {});
    models.set(key, m);
  }
  return m;
};

const point = (concurrency: number, tp: number): BenchmarkSpec => ({
  mode: 'agg', gpu: gpu.id, llm: 'qwen3-32b', tp, limits: vllmDefaultLimits(gpu),
  load: { kind: 'concurrency', concurrency }, isl: { kind: 'fixed', value: 1024 }, osl: { kind: 'fixed', value: 128 },
});

function timeIt(spec: BenchmarkSpec, runs: number) {
  runServingBenchmark(spec, perfModelFor, { seed: 1 });
  const walls: number[] = [];
  let result = runServingBenchmark(spec, perfModelFor, { seed: 1 });
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = runServingBenchmark(spec, perfModelFor, { seed: 1 });
    walls.push((performance.now() - t0) / 1000);
  }
  walls.sort((a, b) => a - b);
  return { result, medianWallSeconds: Number(walls[Math.floor(runs / 2)].toFixed(4)), maxWallSeconds: Number(walls[runs - 1].toFixed(4)) };
}

/** The staged measured vLLM rows (bf16) of Qwen3-32B on H100 SXM at ISL 1024 / OSL 128. */
function measuredRows(): Map<string, { backend: string; version: string; ttftMs: number; tpotMs: number }> {
  const path = resolve(new URL('..', import.meta.url).pathname, '..', 'shared', 'data', 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv');
  const out = new Map<string, { backend: string; version: string; ttftMs: number; tpotMs: number }>();
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const head = lines[0].split(',');
  const col = (name: string) => head.indexOf(name);
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f[col('model_path')] !== 'Qwen/Qwen3-32B' || f[col('system')] !== 'h100_sxm' || f[col('mode')] !== 'agg' || f[col('backend')] !== 'vllm') continue;
    if (f[col('isl')] !== '1024' || f[col('osl')] !== '128' || f[col('precision')] !== '') continue;
    out.set(`c${f[col('batch_size')]}/tp${f[col('tp_size')]}`, { backend: 'vllm', version: f[col('backend_version')], ttftMs: Number(f[col('silicon_ttft_ms')]), tpotMs: Number(f[col('silicon_tpot_ms')]) });
  }
  return out;
}

/** The same point as the accuracy table runs it: built-in calibration, step accounting on, 10 × C requests all measured. */
function timeCalibrated(runs: number) {
  const file = resolve(new URL('..', import.meta.url).pathname, 'catalogs', 'coefficients', 'serving-calibration.json');
  const { calibration } = readCalibrationDocument(JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>, file, packageVersion(), (id) => catalog.gpus.has(id));
  const run: MeasuredRun = { source: 'bench', line: 0, backend: 'vllm', gpu: gpu.id, llm: 'qwen3-32b', modelName: 'Qwen/Qwen3-32B', precision: 'bf16', mode: 'agg', tp: 4, concurrency: 128, inputTokens: 1024, outputTokens: 128, ttftSeconds: 0, tpotSeconds: 0 };
  benchmarkMeasuredRun(run, catalog, calibration!);
  const walls: number[] = [];
  let out = benchmarkMeasuredRun(run, catalog, calibration!);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    out = benchmarkMeasuredRun(run, catalog, calibration!);
    walls.push((performance.now() - t0) / 1000);
  }
  walls.sort((a, b) => a - b);
  return { wall_s_median: Number(walls[Math.floor(runs / 2)].toFixed(4)), ttft_ms: out.result.ttft_ms.mean, tpot_ms: out.result.tpot_ms.mean, requests: out.result.run.measured_requests };
}

const measured = measuredRows();
const headline = timeIt(point(128, 4), 5);
const others = [[1, 4], [32, 4], [128, 2], [128, 8]].map(([c, tp]) => ({ c, tp, ...timeIt(point(c, tp), 3) }));
const row = (c: number, tp: number, r: ReturnType<typeof timeIt>) => {
  const m = measured.get(`c${c}/tp${tp}`);
  return {
    point: `Qwen3-32B bf16 H100 TP${tp} c${c} ISL 1024 / OSL 128`,
    wall_s_median: r.medianWallSeconds,
    wall_s_max: r.maxWallSeconds,
    predicted: { ttft_ms: r.result.ttft_ms.mean, tpot_ms: r.result.tpot_ms.mean, requests: r.result.run.measured_requests, converged: r.result.run.converged, events: r.result.run.events },
    measured: m === undefined ? null : { source: `silicon_runs_h100_b200.csv, ${m.backend} ${m.version}`, ttft_ms: Number(m.ttftMs.toFixed(1)), tpot_ms: Number(m.tpotMs.toFixed(2)) },
    tpot_error: m === undefined ? null : Number((r.result.tpot_ms.mean / m.tpotMs - 1).toFixed(3)),
    ttft_error: m === undefined ? null : Number((r.result.ttft_ms.mean / m.ttftMs - 1).toFixed(3)),
  };
};
console.log(JSON.stringify({
  target: 'one agg operating point ≤ 2 s (issue 11)',
  headline: row(128, 4, headline),
  others: others.map((o) => row(o.c, o.tp, o)),
  calibrated_measured_run_protocol: { point: 'Qwen3-32B bf16 H100 TP4 c128 ISL 1024 / OSL 128, --backend vllm --request-count 1280 --calibration builtin (in the built-in fit)', ...timeCalibrated(5) },
  note: 'headline/others: uncalibrated predictions (kernel-level models alone), steady-state rule; the measured rows are printed beside them, never fitted',
  load_average: loadavg().map((x) => Number(x.toFixed(2))),
}, null, 2));
