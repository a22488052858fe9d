/**
 * The disaggregated (xPyD) MoE rows of aiconfigurator's silicon CSV as `benchmark --mode disagg` operating points:
 * prefill and decode worker counts and layouts (each side decoded as the agg rows are, silicon-rows.ts), concurrency
 * from the id's `c{N}`, or, where the id has none, decode_batch_size × decode attention DP × decode workers (the rule
 * holds on all 65 disagg rows of the file that state both; models/serving/silicon-run-record.ts). Most DeepSeek-R1 rows
 * leave `prefill_num_workers`/`decode_num_workers` empty, and nothing else determines them: their ids
 * (`…_c1600_tp8_0_ep8_0_355`) name the concurrency and each side's layout, not the workers — the 83 of them listed
 * again with counts show one id form standing for several sets (B200 TensorRT-LLM fp8 `tp8_0_ep8_0`: 1P1D, 1P4D,
 * 1P5D, 1P6D and 2P1D), and no column records a per-worker batch. An xPyD set without its x and y cannot be
 * simulated, so those rows are counted, except where the same run (identical system, backend, ISL, OSL and measured
 * means) is listed again with its worker counts — then it is scored once, there.
 */
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import { peakFlopsPerSecond } from '../../catalogs/precision.js';
import { parseCsvTable } from '../importers/csv.js';
import type { MeasuredRun } from '../serving/runs.js';
import { cellNumber, disaggConcurrency, reasonCounter, siliconMeasuredRun, siliconRowTarget, type SiliconRows } from '../serving/silicon-run-record.js';
import { decodeRunLayout, layoutOfRun, moePrecisionOf, runLayoutCells } from './silicon-rows.js';

export interface DisaggSide {
  readonly count: number;
  readonly tp: number;
  readonly ep: number;
}

/** One disagg MoE run: the measured run (tp = the decode side's) and both sides' sets. */
export interface MoeDisaggRun {
  readonly id: string;
  readonly run: MeasuredRun;
  readonly prefill: DisaggSide;
  readonly decode: DisaggSide;
  /** Each side's batch size per attention-data-parallel rank (`prefill_batch_size`, `decode_batch_size`), where stated. */
  readonly batchPerRank: { readonly prefill?: number; readonly decode?: number };
}

export type MoeDisaggRows = SiliconRows<MoeDisaggRun>;

function side(r: Record<string, string>, prefix: 'prefill' | 'decode'): DisaggSide | string {
  const count = cellNumber(r[`${prefix}_num_workers`]);
  const d = decodeRunLayout(runLayoutCells(r, `${prefix}_`, 1));
  const layout = layoutOfRun(d.tp, d.dp, d.moeTp, d.moeEp);
  if (typeof layout === 'string') return `${prefix} side: ${layout}`;
  return { count, ...layout };
}

/** Reads the disagg rows of catalog MoE models. */
export function moeSiliconDisaggRuns(text: string, file: string, gpus: ReadonlyMap<string, GpuSpec>, llms: ReadonlyMap<string, LlmSpec>): MoeDisaggRows {
  const records = parseCsvTable(text, file).records;
  const runKey = (r: Record<string, string>) => [r.system, r.backend, r.isl, r.osl, r.silicon_ttft_ms, r.silicon_tpot_ms].join('|');
  const withWorkers = new Set(records.filter(({ cells: r }) => r.mode === 'disagg' && r.prefill_num_workers !== '' && r.decode_num_workers !== '').map(({ cells }) => runKey(cells)));
  const runs: MoeDisaggRun[] = [];
  const { unexpressible, skip } = reasonCounter();
  for (const { line, cells: r } of records) {
    const target = siliconRowTarget(r, gpus, llms);
    if (!target?.llm.moe || r.mode !== 'disagg') continue;
    const { gpu, llm } = target;
    const precision = moePrecisionOf(r.gemm_quant_mode, r.moe_quant_mode);
    if (precision === undefined || peakFlopsPerSecond(gpu, precision) === undefined) {
      skip(`${r.moe_quant_mode} weights on ${gpu.id}: not modelled`);
      continue;
    }
    if (r.prefill_num_workers === '' || r.decode_num_workers === '') {
      skip(withWorkers.has(runKey(r)) ? 'the same run listed again with its worker counts: scored once, there' : 'prefill/decode worker counts (the x and y of xPyD) not recorded, and not derivable: the id names the concurrency and each side\'s layout (one id form stands for several xPyD sets among the runs listed with counts), no column names the workers');
      continue;
    }
    const concurrency = disaggConcurrency(r);
    if (typeof concurrency === 'string') {
      skip(concurrency);
      continue;
    }
    const prefill = side(r, 'prefill');
    const decode = side(r, 'decode');
    if (typeof prefill === 'string' || typeof decode === 'string') {
      skip(typeof prefill === 'string' ? prefill : decode as string);
      continue;
    }
    const batch = (cell: string | undefined) => {
      const n = cellNumber(cell);
      return Number.isInteger(n) && n >= 1 ? n : undefined;
    };
    const batchPerRank = { ...(batch(r.prefill_batch_size) !== undefined ? { prefill: batch(r.prefill_batch_size) } : {}), ...(batch(r.decode_batch_size) !== undefined ? { decode: batch(r.decode_batch_size) } : {}) };
    // aiconfigurator's own measurement set, deployed by its generator (models/serving/benchmark-deployment.ts), as the agg rows are.
    runs.push({ id: r.id, prefill, decode, batchPerRank, run: { ...siliconMeasuredRun(r, file, line, { gpu: gpu.id, llm: llm.id, precision, mode: 'disagg', tp: decode.tp, concurrency }), deployment: 'aiconfigurator' } });
  }
  return { runs, unexpressible };
}
