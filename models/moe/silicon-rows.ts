/**
 * The mixture-of-experts rows of aiconfigurator's measured serving runs (`silicon_runs_h100_b200.csv`, read its
 * SOURCE.md) as benchmark operating points: the model, GPU, precision and backend of each run, and its layout in
 * fleetplan's terms. A run's layout is attention `tp_size` × `attention_dp_size` GPUs whose experts are split
 * `moe_tp_size` × `moe_ep_size`; fleetplan's instance is max(tp, ep) GPUs with attention data parallelism gpus/tp and
 * experts tensor-split gpus/ep, so a run is expressible when its two splits agree with one such (tp, ep). Rows that
 * are not expressible are counted by reason, never dropped silently.
 */
import type { GpuSpec, LlmSpec, Precision } from '../../catalogs/types.js';
import { peakFlopsPerSecond } from '../../catalogs/precision.js';
import { parseCsvTable } from '../importers/csv.js';
import type { MeasuredRun } from '../serving/runs.js';
import { cellNumber, reasonCounter, siliconMeasuredRun, siliconRowTarget, type SiliconRows } from '../serving/silicon-run-record.js';

/** One agg MoE run as an operating point fleetplan can benchmark. */
export interface MoeSiliconRun {
  readonly run: MeasuredRun;
  /** fleetplan's layout: attention tp and expert-parallel ep (max(tp, ep) GPUs). */
  readonly ep: number;
  /** The CSV's row id (stable across re-cuts of the file). */
  readonly id: string;
}

export type MoeSiliconRows = SiliconRows<MoeSiliconRun>;

/** The silicon CSV's weight quantisation → fleetplan precision (int4 weight-only is not modelled). */
export function moePrecisionOf(gemmQuant: string, moeQuant: string): Precision | undefined {
  const q = `${moeQuant} ${gemmQuant}`;
  if (/int4/.test(q)) return undefined;
  return /fp4/.test(q) ? 'fp4' : /fp8/.test(q) ? 'fp8' : 'bf16';
}

/** A run's parallel layout as the CSV states it: attention tp × dp, experts moe_tp × moe_ep, and the per-rank batch. */
export interface RunLayoutCells {
  readonly id: string;
  readonly tp: number;
  readonly dp: number;
  readonly moeTp: number;
  readonly moeEp: number;
  readonly batch: number;
}

/** A row's layout cells (a disagg side's under its `prefill_`/`decode_` prefix), an empty cell meaning 1. */
export function runLayoutCells(r: Readonly<Record<string, string>>, prefix: '' | 'prefill_' | 'decode_', batch: number): RunLayoutCells {
  const cell = (column: string) => cellNumber(r[`${prefix}${column}`], 1);
  return { id: r.id, tp: cell('tp_size'), dp: cell('attention_dp_size'), moeTp: cell('moe_tp_size'), moeEp: cell('moe_ep_size'), batch };
}

/**
 * The deployment a row describes. Two encodings occur in the file. Most rows give attention tp × dp = expert
 * moe_tp × moe_ep = the GPUs (`…_tp8_0_ep8_0_…`: tp 8, dp 1, moe_tp 1, moe_ep 8). Rows whose id names `tp{T}_ep{E}` other
 * than the tp_size column, or names no layout at all (`dsr1_b200_…_cfg202`), carry the product T × E in tp_size (or in
 * attention_dp_size) and T, E in moe_tp, moe_ep: `dsr1_b200_sglang_fp4_…_c4_cfg202` (16, 1, 4, 4) repeats the TTFT and
 * TPOT of `2026_04_06_…_c4_tp4_ep4_1037`, whose id says 4 GPUs at tp 4, ep 4 (and no 16-GPU agg DeepSeek-R1 instance
 * exists in the file otherwise). So when moe_tp = moe_ep > 1, tp × dp = moe_tp × moe_ep, and the id does not name
 * `_tp{tp_size}_`, the deployment is E GPUs with attention tp (or dp) = the stated one / E and whole experts per GPU.
 * In both encodings `batch_size` is per attention-data-parallel rank: the benchmark's concurrency (the `c{N}` the id
 * names, taken as is where present) is batch_size × attention_dp_size. TensorRT-LLM's 4000/1000 rows leave
 * attention_dp_size empty while their id's concurrency is batch_size × tp_size (`…_c224_tp4_ep4…`, batch 56): attention
 * data parallelism over all tp_size GPUs (tp 1, dp = tp_size). A third encoding (vLLM MiniMax-M2.5 and Kimi-K2.5) puts the
 * square T × T of a `tp{T}_ep{T}` deployment in moe_ep_size with attention_dp_size = tp_size = T: T GPUs.
 */
export function decodeRunLayout(c: RunLayoutCells): { tp: number; dp: number; moeTp: number; moeEp: number; concurrency: number } {
  const named = /_c(\d+)_/.exec(c.id);
  const concurrency = named ? Number(named[1]) : c.batch * c.dp;
  if (named && c.tp > 1 && concurrency !== c.batch * c.dp && concurrency === c.batch * c.tp * c.dp) {
    return { tp: 1, dp: c.tp * c.dp, moeTp: c.moeTp, moeEp: c.moeEp, concurrency };
  }
  // vLLM's MiniMax-M2.5 and Kimi-K2.5 rows state tp_size = attention_dp_size = T and moe_ep_size = T × T for the
  // deployment their ids name `_tp{T}_ep{T}` (`2026_04_06_kimi_k2_5_b200_sxm_vllm_fp4_agg_1024x1024_c32_tp4_ep4_1295`:
  // 4, 4, 1, 16, batch 8); the `cfg` ids that repeat the same measured means (`kimik2_5_b200_vllm_fp4_agg_1024x1024_c32_cfg635`)
  // state the same cells. So tp = dp = T with moe_ep = T² is T GPUs, attention tp T, experts ep T (not T² GPUs, two B200 nodes).
  if (c.tp > 1 && c.dp === c.tp && c.moeTp === 1 && c.moeEp === c.tp * c.dp && !c.id.includes(`_tp${c.moeEp}_`)) {
    return { tp: c.tp, dp: 1, moeTp: 1, moeEp: c.tp, concurrency };
  }
  const product = c.moeTp === c.moeEp && c.moeEp > 1 && c.tp * c.dp === c.moeTp * c.moeEp && !c.id.includes(`_tp${c.tp}_`);
  if (!product) return { tp: c.tp, dp: c.dp, moeTp: c.moeTp, moeEp: c.moeEp, concurrency };
  const gpus = c.moeEp;
  return c.dp === 1 ? { tp: c.tp / gpus, dp: 1, moeTp: 1, moeEp: gpus, concurrency } : { tp: c.tp, dp: c.dp / gpus, moeTp: 1, moeEp: gpus, concurrency };
}

/**
 * (tp, ep) of fleetplan's instance for a deployment's attention tp × dp and expert moe_tp × moe_ep split, or the reason
 * there is none.
 */
export function layoutOfRun(tp: number, dp: number, moeTp: number, moeEp: number): { tp: number; ep: number } | string {
  const gpus = tp * dp;
  if (moeTp * moeEp !== gpus) return `expert split ${moeTp} × ${moeEp} does not cover the ${tp} × ${dp} attention GPUs`;
  // dp = 1: attention over all GPUs, experts split moe_tp × moe_ep = fleetplan's tp = gpus, ep = moe_ep (moeTp = gpus/ep).
  if (dp === 1) return { tp, ep: moeEp };
  // dp > 1: fleetplan's attention data parallelism comes with whole experts per GPU (ep = gpus).
  if (moeTp === 1) return { tp, ep: gpus };
  return 'attention data parallelism with tensor-split experts (attention_dp_size > 1 and moe_tp_size > 1): fleetplan splits experts tp-wise only when attention is not data-parallel';
}

/** Reads the agg rows of catalog MoE models; `gpus`/`llms` are the catalog's. */
export function moeSiliconRuns(text: string, file: string, gpus: ReadonlyMap<string, GpuSpec>, llms: ReadonlyMap<string, LlmSpec>): MoeSiliconRows {
  const runs: MoeSiliconRun[] = [];
  const { unexpressible, skip } = reasonCounter();
  const seen = new Set<string>();
  for (const { line, cells: r } of parseCsvTable(text, file).records) {
    const target = siliconRowTarget(r, gpus, llms);
    if (!target?.llm.moe || r.mode !== 'agg') continue;
    const { gpu, llm } = target;
    const precision = moePrecisionOf(r.gemm_quant_mode, r.moe_quant_mode);
    if (precision === undefined) {
      skip('int4 weight-only quantisation is not modelled');
      continue;
    }
    if (peakFlopsPerSecond(gpu, precision) === undefined) {
      skip(`${precision} weights on ${gpu.id}: weight-only ${precision} on a GPU without ${precision} tensor cores (gpt-oss MXFP4 on Hopper) is not modelled`);
      continue;
    }
    if (cellNumber(r.pp_size, 1) !== 1) {
      skip('pipeline parallelism (pp_size > 1) not modelled');
      continue;
    }
    const d = decodeRunLayout(runLayoutCells(r, '', Number(r.batch_size)));
    const layout = layoutOfRun(d.tp, d.dp, d.moeTp, d.moeEp);
    if (typeof layout === 'string') {
      skip(layout);
      continue;
    }
    // The file lists some runs twice under two ids (`2026_03_25_…` and `2026_04_06_…`, same layout, load and means).
    const key = [r.backend, gpu.id, r.model_path, precision, layout.tp, layout.ep, d.concurrency, r.isl, r.osl, r.silicon_ttft_ms, r.silicon_tpot_ms].join('|');
    if (seen.has(key)) {
      skip('the same run listed twice (identical layout, load and measured means): scored once');
      continue;
    }
    seen.add(key);
    runs.push({
      id: r.id,
      ep: layout.ep,
      // aiconfigurator's own measurement set, deployed by its generator (models/serving/benchmark-deployment.ts), as the dense rows are.
      run: { ...siliconMeasuredRun(r, file, line, { gpu: gpu.id, llm: llm.id, precision, mode: 'agg', tp: layout.tp, concurrency: d.concurrency }), deployment: 'aiconfigurator' },
    });
  }
  return { runs, unexpressible };
}
