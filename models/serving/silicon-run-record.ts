/**
 * What every reader of aiconfigurator's silicon CSV rows as `benchmark` operating points makes of a row the same way
 * (dense disagg: disagg-rows.ts; MoE agg and disagg: models/moe/silicon-rows.ts, silicon-disagg-rows.ts): the
 * catalog GPU and LLM a row names, the runs read with the rows that cannot be run counted by reason, a disagg row's
 * closed-loop concurrency, and the MeasuredRun a row records.
 *
 * Disagg concurrency: the id's `c{N}` where it has one; otherwise decode_batch_size × decode_attention_dp_size ×
 * decode_num_workers (each decode worker's per-rank batch, summed over ranks and workers). The rule is checked on
 * every disagg row of the file that states both — all agree (`concurrencyFromColumns`, test/unit/serving/disagg-rows.test.ts).
 */
import type { GpuSpec, LlmSpec } from '../../catalogs/types.js';
import { AIC_SYSTEM_GPU_IDS, BACKENDS, catalogLlmId, type Backend, type MeasuredRun, type RunPrecision } from './runs.js';

/** The runs a reader made of the file, and the rows of catalog models it could not run, counted by reason. */
export interface SiliconRows<Run> {
  readonly runs: readonly Run[];
  /** Rows of catalog models that are not scored (not expressible yet, or a repeat), by reason. */
  readonly unexpressible: ReadonlyMap<string, number>;
}

/** Unrunnable rows counted by reason (in the order the reasons first occur), and the function that counts one. */
export function reasonCounter(): { readonly unexpressible: Map<string, number>; readonly skip: (reason: string) => void } {
  const unexpressible = new Map<string, number>();
  return { unexpressible, skip: (reason) => void unexpressible.set(reason, (unexpressible.get(reason) ?? 0) + 1) };
}

/**
 * The catalog GPU and LLM a row names, when both are in the catalog and its backend is one fleetplan simulates; else
 * undefined: a row of a model or system outside the catalog is not a run these readers could score (the importer,
 * models/importers/silicon.ts, counts those).
 */
export function siliconRowTarget(r: Readonly<Record<string, string>>, gpus: ReadonlyMap<string, GpuSpec>, llms: ReadonlyMap<string, LlmSpec>): { gpu: GpuSpec; llm: LlmSpec } | undefined {
  const llmId = catalogLlmId(r.model_path, (id) => llms.has(id));
  const llm = llmId === undefined ? undefined : llms.get(llmId);
  const gpu = gpus.get(AIC_SYSTEM_GPU_IDS[r.system] ?? '');
  if (!llm || !gpu || !(BACKENDS as readonly string[]).includes(r.backend)) return undefined;
  return { gpu, llm };
}

/** A numeric cell; an empty or absent one is `fallback` (NaN: not recorded). */
export const cellNumber = (raw: string | undefined, fallback = Number.NaN): number => (raw === undefined || raw === '' ? fallback : Number(raw));

/**
 * A disagg row's concurrency from its columns: decode_batch_size per attention rank × ranks × decode workers, or NaN
 * when a column is missing.
 */
export function concurrencyFromColumns(r: Readonly<Record<string, string>>): number {
  const dp = r.decode_attention_dp_size === '' || r.decode_attention_dp_size === undefined ? 1 : Number(r.decode_attention_dp_size);
  return cellNumber(r.decode_batch_size) * dp * cellNumber(r.decode_num_workers);
}

/** The concurrency the id names (`…_c480_…`), or NaN. */
export function concurrencyFromId(id: string): number {
  const m = /_c(\d+)_/.exec(id);
  return m ? Number(m[1]) : Number.NaN;
}

/** A disagg row's closed-loop concurrency (the id's, else its columns'), or why it has none. */
export function disaggConcurrency(r: Readonly<Record<string, string>>): number | string {
  const named = concurrencyFromId(r.id);
  const columns = concurrencyFromColumns(r);
  if (Number.isFinite(named) && Number.isFinite(columns) && named !== columns) {
    return 'the id\'s concurrency and decode_batch_size × attention DP × decode workers disagree';
  }
  const concurrency = Number.isFinite(named) ? named : columns;
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) return 'concurrency neither in the run id nor in decode_batch_size × decode workers';
  return concurrency;
}

/** What a reader decided about a row: the catalog ids it names, its precision, mode, tp and concurrency. */
export interface SiliconRunTerms {
  readonly gpu: string;
  readonly llm: string;
  readonly precision: RunPrecision;
  readonly mode: 'agg' | 'disagg';
  readonly tp: number;
  readonly concurrency: number;
}

/** The measured run a row records (line 1-based in `source`); load and latencies are the row's own cells. */
export function siliconMeasuredRun(r: Readonly<Record<string, string>>, source: string, line: number, t: SiliconRunTerms): MeasuredRun {
  return {
    source, line, backend: r.backend as Backend, gpu: t.gpu, llm: t.llm, modelName: r.model_path, precision: t.precision, mode: t.mode,
    tp: t.tp, concurrency: t.concurrency, inputTokens: Number(r.isl), outputTokens: Number(r.osl),
    ttftSeconds: Number(r.silicon_ttft_ms) / 1000, tpotSeconds: Number(r.silicon_tpot_ms) / 1000,
  };
}
