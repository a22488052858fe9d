/**
 * docs/accuracy-rows.csv: every scored run, one line each — its measured TTFT/TPOT, the held-out predictions of both
 * protocols (what `fleetplan benchmark --calibration <held-out calibration>` prints for it), and the mean TTFT/TPOT
 * terms its benchmark charged: under the calibration fitted on every run (`ttft_*`, `tpot_*`), and under each
 * protocol's held-out calibration (`lomo_ttft_*`, …; the client turnaround and the step times decide
 * the schedule, so each calibration has its own terms). Full float precision: a prediction is the held-out
 * coefficients (docs/accuracy-folds.json) × these terms exactly, and a re-run of any line's benchmark can be compared
 * to it exactly. Pure: bench/accuracy.ts writes it, the drift test reads it.
 */
import type { CalibrationRow } from './fit.js';
import type { HeldOutPrediction, HoldoutProtocol } from './holdout.js';
import type { MeasuredRun } from './runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from './step-terms.js';

const RUN_COLUMNS = ['line', 'backend', 'gpu', 'llm', 'precision', 'tp', 'concurrency', 'isl', 'osl', 'measured_ttft_ms', 'measured_tpot_ms'] as const;
const PREDICTION_COLUMNS = ['lomo_ttft_ms', 'lomo_tpot_ms', 'lomo_scope', 'logo_ttft_ms', 'logo_tpot_ms', 'logo_scope'] as const;
const termColumns = (prefix: string) => [...STEP_TERMS.map((t) => `${prefix}ttft_${t}`), ...STEP_TERMS.map((t) => `${prefix}tpot_${t}`)];
const TERM_SETS = ['', 'lomo_', 'logo_'] as const;
export const ACCURACY_ROW_COLUMNS = [...RUN_COLUMNS, ...PREDICTION_COLUMNS, ...TERM_SETS.flatMap(termColumns)];

const ms = (s: number) => (s * 1000).toPrecision(6);
/** A prediction as the benchmark printed it (ms, its own 9 significant digits), so the file reproduces the doc exactly. */
const predictedMs = (p: HeldOutPrediction, metric: 'ttft' | 'tpot') => (p.row.printed ? String(metric === 'ttft' ? p.row.printed.ttftMs : p.row.printed.tpotMs) : ms(metric === 'ttft' ? p.ttftSeconds : p.tpotSeconds));
const termCells = (r: CalibrationRow | undefined) => (r ? [...r.terms.ttft.map(String), ...r.terms.tpot.map(String)] : new Array<string>(2 * STEP_TERMS.length).fill(''));

export function renderAccuracyRows(rows: readonly CalibrationRow[], predictions: Readonly<Record<HoldoutProtocol, readonly HeldOutPrediction[]>>): string {
  const byRun = (protocol: HoldoutProtocol) => new Map(predictions[protocol].map((p) => [p.row.run, p]));
  const lomo = byRun('lomo');
  const logo = byRun('logo');
  const lines = [ACCURACY_ROW_COLUMNS.join(',')];
  for (const r of rows) {
    const u = r.run;
    const a = lomo.get(u);
    const b = logo.get(u);
    lines.push([
      u.line, u.backend, u.gpu, u.llm, u.precision, u.tp, u.concurrency, u.inputTokens, u.outputTokens, ms(u.ttftSeconds), ms(u.tpotSeconds),
      a ? predictedMs(a, 'ttft') : '', a ? predictedMs(a, 'tpot') : '', a?.scope ?? '', b ? predictedMs(b, 'ttft') : '', b ? predictedMs(b, 'tpot') : '', b?.scope ?? '',
      ...termCells(r), ...termCells(a?.row), ...termCells(b?.row),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** A benchmark's terms as stored, TTFT without the request-overhead unit a row adds (what the kernel charged), and what it printed (held-out protocols). */
export interface StoredTerms {
  readonly ttft: number[];
  readonly tpot: number[];
  readonly printed?: { readonly ttftMs: number; readonly tpotMs: number };
}

/** The stored terms of each scored run by its source line: under the all-runs calibration and each protocol's held-out one. */
export function readAccuracyRowTerms(text: string): Map<number, { all: StoredTerms; lomo?: StoredTerms; logo?: StoredTerms }> {
  // A protocol's terms come with the prediction its benchmark printed (ms).
  const [header, ...body] = text.trimEnd().split('\n');
  const columns = header.split(',');
  const at = (name: string) => columns.indexOf(name);
  const out = new Map<number, { all: StoredTerms; lomo?: StoredTerms; logo?: StoredTerms }>();
  for (const line of body) {
    const cells = line.split(',');
    const read = (prefix: string): StoredTerms | undefined => {
      if (cells[at(`${prefix}ttft_memory`)] === '') return undefined;
      return {
        ttft: STEP_TERMS.map((t) => Number(cells[at(`${prefix}ttft_${t}`)]) - (t === 'request_overhead' ? REQUEST_OVERHEAD_UNIT_SECONDS : 0)),
        tpot: STEP_TERMS.map((t) => Number(cells[at(`${prefix}tpot_${t}`)])),
        ...(prefix !== '' ? { printed: { ttftMs: Number(cells[at(`${prefix}ttft_ms`)]), tpotMs: Number(cells[at(`${prefix}tpot_ms`)]) } } : {}),
      };
    };
    const lomo = read('lomo_');
    const logo = read('logo_');
    out.set(Number(cells[at('line')]), { all: read('') as StoredTerms, ...(lomo ? { lomo } : {}), ...(logo ? { logo } : {}) });
  }
  return out;
}

/** A run's identity in the rows file (line numbers are unique within the one staged CSV). */
export const rowKey = (run: Pick<MeasuredRun, 'line'>) => run.line;
