/**
 * Same-architecture ("sibling") fallback vs today's median fallback for a GPU without kernel tables, tested on the only
 * staged pair of one architecture with every table: H100 SXM and H200 (both Hopper, GH100, the same kernels; H200 has
 * more and faster HBM). Each GPU of the pair is predicted (i) from the other's fits (sibling rule) and (ii) from the
 * median of the fits of every other measured GPU (today's rule), kernel table by kernel table, then at serving level:
 * the H100 agg runs of the staged silicon CSV on the uncalibrated model (what plan and predict use), with H100's own
 * tables withheld. Nothing is fitted to a row scored here. Run: npx tsx bench/sibling-fallback-experiment.ts [--serving [--decompose]]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { layoutCacheKey, loadBuiltinCatalog } from '../catalogs/index.js';
import type { GpuSpec, InstancePool } from '../catalogs/types.js';
import { resolveLayout } from '../catalogs/precision.js';
import { BUILTIN_COEFFICIENTS, createPerfModel, type PerfModel } from '../models/index.js';
import type { CoefficientSet, GpuEfficiency } from '../models/coefficients.js';
import { medianEfficiency } from '../models/calibrate.js';
import { fitGemmGrid } from '../models/gemm-efficiency-fit.js';
import { gemmFractionAt } from '../models/gemm-efficiency.js';
import { importAicContextAttention, importAicGemm, importAicGenerationAttention, importAicNccl, type NcclRow } from '../models/importers/aiconfigurator.js';
import { importAicMla, importAicMoe } from '../models/importers/aiconfigurator-moe.js';
import { meanAbsolutePercentageError, solveLeastSquares } from '../models/least-squares.js';
import { evaluateLinear } from '../models/features.js';
import { medianOf } from '../models/profile.js';
import { BUILTIN_MOE_CALIBRATION } from '../models/moe/builtin.js';
import type { MoeCalibration } from '../models/moe/calibration.js';
import { allToAllSeconds, fallbackAllToAll } from '../models/moe/all-to-all.js';
import { fallbackGroupedGemm, groupedGemmTerms, type GroupedGemmFit } from '../models/moe/grouped-gemm.js';
import { DEEPSEEK_V3_MLA, fallbackMla, mlaContextTerms, mlaGenerationTerms, type KvKernelDtype } from '../models/moe/mla.js';
import type { KernelDtype } from '../models/moe/rates.js';
import { moeDispatchOf } from '../models/moe/dispatch.js';
import { moeSiliconRuns } from '../models/moe/silicon-rows.js';
import { predictMoeRun } from '../models/moe/serving-accuracy.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { measuredRunOptions, measuredRunSpec } from '../planner/benchmark/measured-run.js';
import { runServingBenchmark } from '../planner/benchmark/index.js';
import { overallErrors } from '../models/serving/holdout.js';
import { asHeldOut, benchmarkSpecOf, type MoeRowPrediction } from '../models/moe/serving-accuracy.js';
import { readAccuracyFolds } from '../models/serving/accuracy-folds.js';
import type { ServingCalibration } from '../models/serving/calibration-file.js';
import { requestOverheadSeconds } from '../models/serving/fit.js';
import { MEASURED_RUN_REQUESTS_PER_CLIENT } from '../models/serving/backend-policy.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const aic = resolve(root, '..', 'shared', 'data', 'aiconfigurator');
const read = (p: string) => readFileSync(resolve(aic, p), 'utf8');
const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const DIR: Record<string, string> = { 'h100-sxm': 'h100_sxm/vllm-0.19.0', h200: 'h200_sxm/vllm-0.22.0', b200: 'b200_sxm/vllm-0.22.0', 'a100-80gb-sxm': 'a100_sxm/vllm-0.14.0', l40s: 'l40s/vllm-0.14.0' };
const MOE_DIR: Record<string, string> = { 'h100-sxm': 'h100_sxm/vllm-0.19.0', h200: 'h200_sxm/vllm-0.19.0', b200: 'b200_sxm/vllm-0.19.0' };
const NCCL: Record<string, string> = { 'h100-sxm': 'h100_sxm/nccl/nccl_perf.csv', h200: 'h200_sxm/nccl/nccl_perf.csv', b200: 'b200_sxm/nccl/nccl_perf.csv', 'a100-80gb-sxm': 'a100_sxm/nccl/nccl_perf.csv', l40s: 'l40s/nccl/nccl_perf.csv' };
const PAIR: readonly [string, string][] = [['h200', 'h100-sxm'], ['h100-sxm', 'h200']];
const lines: string[] = [];
const report = (s: string) => { lines.push(s); console.log(s); };
const mape = (p: readonly number[], m: readonly number[]) => meanAbsolutePercentageError(p, m);

// ---- grouped GEMM (moe_perf.csv), balanced rows and the power-law rows serving uses
const cal = BUILTIN_MOE_CALIBRATION;
const moeRows = new Map(Object.entries(MOE_DIR).map(([id, d]) => [id, importAicMoe(read(`${d}/moe_perf.csv`))]));
const shapeOf = (r: ReturnType<typeof importAicMoe>[number]) => ({ tokens: r.tokens, hiddenSize: r.hiddenSize, expertIntermediateSize: r.expertIntermediateSize, expertsPerToken: r.topK, experts: r.experts, moeTp: r.moeTp, moeEp: r.moeEp });
for (const [fitsName, fits, dist] of [['balanced', cal.groupedGemm, 'balanced'], ['power_law_1.2', cal.groupedGemmServing!, 'power_law_1.2']] as const) {
  for (const dtype of ['bfloat16', 'fp8', 'fp8_block'] as KernelDtype[]) {
    for (const [target, sibling] of PAIR) {
      const rows = moeRows.get(target)!.filter((r) => r.dtype === dtype && r.distribution === dist);
      const own = (fits as readonly GroupedGemmFit[]).find((f) => f.gpu === sibling && f.dtype === dtype)!;
      const median = fallbackGroupedGemm((fits as readonly GroupedGemmFit[]).filter((f) => f.gpu !== target), dtype);
      const t = rows.map((r) => groupedGemmTerms(shapeOf(r), gpu(target), dtype, 'balanced'));
      const m = rows.map((r) => r.latencySeconds);
      report(`grouped GEMM ${fitsName} ${dtype}: ${target} (${rows.length} rows) from ${sibling} ${pct(mape(t.map((x) => evaluateLinear(own.coefficients, x)), m))} vs median of ${(fits as readonly GroupedGemmFit[]).filter((f) => f.gpu !== target && f.dtype === dtype).map((f) => f.gpu).join('+')} ${pct(mape(t.map((x) => evaluateLinear(median, x)), m))}`);
    }
  }
}

// ---- MLA module tables
for (const phase of ['context', 'generation'] as const) {
  const rowsOf = (id: string) => importAicMla(read(`${MOE_DIR[id]}/mla_${phase}_module_perf.csv`), phase).filter((r) => r.mlaDtype === 'bfloat16');
  const combos = [...new Set(cal.mla.filter((f) => f.phase === phase && f.gpu === 'h100-sxm').map((f) => `${f.kvDtype}|${f.gemmDtype}`))].sort();
  for (const combo of combos) {
    const [kv, gemm] = combo.split('|') as [KvKernelDtype, KernelDtype];
    for (const [target, sibling] of PAIR) {
      const s = cal.mla.find((f) => f.gpu === sibling && f.phase === phase && f.kvDtype === kv && f.gemmDtype === gemm);
      if (!s) continue;
      const rows = rowsOf(target).filter((r) => r.kvDtype === kv && r.gemmDtype === gemm);
      if (rows.length === 0) continue;
      const others = cal.mla.filter((f) => f.gpu !== target);
      const median = fallbackMla(others, phase, gemm, kv);
      const geometry = (r: (typeof rows)[number]) => ({ hiddenSize: DEEPSEEK_V3_MLA.hiddenSize, heads: r.heads, mla: DEEPSEEK_V3_MLA.mla });
      const t = rows.map((r) => (phase === 'context' ? mlaContextTerms(geometry(r), gpu(target), gemm, r.batch, r.tokens) : mlaGenerationTerms(geometry(r), gpu(target), gemm, kv, r.batch, r.batch * r.tokens)));
      const m = rows.map((r) => r.latencySeconds);
      const medianOfWhat = [...new Set(others.filter((f) => f.phase === phase && f.kvDtype === kv && f.gemmDtype === gemm).map((f) => f.gpu))].join('+') || 'fp8_block stand-in';
      report(`MLA ${phase} kv ${kv} gemm ${gemm}: ${target} (${rows.length} rows) from ${sibling} ${pct(mape(t.map((x) => evaluateLinear(s.coefficients, x)), m))} vs median of ${medianOfWhat} ${pct(mape(t.map((x) => evaluateLinear(median, x)), m))}`);
    }
  }
}

// ---- dense GEMM efficiency (gemm_perf.csv): what the roofline and the serving step read of it
const effs = BUILTIN_COEFFICIENTS.roofline.efficiencies;
const gemmRows = new Map(['h100-sxm', 'h200'].map((id) => [id, importAicGemm(read(`${DIR[id]}/gemm_perf.csv`))]));
const bytesOf = (r: { m: number; n: number; k: number }, b: number) => b * (r.n * r.k + r.m * r.k) + 2 * r.m * r.n;
for (const [target, sibling] of PAIR) {
  const rest: Record<string, GpuEfficiency> = Object.fromEntries(Object.entries(effs).filter(([id]) => id !== target));
  const median = medianEfficiency(rest);
  const sib = effs[sibling];
  const g = gpu(target);
  for (const [dtype, prec, peak, b] of [['bfloat16', 'bf16', g.bf16FlopsPerSecond, 2], ['fp8_block', 'fp8', g.fp8FlopsPerSecond!, 1]] as const) {
    const rows = gemmRows.get(target)!.filter((r) => r.dtype === dtype);
    // Grid cells (m on the grid, n, k ≥ 256): the serving step's dense GEMM rate.
    const cells = rows.filter((r) => [1024, 2048, 4096, 8192, 16384, 32768].includes(r.m) && r.n >= 256 && r.k >= 256);
    const sibGrid = fitGemmGrid(gemmRows.get(sibling)!, dtype, dtype === 'bfloat16' ? gpu(sibling).bf16FlopsPerSecond : gpu(sibling).fp8FlopsPerSecond!, sibling)!;
    const flops = (r: (typeof cells)[number]) => 2 * r.m * r.n * r.k;
    const scalar = (e: GpuEfficiency) => (prec === 'bf16' ? e.computeFraction : e.precisionComputeFractions?.fp8 ?? e.computeFraction);
    const m = cells.map((r) => r.latencySeconds);
    report(`dense GEMM ${dtype} m 1K–32K (${cells.length} rows) on ${target}: ${sibling}'s grid ${pct(mape(cells.map((r) => flops(r) / (peak * gemmFractionAt(sibGrid, r.m, r.n * r.k))), m))}, ${sibling}'s single fraction ${scalar(sib).toFixed(3)} ${pct(mape(cells.map((r) => flops(r) / (peak * scalar(sib))), m))} vs median single fraction ${scalar(median).toFixed(3)} (${median.from}) ${pct(mape(cells.map((r) => flops(r) / (peak * scalar(median))), m))}`);
    // Skinny GEMMs (m ≤ 8): the kernel floor + weight bytes at the memory fraction (decode's weight read).
    const skinny = rows.filter((r) => r.m <= 8 && r.n >= 4096 && r.k >= 4096);
    const mem = (e: GpuEfficiency) => skinny.map((r) => e.kernelFloorSeconds + bytesOf(r, b) / (g.memoryBandwidthBytesPerSecond * e.memoryFraction));
    report(`dense GEMM ${dtype} skinny m ≤ 8, n,k ≥ 4096 (${skinny.length} rows) on ${target}: ${sibling}'s floor + memory fraction ${pct(mape(mem(sib), skinny.map((r) => r.latencySeconds)))} vs median ${pct(mape(mem(median), skinny.map((r) => r.latencySeconds)))}`);
  }
}

// Per-tensor fp8 (what a dense fp8 pool is priced at): only H100's table has those rows. H200's single fp8 fraction is
// its block-scaled one; the median efficiency carries no fp8 fraction, so the median rule prices fp8 at the bf16 one.
{
  const g = gpu('h100-sxm');
  const rows = gemmRows.get('h100-sxm')!.filter((r) => r.dtype === 'fp8' && r.n >= 4096 && r.k >= 4096 && r.m >= 1024);
  const median = medianEfficiency(Object.fromEntries(Object.entries(effs).filter(([id]) => id !== 'h100-sxm')));
  const f = (x: number) => rows.map((r) => (2 * r.m * r.n * r.k) / (g.fp8FlopsPerSecond! * x));
  const m = rows.map((r) => r.latencySeconds);
  const sib = effs.h200.precisionComputeFractions?.fp8 ?? effs.h200.computeFraction;
  report(`dense GEMM per-tensor fp8 compute-bound (m ≥ 1024, n,k ≥ 4096; ${rows.length} rows) on h100-sxm: h200's fp8 fraction ${sib.toFixed(3)} ${pct(mape(f(sib), m))} vs median (no fp8 fraction: bf16 ${median.computeFraction.toFixed(3)}) ${pct(mape(f(median.computeFraction), m))}`);
}

// ---- attention tables (not priced from these tables by the model: the roofline prices attention at the bf16 peak ×
// the GEMM compute fraction; a per-GPU three-term fit here only asks whether the pair transfers)
const attentionGpus = ['a100-80gb-sxm', 'b200', 'h100-sxm', 'h200', 'l40s'];
const ctxRows = new Map(attentionGpus.map((id) => [id, importAicContextAttention(read(`${DIR[id]}/context_attention_perf.csv`))]));
const genRows = new Map(attentionGpus.map((id) => [id, importAicGenerationAttention(read(`${DIR[id]}/generation_attention_perf.csv`))]));
const kvBytes = (d: string) => (d === 'bfloat16' ? 2 : 1);
const ctxTerms = (g: GpuSpec, r: ReturnType<typeof importAicContextAttention>[number]) => [1, (r.batch * r.heads * r.inputTokens * r.inputTokens * 128 * 2) / g.bf16FlopsPerSecond, (r.batch * r.inputTokens * r.kvHeads * 128 * 2 * kvBytes(r.kvDtype)) / g.memoryBandwidthBytesPerSecond];
const genTerms = (g: GpuSpec, r: ReturnType<typeof importAicGenerationAttention>[number]) => [1, (r.batch * r.cachedTokens * r.kvHeads * 128 * 2 * kvBytes(r.kvDtype)) / g.memoryBandwidthBytesPerSecond, (r.batch * r.heads * r.cachedTokens * 128 * 4) / g.bf16FlopsPerSecond];
for (const [phase, table, terms] of [['context', ctxRows, ctxTerms], ['generation', genRows, genTerms]] as const) {
  for (const kv of ['bfloat16', 'fp8']) {
    const fitOf = (id: string) => {
      const rows = (table.get(id)! as readonly { kvDtype: string; latencySeconds: number }[]).filter((r) => r.kvDtype === kv);
      if (rows.length === 0) return undefined;
      return solveLeastSquares(rows.map((r) => (terms as (g: GpuSpec, r: unknown) => number[])(gpu(id), r)), rows.map((r) => r.latencySeconds));
    };
    const fits = new Map(attentionGpus.map((id) => [id, fitOf(id)]));
    for (const [target, sibling] of PAIR) {
      const rows = (table.get(target)! as readonly { kvDtype: string; latencySeconds: number }[]).filter((r) => r.kvDtype === kv);
      const t = rows.map((r) => (terms as (g: GpuSpec, r: unknown) => number[])(gpu(target), r));
      const m = rows.map((r) => r.latencySeconds);
      const medianFits = (ids: string[]) => { const fs = ids.map((id) => fits.get(id)).filter((f): f is number[] => f !== undefined); return fs[0].map((_, j) => medianOf(fs.map((f) => f[j]))); };
      const all = attentionGpus.filter((id) => id !== target && fits.get(id));
      const pair = [sibling, 'b200'];
      report(`attention ${phase} kv ${kv} (3-term fit per GPU): ${target} (${rows.length} rows) from ${sibling} ${pct(mape(t.map((x) => evaluateLinear(fits.get(sibling)!, x)), m))} vs median of ${all.join('+')} ${pct(mape(t.map((x) => evaluateLinear(medianFits(all), x)), m))}, of ${pair.join('+')} ${pct(mape(t.map((x) => evaluateLinear(medianFits(pair), x)), m))}`);
    }
  }
}

// ---- NCCL: the all-to-all table (MoE dispatch) and the small-message all-reduce floors (roofline)
const ncclRows = new Map(Object.entries(NCCL).map(([id, p]) => [id, importAicNccl(read(p))]));
for (const [target, sibling] of PAIR) {
  const rows = ncclRows.get(target)!.filter((r: NcclRow) => r.op === 'alltoall' && r.dtype === 'half');
  const sib = cal.allToAll.find((a) => a.gpu === sibling)!;
  const general = fallbackAllToAll(cal.allToAll.filter((a) => a.gpu !== target));
  const g = gpu(target);
  const m = rows.map((r) => r.latencySeconds);
  report(`NCCL all-to-all fp16 (${rows.length} rows) on ${target}: ${sibling}'s table ${pct(mape(rows.map((r) => allToAllSeconds(g, r.gpus, r.messageBytes, { ...sib, gpu: target }, general)), m))} vs median floor + link share of ${cal.allToAll.filter((a) => a.gpu !== target).map((a) => a.gpu).join('+')} ${pct(mape(rows.map((r) => allToAllSeconds(g, r.gpus, r.messageBytes, undefined, general)), m))}`);
  const own = effs[target].allReduceFloorSeconds;
  const median = medianEfficiency(Object.fromEntries(Object.entries(effs).filter(([id]) => id !== target))).allReduceFloorSeconds;
  const keys = Object.keys(own).sort();
  report(`NCCL all-reduce small-message floor on ${target} (${keys.join('/')} GPUs, measured ${keys.map((k) => (own[k] * 1e6).toFixed(1)).join('/')} µs): ${sibling}'s ${pct(mape(keys.map((k) => effs[sibling].allReduceFloorSeconds[k]), keys.map((k) => own[k])))} vs median ${pct(mape(keys.map((k) => median[k]), keys.map((k) => own[k])))}`);
}

// ---- serving level: H100 agg runs on the uncalibrated model, H100's tables withheld
if (process.argv.includes('--serving')) {
  // --target b200: the Blackwell case a GPU without tables (GB200, B300) is in today: B200's runs priced by its own
  // tables against the median of the others (H100, H200: Hopper's multipliers), no sibling to compare.
  const ti = process.argv.indexOf('--target');
  const target = ti > 0 ? process.argv[ti + 1] : 'h100-sxm';
  const sibling = target === 'h100-sxm' ? 'h200' : undefined;
  const relabel = <T extends { gpu: string }>(xs: readonly T[]) => [...xs.filter((x) => x.gpu !== target), ...xs.filter((x) => x.gpu === sibling).map((x) => ({ ...x, gpu: target }))];
  const without = <T extends { gpu: string }>(xs: readonly T[]) => xs.filter((x) => x.gpu !== target);
  const restEffs: Record<string, GpuEfficiency> = Object.fromEntries(Object.entries(effs).filter(([id]) => id !== target));
  const variants: Record<string, { set: CoefficientSet; moe: MoeCalibration }> = {
    own: { set: BUILTIN_COEFFICIENTS, moe: cal },
    ...(sibling === undefined ? {} : { sibling: {
      set: { ...BUILTIN_COEFFICIENTS, roofline: { ...BUILTIN_COEFFICIENTS.roofline, efficiencies: { ...restEffs, [target]: effs[sibling] } } },
      moe: { ...cal, groupedGemm: relabel(cal.groupedGemm), groupedGemmServing: relabel(cal.groupedGemmServing ?? []), mla: relabel(cal.mla), allToAll: relabel(cal.allToAll) },
    } }),
    median: {
      set: { ...BUILTIN_COEFFICIENTS, roofline: { ...BUILTIN_COEFFICIENTS.roofline, efficiencies: restEffs, defaultEfficiency: medianEfficiency(restEffs) } },
      moe: { ...cal, groupedGemm: without(cal.groupedGemm), groupedGemmServing: without(cal.groupedGemmServing ?? []), mla: without(cal.mla), allToAll: without(cal.allToAll) },
    },
  };
  // --decompose: which half moves the serving figures (the MoE tables, or the dense efficiency: fractions, floors,
  // all-reduce latencies), and the sibling without H200's per-tensor fp8 grid, which is an estimate derived from H100's
  // own fp8 : bf16 ratio (models/builtin-fit.ts) and so leaks H100 into the calibrated dense fp8 rows.
  if (sibling !== undefined && process.argv.includes('--decompose')) {
    const { fp8: _leak, ...h200Grids } = effs[sibling].gemmGrids ?? {};
    variants['sibling MoE tables, median dense efficiency'] = { set: variants.median.set, moe: variants.sibling!.moe };
    variants['median MoE tables, sibling dense efficiency'] = { set: variants.sibling.set, moe: variants.median.moe };
    variants['sibling without the estimated fp8 grid'] = { set: { ...BUILTIN_COEFFICIENTS, roofline: { ...BUILTIN_COEFFICIENTS.roofline, efficiencies: { ...restEffs, [target]: { ...effs[sibling], gemmGrids: h200Grids } } } }, moe: variants.sibling!.moe };
  }
  const silicon = readFileSync(resolve(aic, 'silicon', 'silicon_runs_h100_b200.csv'), 'utf8');
  const moeRuns = moeSiliconRuns(silicon, 'silicon_runs_h100_b200.csv', catalog.gpus, catalog.llms).runs.filter((r) => r.run.gpu === target);
  const denseRuns = importSiliconRuns(silicon, 'silicon_runs_h100_b200.csv', { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) }).runs
    .filter((r) => r.gpu === target && r.mode === 'agg' && !catalog.llms.get(r.llm)!.moe && catalog.llms.get(r.llm)!.attention?.kind !== 'mla');
  const summary = (rows: MoeRowPrediction[]) => { const o = overallErrors(asHeldOut(rows)); return `TTFT median ${pct(o.ttft.medianAbs)} (p90 ${pct(o.ttft.p90Abs)}, signed ${(o.ttft.signedMedian * 100).toFixed(1)}%), TPOT median ${pct(o.tpot.medianAbs)} (p90 ${pct(o.tpot.p90Abs)}, signed ${(o.tpot.signedMedian * 100).toFixed(1)}%)`; };
  const predictions = new Map<string, { moe: MoeRowPrediction[]; dense: MoeRowPrediction[] }>();
  for (const [name, v] of Object.entries(variants)) {
    const cache = new Map<string, PerfModel>();
    const modelsFor = (backend: 'vllm' | 'sglang' | 'trtllm' | undefined) => (pool: InstancePool): PerfModel => {
      const llm = catalog.llms.get(pool.llm)!;
      const g = gpu(pool.gpu);
      const moe = llm.moe !== undefined || llm.attention?.kind === 'mla';
      const dispatch = moe ? moeDispatchOf(backend, g, llm, resolveLayout(llm, pool)) : undefined;
      const key = `${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}/${dispatch ?? ''}`;
      let mdl = cache.get(key);
      if (!mdl) cache.set(key, (mdl = createPerfModel(g, llm, pool, { coefficients: v.set, moeCalibration: v.moe, ...(dispatch ? { moeDispatch: dispatch } : {}) })));
      return mdl;
    };
    const moePred = moeRuns.map((r) => predictMoeRun(r, modelsFor(r.run.backend)));
    const byLlm = [...new Set(moePred.map((p) => `${p.llm} ${p.precision} ${p.backend}`))].map((k) => `${k} (${moePred.filter((p) => `${p.llm} ${p.precision} ${p.backend}` === k).length}): ${summary(moePred.filter((p) => `${p.llm} ${p.precision} ${p.backend}` === k))}`);
    report(`serving ${name}: ${target} MoE agg uncalibrated, ${moePred.length} runs: ${summary(moePred)}\n  ${byLlm.join('\n  ')}`);
    const densePred: MoeRowPrediction[] = denseRuns.map((run) => {
      const res = runServingBenchmark(measuredRunSpec(run, catalog), modelsFor(undefined), measuredRunOptions(run));
      return { id: String(run.line), mode: 'agg', line: run.line, backend: run.backend, gpu: run.gpu, llm: run.llm, precision: run.precision, tp: run.tp, ep: 1, concurrency: run.concurrency, isl: run.inputTokens, osl: run.outputTokens, measured_ttft_ms: run.ttftSeconds * 1e3, measured_tpot_ms: run.tpotSeconds * 1e3, predicted_ttft_ms: res.ttft_ms.mean, predicted_tpot_ms: res.tpot_ms.mean };
    });
    report(`serving ${name}: ${target} dense agg uncalibrated, ${densePred.length} runs: ${summary(densePred)}`);
    predictions.set(name, { moe: moePred, dense: densePred });
    // Through the leave-one-GPU-out calibration without H100 (docs/accuracy-folds.json logo fold 'h100-sxm': scopes
    // fitted on the B200 dense runs only), as a GPU without runs of its own is predicted with --calibration.
    const fold = readAccuracyFolds(readFileSync(resolve(root, 'docs', 'accuracy-folds.json'), 'utf8')).folds.logo.find((f) => f.heldOut === target)!.fit;
    const calibration: ServingCalibration = { fleetplanVersion: '', sourceHash: 'logo-h100', inputs: [], defaultBackend: 'vllm', scopes: fold.scopes, clientGapSeconds: fold.clientGapSeconds, heldOut: {}, gpuEfficiencies: {}, unexpressible: [] };
    const calCache = new Map<string, PerfModel>();
    const calModels = (backend: 'vllm' | 'sglang' | 'trtllm') => (pool: InstancePool): PerfModel => {
      const key = `${backend}/${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}`;
      let mdl = calCache.get(key);
      if (!mdl) calCache.set(key, (mdl = createPerfModel(gpu(pool.gpu), catalog.llms.get(pool.llm)!, pool, { calibration, backend, coefficients: v.set, moeCalibration: v.moe })));
      return mdl;
    };
    const asRow = (run: (typeof denseRuns)[number], ttft: number, tpot: number, ep = 1): MoeRowPrediction => ({ id: String(run.line), mode: 'agg', line: run.line, backend: run.backend, gpu: run.gpu, llm: run.llm, precision: run.precision, tp: run.tp, ep, concurrency: run.concurrency, isl: run.inputTokens, osl: run.outputTokens, measured_ttft_ms: run.ttftSeconds * 1e3, measured_tpot_ms: run.tpotSeconds * 1e3, predicted_ttft_ms: ttft, predicted_tpot_ms: tpot });
    const moeCal = moeRuns.map((r) => {
      const overhead = requestOverheadSeconds(fold.scopes, r.run);
      const res = runServingBenchmark({ ...benchmarkSpecOf(r), ...(overhead > 0 ? { requestOverheadSeconds: overhead } : {}), ...(fold.clientGapSeconds ? { clientGapSeconds: fold.clientGapSeconds } : {}) }, calModels(r.run.backend), { seed: 1, requestCount: r.run.concurrency * MEASURED_RUN_REQUESTS_PER_CLIENT });
      return asRow(r.run, res.ttft_ms.mean, res.tpot_ms.mean, r.ep);
    });
    report(`calibrated (logo fold without ${target}, client gap ${fold.clientGapSeconds} s) ${name}: ${target} MoE agg, ${moeCal.length} runs: ${summary(moeCal)}`);
    const denseCal = denseRuns.map((run) => {
      const res = runServingBenchmark(measuredRunSpec(run, catalog, calibration), calModels(run.backend), measuredRunOptions(run));
      return asRow(run, res.ttft_ms.mean, res.tpot_ms.mean);
    });
    report(`calibrated (logo fold without ${target}) ${name}: ${target} dense agg, ${denseCal.length} runs: ${summary(denseCal)}`);
    predictions.set(`${name}/calibrated`, { moe: moeCal, dense: denseCal });
  }
  // How far each fallback moves a prediction from what H100's own tables give (the fallback's own error, apart from
  // the model's bias against the measurements).
  const gap = (a: readonly MoeRowPrediction[], b: readonly MoeRowPrediction[], k: 'predicted_ttft_ms' | 'predicted_tpot_ms') => medianOf(a.map((x, i) => Math.abs(x[k] / b[i][k] - 1)));
  for (const suffix of ['', '/calibrated']) {
    const own = predictions.get(`own${suffix}`)!;
    for (const name of Object.keys(variants).filter((n) => n !== 'own')) {
      const v = predictions.get(`${name}${suffix}`)!;
      report(`${name}${suffix} vs own tables' prediction, median |ratio − 1|: MoE TTFT ${pct(gap(v.moe, own.moe, 'predicted_ttft_ms'))}, TPOT ${pct(gap(v.moe, own.moe, 'predicted_tpot_ms'))}; dense TTFT ${pct(gap(v.dense, own.dense, 'predicted_ttft_ms'))}, TPOT ${pct(gap(v.dense, own.dense, 'predicted_tpot_ms'))}`);
    }
  }
}
