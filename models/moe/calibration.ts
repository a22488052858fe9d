/**
 * The MoE calibration: grouped-GEMM, MLA and all-to-all fits of every GPU with staged aiconfigurator tables (H100,
 * H200, B200; vLLM 0.19), with the held-out errors that say how far to trust them, and the leave-one-GPU-out error of
 * the fallback a GPU without tables gets. Fitted here from CSV text (pure); bench/models-moe-builtin.ts writes the
 * shipped catalogs/coefficients/moe.json and test/data/models-moe.test.ts refits and compares.
 */
import type { GpuSpec } from '../../catalogs/types.js';
import { importAicNccl } from '../importers/aiconfigurator.js';
import { importAicMla, importAicMoe, type MoeKernelRow } from '../importers/aiconfigurator-moe.js';
import { fitAllToAll, type AllToAllCalibration } from './all-to-all.js';
import { crossGpuGroupedGemmMape, fitGroupedGemm, SERVING_ROUTING, type GroupedGemmFit } from './grouped-gemm.js';
import { fitMla, type MlaFit } from './mla.js';
import type { KernelDtype } from './rates.js';

export interface MoeCalibration {
  /** Fits on the tables' balanced rows (the fit's error is reported on these). */
  readonly groupedGemm: readonly GroupedGemmFit[];
  /**
   * Fits on the tables' power-law-routed rows (grouped-gemm.ts `SERVING_ROUTING`, aiconfigurator's own default for a
   * served layer): what a serving step is priced with where present (models/moe/step-time.ts).
   */
  readonly groupedGemmServing?: readonly GroupedGemmFit[];
  readonly mla: readonly MlaFit[];
  readonly allToAll: readonly AllToAllCalibration[];
  /** Leave-one-GPU-out MAPE of the grouped-GEMM fallback, by dtype (what a GPU without tables can expect at best). */
  readonly crossGpuGroupedGemmMape: Readonly<Partial<Record<KernelDtype, number>>>;
  readonly from: string;
}

/** aiconfigurator folder → catalog GPU id, for the staged MoE/MLA tables (vllm-0.19.0) and NCCL tables. */
export const AIC_MOE_GPU_IDS: Readonly<Record<string, string>> = {
  h100_sxm: 'h100-sxm',
  h200_sxm: 'h200',
  b200_sxm: 'b200',
};

export interface MoeCalibrationInputs {
  /** By catalog GPU id: the three kernel tables and the NCCL table, as text. */
  readonly tables: Readonly<Record<string, { readonly moe: string; readonly mlaContext: string; readonly mlaGeneration: string; readonly nccl: string }>>;
}

/** Fits every table given; GPUs missing from the catalog are skipped. */
export function fitMoeCalibration(inputs: MoeCalibrationInputs, gpus: ReadonlyMap<string, GpuSpec>): MoeCalibration {
  const groupedGemm: GroupedGemmFit[] = [];
  const groupedGemmServing: GroupedGemmFit[] = [];
  const mla: MlaFit[] = [];
  const allToAll: AllToAllCalibration[] = [];
  const rowsByGpu = new Map<string, { gpu: GpuSpec; rows: readonly MoeKernelRow[] }>();
  for (const [id, t] of Object.entries(inputs.tables).sort(([a], [b]) => a.localeCompare(b))) {
    const gpu = gpus.get(id);
    if (!gpu) continue;
    const dir = Object.entries(AIC_MOE_GPU_IDS).find(([, v]) => v === id)?.[0] ?? id;
    const src = (f: string) => `aiconfigurator/${dir}/vllm-0.19.0/${f}`;
    const rows = importAicMoe(t.moe, src('moe_perf.csv'));
    rowsByGpu.set(id, { gpu, rows });
    groupedGemm.push(...fitGroupedGemm(rows, gpu, src('moe_perf.csv')));
    groupedGemmServing.push(...fitGroupedGemm(rows, gpu, src('moe_perf.csv'), SERVING_ROUTING));
    mla.push(...fitMla(importAicMla(t.mlaContext, 'context', src('mla_context_module_perf.csv')), 'context', gpu, src('mla_context_module_perf.csv')));
    mla.push(...fitMla(importAicMla(t.mlaGeneration, 'generation', src('mla_generation_module_perf.csv')), 'generation', gpu, src('mla_generation_module_perf.csv')));
    allToAll.push(fitAllToAll(importAicNccl(t.nccl, `aiconfigurator/${dir}/nccl/nccl_perf.csv`), gpu, `aiconfigurator/${dir}/nccl/nccl_perf.csv`));
  }
  const dtypes = [...new Set(groupedGemm.map((f) => f.dtype))].sort();
  return {
    groupedGemm, groupedGemmServing, mla, allToAll,
    crossGpuGroupedGemmMape: Object.fromEntries(dtypes.map((d) => [d, crossGpuGroupedGemmMape(groupedGemm, rowsByGpu, d)])),
    from: `aiconfigurator moe_perf.csv, mla_{context,generation}_module_perf.csv (vLLM 0.19) and nccl_perf.csv of ${[...rowsByGpu.keys()].join(', ')}`,
  };
}
