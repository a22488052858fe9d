/**
 * How catalogs/coefficients/*.json are made: every figure fitted here from the public data (passed in as text, so this
 * stays pure). bench/models-builtin.ts writes the JSON; test/data/models-builtin.test.ts refits and compares.
 */
import type { Catalog } from '../catalogs/types.js';
import type { CoefficientSet, GpuEfficiency } from './coefficients.js';
import { estimateGpuEfficiency, fitPowerCalibration, type CapObservation } from './calibrate.js';
import { fitFallbackCalibration, mlEnergyDecodeRows } from './calibrate-fallback.js';
import { estimatePerTensorFp8 } from './gemm-efficiency-fit.js';
import { fitProfile, toPairRecord } from './fit.js';
import { importAicGemm, importAicNccl } from './importers/aiconfigurator.js';
import { importMlEnergy } from './importers/mlenergy.js';
import { importSplitwise } from './importers/splitwise.js';
import { medianOf } from './profile.js';
import { MLENERGY_LLM_IDS, REFERENCE_LLMS } from './reference-llms.js';

export interface BuiltinInputs {
  readonly splitwisePerfModel: string;
  /** aiconfigurator `gemm_perf.csv` text by catalog GPU id. */
  readonly aicGemm: Readonly<Record<string, string>>;
  /** aiconfigurator `nccl_perf.csv` text by catalog GPU id. */
  readonly aicNccl: Readonly<Record<string, string>>;
  readonly mlEnergyRuns: string;
}

/** aiconfigurator kernel folder → catalog GPU id (its NCCL table is `<gpu>/nccl/nccl_perf.csv`, see `aicNcclPath`). */
export const AIC_GPU_IDS: Readonly<Record<string, string>> = {
  'a100_sxm/vllm-0.14.0': 'a100-80gb-sxm',
  'h100_sxm/vllm-0.19.0': 'h100-sxm',
  'h200_sxm/vllm-0.22.0': 'h200',
  'b200_sxm/vllm-0.22.0': 'b200',
  'l40s/vllm-0.14.0': 'l40s',
};

/** The NCCL table path of an `AIC_GPU_IDS` folder. */
export function aicNcclPath(folder: string): string {
  return `aiconfigurator/${folder.split('/')[0]}/nccl/nccl_perf.csv`;
}

/** The GPU whose table measured per-tensor fp8 and bf16 on a GPU with fp8 = 2 × bf16 peak: the reference ratio. */
const FP8_REFERENCE_GPU = 'h100-sxm';

/** GPUs with an fp8 peak and a bf16 grid but no per-tensor fp8 rows get the labelled estimate (gemm-efficiency-fit.ts). */
function fillPerTensorFp8(efficiencies: Record<string, GpuEfficiency>, catalog: Catalog): void {
  const ref = efficiencies[FP8_REFERENCE_GPU]?.gemmGrids;
  if (!ref?.bf16 || !ref.fp8) return;
  for (const [id, eff] of Object.entries(efficiencies)) {
    const grids = eff.gemmGrids;
    if (!grids?.bf16 || grids.fp8 || catalog.gpus.get(id)?.fp8FlopsPerSecond === undefined) continue;
    efficiencies[id] = { ...eff, gemmGrids: { ...grids, fp8: estimatePerTensorFp8(grids.bf16, { bf16: ref.bf16, fp8: ref.fp8, gpu: FP8_REFERENCE_GPU }) } };
  }
}

/** The paper's A40 microbenchmark (DESIGN.md): 300 → 200 W cap, cold prefill at 64K tokens +45%. */
const PAPER_A40_CAP = { capWatts: 200, tdpWatts: 300, slowdown: 1.45 };

/** Fits every built-in coefficient from the data. */
export function fitBuiltinCoefficients(inputs: BuiltinInputs, catalog: Catalog): CoefficientSet {
  const splitwise = importSplitwise(inputs.splitwisePerfModel, 'splitwise/perf_model.csv');
  const llama = splitwise.rows.filter((r) => catalog.llms.has(r.llm));
  const fit = fitProfile(llama, { holdout: 0.2, seed: 1, source: 'splitwise/perf_model.csv' });
  const pairs = fit.instances.map((i) => toPairRecord(i, 'splitwise/perf_model.csv (medians of repeated runs)'));

  const efficiencies: Record<string, GpuEfficiency> = {};
  const gemmPower: number[] = [];
  for (const [gpuId, text] of Object.entries(inputs.aicGemm).sort(([a], [b]) => a.localeCompare(b))) {
    const gpu = catalog.gpus.get(gpuId);
    if (!gpu) continue;
    const rows = importAicGemm(text, `aiconfigurator/${gpuId}/gemm_perf.csv`);
    const nccl = inputs.aicNccl[gpuId];
    if (nccl === undefined) throw new Error(`no aiconfigurator nccl_perf.csv for ${gpuId}`);
    efficiencies[gpuId] = estimateGpuEfficiency(rows, importAicNccl(nccl, `aiconfigurator/${gpuId}/nccl_perf.csv`), gpu, `aiconfigurator gemm_perf.csv and nccl_perf.csv (${gpuId})`);
    for (const r of rows) if (r.powerWatts !== undefined && r.dtype === 'bfloat16' && r.m >= 1024 && r.n >= 4096 && r.k >= 4096) gemmPower.push(r.powerWatts / gpu.tdpWatts);
  }
  fillPerTensorFp8(efficiencies, catalog);
  const mlEnergy = importMlEnergy(inputs.mlEnergyRuns, 'mlenergy/llm_runs_flat.csv').filter((r) => r.gpuModel === 'H100');
  const roofline = fitFallbackCalibration(llama, mlEnergyDecodeRows(mlEnergy, MLENERGY_LLM_IDS, 'h100-sxm'), {
    gpu: (id) => catalog.gpus.get(id),
    llm: (id) => catalog.llms.get(id) ?? REFERENCE_LLMS.get(id),
  }, efficiencies, {
    from: 'fixed and decode terms: ML.ENERGY vLLM runs on H100 (Llama-3.1/3.3 8B/70B, Qwen3 8B/14B/32B); prefill token terms: ' +
      'splitwise/perf_model.csv Llama2-70B on A100/H100; kernel fractions and floors from aiconfigurator GEMM tables',
  });

  const prefillTdpFraction = gemmPower.length > 0 ? Math.min(1, medianOf(gemmPower)) : 1;
  const h100 = catalog.gpus.get('h100-sxm');
  if (!h100) throw new Error('the catalog has no h100-sxm to calibrate power on');
  const caps: CapObservation[] = [];
  const ratios: number[] = [];
  for (const capped of llama.filter((r) => r.powerCapWatts !== undefined && r.phase === 'prefill' && r.batch * r.inputTokens >= 2048)) {
    const free = llama.find((r) => r.powerCapWatts === undefined && r.phase === 'prefill' && r.gpu === capped.gpu && r.tp === capped.tp && r.batch === capped.batch && r.inputTokens === capped.inputTokens);
    if (free) ratios.push(capped.latencySeconds / free.latencySeconds);
  }
  if (ratios.length > 0) caps.push({ powerRatio: 490 / (prefillTdpFraction * h100.tdpWatts), slowdown: medianOf(ratios), from: `Splitwise H100 power-capped prefill (${ratios.length} configurations ≥ 2048 tokens)` });
  caps.push({ powerRatio: PAPER_A40_CAP.capWatts / (prefillTdpFraction * PAPER_A40_CAP.tdpWatts), slowdown: PAPER_A40_CAP.slowdown, from: 'ConServe paper A40 300→200 W, 64K-token prefill +45%' });
  const runs = mlEnergy.filter((r) => r.weightPrecision === 'bfloat16');
  const power = fitPowerCalibration(runs, h100, prefillTdpFraction, caps, `decode: ML.ENERGY H100 bf16 dense runs; prefill: aiconfigurator H200/B200 GEMM power (${gemmPower.length} readings)`);
  return { pairs, roofline, power };
}
