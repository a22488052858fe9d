/**
 * One measured latency, whatever format it came from: the importers turn every public format into these rows
 * (seconds, tokens, watts per instance), and the fitter consumes only these.
 */

export type Phase = 'prefill' | 'decode';

export interface ProfileRow {
  readonly gpu: string;
  readonly llm: string;
  readonly tp: number;
  readonly phase: Phase;
  /** Sequences in the batch. */
  readonly batch: number;
  /** Prefill: new tokens per sequence. Decode: 0. */
  readonly inputTokens: number;
  /** Prefill: tokens already cached per sequence. Decode: mean context per sequence during the measured steps. */
  readonly contextTokens: number;
  /** Prefill: whole batch's prefill time. Decode: one engine step (time between tokens). */
  readonly latencySeconds: number;
  /** Per-GPU power cap in force while measuring; undefined = uncapped (TDP). */
  readonly powerCapWatts?: number;
  /** Instance power (all tp GPUs) while measuring, when recorded. */
  readonly powerWatts?: number;
  /** How many raw rows were merged (median) into this one. */
  readonly repeats: number;
  /** 1-based line of the first raw row in its file. */
  readonly line: number;
}

/** Rows the importer set aside, counted and said (house style: never drop silently). */
export interface ExcludedRows {
  readonly count: number;
  readonly reason: string;
  readonly lines: readonly number[];
}

export interface ImportedProfile {
  readonly format: string;
  readonly rows: readonly ProfileRow[];
  readonly excluded: readonly ExcludedRows[];
  readonly notes: readonly string[];
}

/** Median of a non-empty list. */
export function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Groups rows of one (gpu, llm, tp) instance. Key order is sorted for deterministic output. */
export function groupByInstance(rows: readonly ProfileRow[]): Map<string, ProfileRow[]> {
  const map = new Map<string, ProfileRow[]>();
  for (const r of rows) {
    const key = instanceKey(r.gpu, r.llm, r.tp);
    const list = map.get(key);
    if (list) list.push(r);
    else map.set(key, [r]);
  }
  return new Map([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

export function instanceKey(gpu: string, llm: string, tp: number): string {
  return `${gpu}/${llm}/tp${tp}`;
}
