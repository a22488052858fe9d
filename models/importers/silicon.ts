/**
 * aiconfigurator's measured serving runs (`silicon_runs_*.csv`, github.com/ai-dynamo/aiconfigurator, Apache-2.0):
 * one row per benchmark of a real engine. Agg rows carry the closed-loop concurrency in `batch_size`; disagg rows
 * describe an xPyD set (`prefill_*`, `decode_*`). Latencies are ms means over the run.
 *
 * Rows whose model or GPU the catalog lacks, whose precision fleetplan does not model (int4 weight-only), or which
 * are disaggregated (not yet expressible: the benchmark simulates one agg engine) are counted by reason and returned
 * with the runs; malformed rows (missing cells, non-numeric latencies, zero concurrency) are errors, one line each.
 */
import { InputError, type InputIssue } from '../../catalogs/issues.js';
import { AIC_SYSTEM_GPU_IDS, BACKENDS, catalogLlmId, missingLlmReason, SkipCounter, type Backend, type ImportedRuns, type MeasuredRun, type RunPrecision } from '../serving/runs.js';
import { parseCsvTable, requireColumns } from './csv.js';

export const SILICON_COLUMNS = ['backend', 'model_path', 'system', 'precision', 'mode', 'isl', 'osl', 'batch_size', 'tp_size', 'silicon_ttft_ms', 'silicon_tpot_ms'] as const;

/** The silicon CSV's `precision` → fleetplan precision; empty means the checkpoint's bf16. */
const PRECISIONS: Readonly<Record<string, RunPrecision>> = { '': 'bf16', bf16: 'bf16', fp8: 'fp8', fp4: 'fp4' };

/** At most this many problems are printed one per line; the rest are counted in a last line. */
const MAX_ISSUES = 20;

export interface CatalogIds {
  readonly hasGpu: (id: string) => boolean;
  readonly hasLlm: (id: string) => boolean;
}

/** Parses the silicon CSV; throws InputError listing every malformed row (nothing is returned on error). */
export function importSiliconRuns(text: string, file: string, ids: CatalogIds): ImportedRuns {
  const table = parseCsvTable(text, file);
  requireColumns(table, SILICON_COLUMNS, file);
  const issues: InputIssue[] = [];
  const skipped = new SkipCounter();
  const runs: MeasuredRun[] = [];
  const problem = (line: number, path: string, message: string) => issues.push({ code: 'invalid_value', file, path, line, message });
  for (const { line, cells } of table.records) {
    const number = (column: string, what: 'positive' | 'whole'): number | undefined => {
      const raw = cells[column] ?? '';
      const value = raw === '' ? Number.NaN : Number(raw);
      if (!Number.isFinite(value)) return problem(line, column, `found ${JSON.stringify(raw)}, expected a number`), undefined;
      if (value <= 0) return problem(line, column, `found ${value}, expected a ${what === 'whole' ? 'whole number ≥ 1' : 'positive number'}`), undefined;
      if (what === 'whole' && !Number.isInteger(value)) return problem(line, column, `found ${value}, expected a whole number ≥ 1`), undefined;
      return value;
    };
    const backend = cells.backend;
    if (!(BACKENDS as readonly string[]).includes(backend)) {
      problem(line, 'backend', `found ${JSON.stringify(backend)}, expected one of ${BACKENDS.join(', ')}`);
      continue;
    }
    const mode = cells.mode;
    if (mode !== 'agg' && mode !== 'disagg') {
      problem(line, 'mode', `found ${JSON.stringify(mode)}, expected agg or disagg`);
      continue;
    }
    const ttftMs = number('silicon_ttft_ms', 'positive');
    const tpotMs = number('silicon_tpot_ms', 'positive');
    const isl = number('isl', 'whole');
    const osl = number('osl', 'whole');
    if (mode === 'disagg') {
      skipped.add('disaggregated run (xPyD): not in the fit, which is fitted on agg runs; scored in the disagg sections (dense through held-out calibrations, MoE through the held-out MoE calibration, the builtin calibration and uncalibrated) where its xPyD set is known', line);
      continue;
    }
    const concurrency = number('batch_size', 'whole');
    const tp = number('tp_size', 'whole');
    if (ttftMs === undefined || tpotMs === undefined || isl === undefined || osl === undefined || concurrency === undefined || tp === undefined) continue;
    const gpu = AIC_SYSTEM_GPU_IDS[cells.system];
    if (gpu === undefined || !ids.hasGpu(gpu)) {
      skipped.add(`GPU system ${JSON.stringify(cells.system)} not in the catalog`, line);
      continue;
    }
    const llm = catalogLlmId(cells.model_path, ids.hasLlm);
    if (llm === undefined) {
      skipped.add(missingLlmReason(cells.model_path), line);
      continue;
    }
    const precision = PRECISIONS[cells.precision];
    if (precision === undefined) {
      skipped.add(`precision ${JSON.stringify(cells.precision)} (${cells.gemm_quant_mode || 'weights'}) not modelled (bf16, fp8, fp4 are)`, line);
      continue;
    }
    if ((cells.pp_size ?? '1') !== '1' && cells.pp_size !== '') {
      skipped.add('pipeline parallelism (pp_size > 1) not modelled', line);
      continue;
    }
    runs.push({
      source: file, line, deployment: 'aiconfigurator', backend: backend as Backend, gpu, llm, modelName: cells.model_path, precision, mode,
      tp, concurrency, inputTokens: isl, outputTokens: osl, ttftSeconds: ttftMs / 1000, tpotSeconds: tpotMs / 1000,
    });
  }
  if (issues.length > 0) throw new InputError(capIssues(issues, file));
  return { format: 'aiconfigurator', runs, skipped: skipped.list() };
}

/** The first MAX_ISSUES problems, and one line counting the rest. */
export function capIssues(issues: readonly InputIssue[], file: string): InputIssue[] {
  if (issues.length <= MAX_ISSUES) return [...issues];
  return [...issues.slice(0, MAX_ISSUES), { code: 'invalid_value', file, path: '', message: `found ${issues.length - MAX_ISSUES} more problems like these, expected none` }];
}
