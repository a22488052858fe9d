/**
 * `fleetplan calibrate RUNS… [--format F] [--gpu G --tp N --backend B --precision P] [--out calibration.json] [--json]`:
 * imports measured serving runs, prints held-out error (leave-one-model-out, leave-one-GPU-out) and writes a
 * calibration file that `--calibration FILE` applies. Nothing is written when any input has a problem.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { InputError, loadCatalog, packageVersion, readTextFile, type InputIssue } from '../../../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { importRunsText } from '../../../models/importers/runs.js';
import { calibrateServing } from '../../../models/serving/calibrate.js';
import { measuredRunTerms } from '../../benchmark/index.js';
import { calibrationDocument, type CalibrationInput } from '../../../models/serving/calibration-file.js';
import type { ErrorSummary, GroupErrors } from '../../../models/serving/holdout.js';
import { RUN_PRECISIONS, type MeasuredRun, type RunPrecision } from '../../../models/serving/runs.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { writeFileAtomic } from '../write-atomic.js';

export interface CalibrateArgs {
  readonly runs: readonly string[];
  readonly format?: string;
  readonly gpu?: string;
  readonly tp?: number;
  readonly backend?: string;
  readonly precision?: string;
  readonly out?: string;
  readonly json?: boolean;
  readonly catalogFiles?: readonly string[];
}

export async function runCalibrate(args: CalibrateArgs, ctx: CommandContext): Promise<number> {
  if (args.precision !== undefined && !(RUN_PRECISIONS as readonly string[]).includes(args.precision)) {
    throw new InputError([{ code: 'usage', file: '', path: '--precision', message: `found ${JSON.stringify(args.precision)}, expected one of ${RUN_PRECISIONS.join(', ')}` }]);
  }
  const catalog = loadCatalog({ userFiles: (args.catalogFiles ?? []).map((f) => resolve(ctx.cwd, f)) });
  const ids = { hasGpu: (g: string) => catalog.gpus.has(g), hasLlm: (l: string) => catalog.llms.has(l) };
  const issues: InputIssue[] = [];
  const runs: MeasuredRun[] = [];
  const inputs: CalibrationInput[] = [];
  const source = createHash('sha256');
  for (const file of args.runs) {
    try {
      const text = readTextFile(resolve(ctx.cwd, file), { displayName: file });
      const imported = importRunsText(text, file, args.format, {
        ...(args.gpu !== undefined ? { gpu: args.gpu } : {}), ...(args.tp !== undefined ? { tp: args.tp } : {}),
        ...(args.backend !== undefined ? { backend: args.backend } : {}), ...(args.precision !== undefined ? { precision: args.precision as RunPrecision } : {}),
      }, ids);
      const sha256 = createHash('sha256').update(text).digest('hex');
      source.update(sha256);
      runs.push(...imported.runs);
      inputs.push({ file, format: imported.format, sha256, runs: imported.runs.length, skipped: imported.skipped });
    } catch (error) {
      if (error instanceof InputError) issues.push(...error.issues);
      else throw error;
    }
  }
  if (issues.length > 0) throw new InputError(issues);
  const result = calibrateServing(runs, inputs, source.digest('hex'), catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion(), measuredRunTerms(catalog));
  if (result.rows === 0) {
    throw new InputError([{ code: 'invalid_value', file: args.runs.join(', '), path: '', message: `found no run the models can express (${runs.length} imported; ${describeSkips(result.calibration.unexpressible, inputs)}), expected at least one aggregated run of a dense catalog LLM on a catalog GPU` }]);
  }
  const document = calibrationDocument(result.calibration);
  const out = args.out ?? 'calibration.json';
  writeFileAtomic(resolve(ctx.cwd, out), `${JSON.stringify(document, null, 2)}\n`, { inputs: args.runs.map((f) => resolve(ctx.cwd, f)) });
  if (args.json) ctx.stdout(`${JSON.stringify({ out, rows: result.rows, ...document }, null, 2)}\n`);
  else ctx.stdout(renderCalibration(result.calibration, result.rows, out, ctx.stdoutIsTTY));
  return EXIT_OK;
}

function describeSkips(unexpressible: readonly { reason: string; count: number }[], inputs: readonly CalibrationInput[]): string {
  const all = [...inputs.flatMap((i) => i.skipped), ...unexpressible];
  return all.length === 0 ? 'none skipped' : all.map((s) => `${s.count} ${s.reason}`).join('; ');
}

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '—');

function errorCells(s: ErrorSummary): string[] {
  return [pct(s.medianAbs), pct(s.p90Abs), signed(s.signedMedian)];
}

function renderCalibration(c: ReturnType<typeof calibrateServing>['calibration'], rows: number, out: string, terminal: boolean): string {
  let text = '';
  for (const i of c.inputs) {
    text += `${i.file} (${i.format}): ${i.runs} runs imported\n`;
    for (const s of i.skipped) text += `  skipped ${s.count}: ${s.reason}\n`;
  }
  for (const u of c.unexpressible) text += `not expressible ${u.count}: ${u.reason}\n`;
  text += `fitted on ${rows} runs; scopes ${c.scopes.map((s) => `${s.scope} (${s.runs})`).join(', ')}\n`;
  // The client turnaround decides the schedule, so the fit is a fixed point (models/serving/fixed-point-fit.ts).
  if (c.fixedPoint) text += `client turnaround ${+((c.clientGapSeconds ?? 0) * 1000).toFixed(1)} ms (chosen on the runs); fixed point after ${c.fixedPoint.rounds} fit${c.fixedPoint.rounds === 1 ? '' : 's'}, residual ${pct(c.fixedPoint.residual)}${c.fixedPoint.converged ? '' : ' (not converged)'}\n`;
  for (const [name, h] of [['leave-one-model-out', c.heldOut.lomo], ['leave-one-GPU-out', c.heldOut.logo]] as const) {
    if (!h) {
      text += `${name}: not measurable (the runs cover one ${name.includes('model') ? 'model' : 'GPU'} only)\n`;
      continue;
    }
    text += `${name} (never fitted on the rows it predicts): TTFT median ${pct(h.ttft.medianAbs)} p90 ${pct(h.ttft.p90Abs)}, TPOT median ${pct(h.tpot.medianAbs)} p90 ${pct(h.tpot.p90Abs)} (n ${h.tpot.n})\n`;
    text += renderTable(['gpu', 'llm', 'precision', 'backend', 'mode', 'n', 'TTFT med', 'p90', 'signed', 'TPOT med', 'p90', 'signed'],
      h.groups.map((g: GroupErrors) => [g.key.gpu, g.key.llm, g.key.precision, g.key.backend, g.key.mode, String(g.tpot.n), ...errorCells(g.ttft), ...errorCells(g.tpot)]),
      { terminal, align: ['left', 'left', 'left', 'left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'] });
  }
  text += `wrote ${out} (default backend ${c.defaultBackend}; apply with --calibration ${out})\n`;
  return text;
}
