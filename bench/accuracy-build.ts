/**
 * Reads the staged silicon runs and builds docs/accuracy.md, docs/accuracy-rows.csv, docs/accuracy-folds.json and the
 * built-in calibration (shared by the script and its test). The script runs every fixed-point fit through the kernel
 * benchmarks; the drift test passes the stored fits and terms instead (docs/accuracy-folds.json and
 * docs/accuracy-rows.csv: every file is re-rendered from them) and re-runs a stratified subset of the benchmarks to
 * check that they are what the kernel charges.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../models/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { renderAccuracyDoc } from '../models/serving/accuracy-doc.js';
import { renderAccuracyRows } from '../models/serving/accuracy-rows.js';
import { readAccuracyFolds, renderAccuracyFolds } from '../models/serving/accuracy-folds.js';
import { readAccuracyRowTerms } from '../models/serving/accuracy-rows.js';
import { assembleCalibration, calibrateServing, type CalibrateResult } from '../models/serving/calibrate.js';
import { printedPrediction } from '../models/serving/fixed-point-fit.js';
import type { HeldOutPrediction, HoldoutProtocol } from '../models/serving/holdout.js';
import { calibrationRows, rowTerms } from '../models/serving/rows.js';
import { calibrationDocument } from '../models/serving/calibration-file.js';
import type { MeasuredRun } from '../models/serving/runs.js';
import { measuredRunTerms } from '../planner/benchmark/index.js';
import { renderMoeAccuracySection, type StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { MOE_ROWS_FILE } from './moe-accuracy-build.js';
import { denseDisaggSection } from './disagg-accuracy-build.js';

export const SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';

export interface AccuracyArtifacts {
  readonly doc: string;
  readonly rows: string;
  readonly folds: string;
  readonly calibration: string;
  readonly result: CalibrateResult;
  readonly runs: readonly MeasuredRun[];
}

/** The stored fits and terms (the files npm run accuracy wrote), for a rebuild without the kernel. */
export interface StoredAccuracy {
  readonly rowsText: string;
  readonly foldsText: string;
}

export function buildAccuracyArtifacts(root: string, stored?: StoredAccuracy): AccuracyArtifacts {
  const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
  const catalog = loadBuiltinCatalog();
  const imported = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) });
  const sha256 = createHash('sha256').update(text).digest('hex');
  const source = createHash('sha256').update(sha256).digest('hex');
  const inputs = [{ file: SILICON_FILE, format: 'aiconfigurator' as const, sha256, runs: imported.runs.length, skipped: imported.skipped }];
  const result = stored
    ? fromStored(imported.runs, stored, catalog, inputs, source)
    : calibrateServing(imported.runs, inputs, source, catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion(), measuredRunTerms(catalog));
  return {
    doc: renderAccuracyDoc({ result, dataFile: SILICON_FILE, skipped: imported.skipped, extraSections: denseDisaggSection(text, result, catalog) + moeSection(root) }),
    rows: renderAccuracyRows(result.calibrationRows, result.predictions),
    folds: renderAccuracyFolds(result.fixedPoint.all, result.fixedPoint.folds),
    calibration: `${JSON.stringify(calibrationDocument(result.calibration), null, 2)}\n`,
    result,
    runs: imported.runs,
  };
}

/**
 * The calibration result from the stored fits and terms: the rows carry the terms stored for them, each held-out
 * prediction is its fold's stored coefficients × its stored held-out terms (what the benchmark printed).
 */
function fromStored(runs: readonly MeasuredRun[], stored: StoredAccuracy, catalog: ReturnType<typeof loadBuiltinCatalog>, inputs: Parameters<typeof assembleCalibration>[1], source: string): CalibrateResult {
  const terms = readAccuracyRowTerms(stored.rowsText);
  const fits = readAccuracyFolds(stored.foldsText);
  const storedFor = (run: MeasuredRun) => {
    const t = terms.get(run.line);
    if (!t) throw new Error(`run at line ${run.line} is scored by the code but missing from docs/accuracy-rows.csv: npm run accuracy`);
    return t;
  };
  const { rows, unexpressible } = calibrationRows(runs, { gpu: (g) => catalog.gpus.get(g), llm: (l) => catalog.llms.get(l), roofline: BUILTIN_COEFFICIENTS.roofline }, (run) => storedFor(run).all);
  const predictions = (protocol: HoldoutProtocol): HeldOutPrediction[] => fits.folds[protocol].flatMap((fold) => rows
    .filter((r) => (protocol === 'lomo' ? r.run.llm : r.run.gpu) === fold.heldOut)
    .map((r) => {
      const held = storedFor(r.run)[protocol];
      if (!held) throw new Error(`run at line ${r.run.line} has no ${protocol} terms in docs/accuracy-rows.csv: npm run accuracy`);
      const row = { run: r.run, terms: rowTerms(held), ...(held.printed ? { printed: held.printed } : {}) };
      return { row, ...printedPrediction(fold.fit.scopes, row), heldOut: fold.heldOut };
    }));
  const all = { ...fits.all, rows };
  return assembleCalibration({ all, folds: { lomo: fits.folds.lomo.map((f) => ({ heldOut: f.heldOut, fit: { ...f.fit, rows: [] } })), logo: fits.folds.logo.map((f) => ({ heldOut: f.heldOut, fit: { ...f.fit, rows: [] } })) }, predictions: { lomo: predictions('lomo'), logo: predictions('logo') }, unexpressible }, inputs, source, BUILTIN_COEFFICIENTS.roofline, packageVersion());
}

/** The MoE section, from the per-run figures bench/moe-accuracy.ts stored (test/data/accuracy-moe.test.ts re-checks them). */
function moeSection(root: string): string {
  const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;
  return renderMoeAccuracySection(stored);
}
