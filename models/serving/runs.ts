/**
 * Measured end-to-end serving runs (a benchmark of one engine at a fixed concurrency, ISL and OSL) as every importer
 * returns them, and the mapping of the names benchmark tools use (Hugging Face ids, aiconfigurator system names) to
 * catalog ids. Rows that name a model or GPU the catalog lacks are never dropped silently: importers count them.
 */

/** Serving stacks a calibration distinguishes: their schedulers and CPU paths differ, so each gets its own overheads. */
export const BACKENDS = ['vllm', 'sglang', 'trtllm'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Weight/GEMM precision of a run (the `precision` branch's `Precision`, repeated here until it lands in catalogs/types.ts). */
export const RUN_PRECISIONS = ['bf16', 'fp8', 'fp4'] as const;
export type RunPrecision = (typeof RUN_PRECISIONS)[number];

/** One measured benchmark run, latencies as the tool reported them (means over the run's requests). */
export interface MeasuredRun {
  /** File the run came from (as the user named it) and its 1-based line (1 for whole-file JSON exports). */
  readonly source: string;
  readonly line: number;
  readonly backend: Backend;
  readonly gpu: string;
  readonly llm: string;
  /** The model as the file named it (e.g. `Qwen/Qwen3-32B`). */
  readonly modelName: string;
  readonly precision: RunPrecision;
  readonly mode: 'agg' | 'disagg';
  readonly tp: number;
  /** Closed-loop concurrency (agg: the benchmark's client count). */
  readonly concurrency: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly ttftSeconds: number;
  readonly tpotSeconds: number;
  /**
   * Who deployed the engine, where a file says so: `aiconfigurator` for the aiconfigurator silicon CSV (its generator's
   * engine limits apply: models/serving/benchmark-deployment.ts). Absent: the engine's defaults.
   */
  readonly deployment?: 'aiconfigurator';
}

/** Rows an importer read but could not use, counted by reason (e.g. `model Qwen/Qwen3-235B-A22B-FP8 not in the catalog`). */
export interface SkippedRuns {
  readonly reason: string;
  readonly count: number;
  /** First few lines, for the user to look at. */
  readonly lines: readonly number[];
}

export interface ImportedRuns {
  readonly format: RunFormat;
  readonly runs: readonly MeasuredRun[];
  readonly skipped: readonly SkippedRuns[];
}

export const RUN_FORMATS = ['aiconfigurator', 'vllm-bench', 'aiperf', 'genai-perf'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];

/** aiconfigurator `system` names → catalog GPU ids (only systems with a catalog entry). */
export const AIC_SYSTEM_GPU_IDS: Readonly<Record<string, string>> = {
  h100_sxm: 'h100-sxm',
  h200_sxm: 'h200',
  b200_sxm: 'b200',
  a100_sxm: 'a100-80gb-sxm',
  l40s: 'l40s',
};

/** Suffixes of published checkpoints that name a quantisation or a tuning, not another architecture. */
const CHECKPOINT_SUFFIXES = /-(instruct|chat|base|fp8|fp8-dynamic|nvfp4|fp4|awq|gptq|int4|int8|w8a8|w4a16)$/i;

/**
 * A model name as benchmark tools write it → a catalog LLM id, or undefined. `Qwen/Qwen3-32B` → `qwen3-32b`,
 * `meta-llama/Llama-3.1-8B-Instruct` → `llama-3.1-8b`, `nvidia/Qwen3-32B-NVFP4` → `qwen3-32b`: the organisation is
 * dropped, the name lower-cased, and tuning/quantisation suffixes removed (an Instruct model has its base's shapes).
 */
export function catalogLlmId(modelName: string, known: (id: string) => boolean): string | undefined {
  let name = (modelName.split('/').pop() ?? modelName).trim().toLowerCase();
  if (known(name)) return name;
  for (let i = 0; i < 3 && CHECKPOINT_SUFFIXES.test(name); i++) {
    name = name.replace(CHECKPOINT_SUFFIXES, '');
    if (known(name)) return name;
  }
  return undefined;
}

/**
 * Published models whose architecture the catalog cannot express yet, by the name catalogLlmId reads (organisation
 * dropped, lower-cased), with what is missing: their runs are counted under this reason, never scored.
 */
export const UNEXPRESSIBLE_LLMS: Readonly<Record<string, string>> = {
  'glm-5': 'DeepSeek Sparse Attention: MLA whose decode reads a top-k of the cached tokens chosen by an indexer with its own per-token key cache; the step model prices dense MLA over the whole context and the KV accounting has no indexer cache',
};

/** Why a model the catalog lacks is not scored: what its architecture needs (UNEXPRESSIBLE_LLMS), or that it is absent. */
export function missingLlmReason(modelName: string): string {
  const name = (modelName.split('/').pop() ?? modelName).trim().toLowerCase();
  const why = UNEXPRESSIBLE_LLMS[name.replace(CHECKPOINT_SUFFIXES, '')];
  return why === undefined ? `model ${JSON.stringify(modelName)} not in the catalog` : `model ${JSON.stringify(modelName)} not expressible (${why})`;
}

/** Accumulates skipped rows by reason, keeping the first five lines of each. */
export class SkipCounter {
  private readonly byReason = new Map<string, { count: number; lines: number[] }>();
  add(reason: string, line: number): void {
    const entry = this.byReason.get(reason) ?? { count: 0, lines: [] };
    entry.count += 1;
    if (entry.lines.length < 5) entry.lines.push(line);
    this.byReason.set(reason, entry);
  }
  list(): SkippedRuns[] {
    return [...this.byReason.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, e]) => ({ reason, count: e.count, lines: e.lines }));
  }
}
