/**
 * The disaggregated (xPyD) runs of dense catalog models in aiconfigurator's silicon CSV, as `benchmark --mode disagg`
 * operating points: each side's worker count and TP, and the closed loop's concurrency. Rows that cannot be run are
 * counted by reason, never dropped. Concurrency and the run record: silicon-run-record.ts, shared with the MoE readers.
 */
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import { peakFlopsPerSecond } from '../../catalogs/precision.js';
import { parseCsvTable } from '../importers/csv.js';
import type { MeasuredRun, RunPrecision } from './runs.js';
import { cellNumber, disaggConcurrency, reasonCounter, siliconMeasuredRun, siliconRowTarget, type SiliconRows } from './silicon-run-record.js';

export interface DisaggSet {
  readonly count: number;
  readonly tp: number;
}

/** One dense disagg run: the measured run (tp = the decode side's, concurrency the whole set's) and both sets. */
export interface DenseDisaggRun {
  readonly id: string;
  readonly run: MeasuredRun;
  readonly prefill: DisaggSet;
  readonly decode: DisaggSet;
}

export type DenseDisaggRows = SiliconRows<DenseDisaggRun>;

const positiveWhole = (x: number) => Number.isInteger(x) && x >= 1;

/** The GEMM format of a row (fp8 and block-scaled fp8 alike; nvfp4 is fp4; empty is the checkpoint's bf16). */
function precisionOf(gemmQuant: string): RunPrecision | undefined {
  if (gemmQuant === '' || gemmQuant === 'bfloat16') return 'bf16';
  if (/fp4/.test(gemmQuant)) return 'fp4';
  if (/fp8/.test(gemmQuant)) return 'fp8';
  return undefined;
}

/** Reads the disagg rows of dense catalog models (MoE models: models/moe/silicon-disagg-rows.ts). */
export function denseSiliconDisaggRuns(text: string, file: string, gpus: ReadonlyMap<string, GpuSpec>, llms: ReadonlyMap<string, LlmSpec>): DenseDisaggRows {
  const runs: DenseDisaggRun[] = [];
  const { unexpressible, skip } = reasonCounter();
  for (const { line, cells: r } of parseCsvTable(text, file).records) {
    if (r.mode !== 'disagg') continue;
    const target = siliconRowTarget(r, gpus, llms);
    if (!target || target.llm.moe) continue;
    const { gpu, llm } = target;
    const precision = precisionOf(r.gemm_quant_mode ?? '');
    if (precision === undefined || peakFlopsPerSecond(gpu, precision) === undefined) {
      skip(`${r.gemm_quant_mode} GEMMs on ${gpu.id}: not modelled`);
      continue;
    }
    const prefill = { count: cellNumber(r.prefill_num_workers), tp: cellNumber(r.prefill_tp_size) };
    const decode = { count: cellNumber(r.decode_num_workers), tp: cellNumber(r.decode_tp_size) };
    if (![prefill.count, decode.count].every(positiveWhole)) {
      skip('prefill/decode worker counts (the x and y of xPyD) not recorded');
      continue;
    }
    if (![prefill.tp, decode.tp].every(positiveWhole)) {
      skip('a side\'s tp_size not recorded');
      continue;
    }
    if ([r.prefill_pp_size, r.decode_pp_size].some((v) => v !== undefined && v !== '' && v !== '1')) {
      skip('pipeline parallelism (pp_size > 1) not modelled');
      continue;
    }
    if ([r.prefill_attention_dp_size, r.decode_attention_dp_size].some((v) => v !== undefined && v !== '' && v !== '1')) {
      skip('attention data parallelism on a dense model not modelled');
      continue;
    }
    const concurrency = disaggConcurrency(r);
    if (typeof concurrency === 'string') {
      skip(concurrency);
      continue;
    }
    runs.push({ id: r.id, prefill, decode, run: siliconMeasuredRun(r, file, line, { gpu: gpu.id, llm: llm.id, precision, mode: 'disagg', tp: decode.tp, concurrency }) });
  }
  return { runs, unexpressible };
}
