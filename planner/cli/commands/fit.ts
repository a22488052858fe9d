/** `fleetplan fit PROFILE [--format fleetplan|splitwise] [--holdout 0.2] [--seed N] [--json]`: coefficients and held-out error. */
import { resolve } from 'node:path';
import { inputError, readTextFile } from '../../../catalogs/index.js';
import { fitProfile, importProfileText, type FitResult, type ImportedProfile, type PhaseFit } from '../../../models/index.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';

export interface FitArgs {
  readonly profile: string;
  readonly format?: string;
  readonly holdout?: number;
  readonly seed?: number;
  readonly json?: boolean;
}

/** Profiles are small tables; a larger file is refused before it is read. */
const MAX_PROFILE_BYTES = 8 * 1024 * 1024;

/** Fits the profile and prints coefficients with held-out MAPE (and the plain linear baseline's). */
export async function runFit(args: FitArgs, ctx: CommandContext): Promise<number> {
  if (args.seed !== undefined && !Number.isInteger(args.seed)) throw inputError('usage', '', '--seed', `found ${args.seed}, expected a whole number`);
  const text = readTextFile(resolve(ctx.cwd, args.profile), { displayName: args.profile, maxBytes: MAX_PROFILE_BYTES });
  const imported = importProfileText(text, args.profile, args.format);
  const fit = fitProfile(imported.rows, {
    ...(args.holdout !== undefined ? { holdout: args.holdout } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    source: args.profile,
  });
  if (args.json) ctx.stdout(`${JSON.stringify(toJson(fit, imported), null, 2)}\n`);
  else ctx.stdout(renderFit(fit, imported, ctx.stdoutIsTTY));
  return EXIT_OK;
}

const finite = (x: number) => (Number.isFinite(x) ? x : null);

function phaseJson(p: PhaseFit) {
  return {
    coefficients: Object.fromEntries(p.featureNames.map((n, i) => [n, p.coefficients[i]])),
    train_rows: p.trainRows, test_rows: p.testRows,
    train_mape: finite(p.trainMape), held_out_mape: finite(p.heldOutMape), baseline_held_out_mape: finite(p.baselineHeldOutMape),
  };
}

function toJson(fit: FitResult, imported: ImportedProfile) {
  return {
    source: fit.source, format: imported.format, holdout: fit.holdout, seed: fit.seed,
    excluded: imported.excluded.map((e) => ({ count: e.count, reason: e.reason, lines: e.lines })),
    notes: imported.notes,
    instances: fit.instances.map((i) => ({
      gpu: i.gpu, llm: i.llm, tp: i.tp, ...(i.powerCapWatts !== undefined ? { power_cap_w: i.powerCapWatts } : {}),
      prefill: phaseJson(i.prefill), decode: phaseJson(i.decode),
    })),
  };
}

function renderFit(fit: FitResult, imported: ImportedProfile, terminal: boolean): string {
  const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : '—');
  const rows = fit.instances.map((i) => [
    `${i.gpu} / ${i.llm} / tp${i.tp}${i.powerCapWatts !== undefined ? ` @${i.powerCapWatts} W` : ''}`,
    `${i.prefill.trainRows}+${i.prefill.testRows}`, pct(i.prefill.heldOutMape), pct(i.prefill.baselineHeldOutMape),
    `${i.decode.trainRows}+${i.decode.testRows}`, pct(i.decode.heldOutMape), pct(i.decode.baselineHeldOutMape),
  ]);
  let out = `fit of ${fit.source} (${imported.format}), hold-out ${fit.holdout}, seed ${fit.seed}\n`;
  for (const n of imported.notes) out += `note: ${n}\n`;
  for (const e of imported.excluded) out += `excluded ${e.count} rows: ${e.reason} (lines ${e.lines.join(', ')})\n`;
  out += renderTable(['instance', 'prefill rows', 'prefill MAPE', 'linear', 'decode rows', 'decode MAPE', 'linear'], rows, { terminal, align: ['left', 'right', 'right', 'right', 'right', 'right', 'right'] });
  for (const i of fit.instances) {
    const coef = (p: PhaseFit) => p.featureNames.map((n, k) => `${n}=${p.coefficients[k].toExponential(3)}`).join(' ');
    out += `${i.gpu}/${i.llm}/tp${i.tp}${i.powerCapWatts !== undefined ? `@${i.powerCapWatts}W` : ''}\n  prefill: ${coef(i.prefill)}\n  decode:  ${coef(i.decode)}\n`;
  }
  return out;
}
