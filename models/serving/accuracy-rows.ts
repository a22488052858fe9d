/**
 * docs/accuracy-rows.csv: every scored run, one line each — its measured TTFT/TPOT, the held-out predictions of both
 * protocols (what `fleetplan benchmark --calibration <held-out calibration>` prints for it), and the mean TTFT/TPOT
 * terms its kernel benchmark charged (full float precision, so the fit can be redone from this file alone and a
 * re-run of any line's benchmark compared to it exactly). Pure: bench/accuracy.ts writes it, the drift test reads it.
 */
import type { CalibrationRow } from './fit.js';
import type { HeldOutPrediction, HoldoutProtocol } from './holdout.js';
import type { MeasuredRun } from './runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from './step-terms.js';

const RUN_COLUMNS = ['line', 'backend', 'gpu', 'llm', 'precision', 'tp', 'concurrency', 'isl', 'osl', 'measured_ttft_ms', 'measured_tpot_ms'] as const;
const PREDICTION_COLUMNS = ['lomo_ttft_ms', 'lomo_tpot_ms', 'lomo_scope', 'logo_ttft_ms', 'logo_tpot_ms', 'logo_scope'] as const;
const TERM_COLUMNS = [...STEP_TERMS.map((t) => `ttft_${t}`), ...STEP_TERMS.map((t) => `tpot_${t}`)];
export const ACCURACY_ROW_COLUMNS = [...RUN_COLUMNS, ...PREDICTION_COLUMNS, ...TERM_COLUMNS];

const ms = (s: number) => (s * 1000).toPrecision(6);

export function renderAccuracyRows(rows: readonly CalibrationRow[], predictions: Readonly<Record<HoldoutProtocol, readonly HeldOutPrediction[]>>): string {
  const byRow = (protocol: HoldoutProtocol) => new Map(predictions[protocol].map((p) => [p.row, p]));
  const lomo = byRow('lomo');
  const logo = byRow('logo');
  const lines = [ACCURACY_ROW_COLUMNS.join(',')];
  for (const r of rows) {
    const u = r.run;
    const a = lomo.get(r);
    const b = logo.get(r);
    lines.push([
      u.line, u.backend, u.gpu, u.llm, u.precision, u.tp, u.concurrency, u.inputTokens, u.outputTokens, ms(u.ttftSeconds), ms(u.tpotSeconds),
      a ? ms(a.ttftSeconds) : '', a ? ms(a.tpotSeconds) : '', a?.scope ?? '', b ? ms(b.ttftSeconds) : '', b ? ms(b.tpotSeconds) : '', b?.scope ?? '',
      ...r.terms.ttft.map(String), ...r.terms.tpot.map(String),
    ].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** The kernel's terms of each scored run by its source line (for refitting without the kernel): TTFT without the request-overhead unit a row adds. */
export function readAccuracyRowTerms(text: string): Map<number, { ttft: number[]; tpot: number[] }> {
  const [header, ...body] = text.trimEnd().split('\n');
  const columns = header.split(',');
  const at = (name: string) => columns.indexOf(name);
  const out = new Map<number, { ttft: number[]; tpot: number[] }>();
  for (const line of body) {
    const cells = line.split(',');
    out.set(Number(cells[at('line')]), {
      ttft: STEP_TERMS.map((t) => Number(cells[at(`ttft_${t}`)]) - (t === 'request_overhead' ? REQUEST_OVERHEAD_UNIT_SECONDS : 0)),
      tpot: STEP_TERMS.map((t) => Number(cells[at(`tpot_${t}`)])),
    });
  }
  return out;
}

/** A run's identity in the rows file (line numbers are unique within the one staged CSV). */
export const rowKey = (run: Pick<MeasuredRun, 'line'>) => run.line;
