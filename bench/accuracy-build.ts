/**
 * Reads the staged silicon runs and builds docs/accuracy.md, docs/accuracy-rows.csv and the built-in calibration
 * (shared by the script and its test). The terms of each run come from its kernel benchmark; the drift test passes
 * them from docs/accuracy-rows.csv instead (and re-runs a stratified subset of the benchmarks to check the file).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../models/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { renderAccuracyDoc } from '../models/serving/accuracy-doc.js';
import { renderAccuracyRows } from '../models/serving/accuracy-rows.js';
import { calibrateServing, type CalibrateResult } from '../models/serving/calibrate.js';
import { calibrationDocument } from '../models/serving/calibration-file.js';
import type { RunTerms } from '../models/serving/rows.js';
import type { MeasuredRun } from '../models/serving/runs.js';
import { measuredRunTerms } from '../planner/benchmark/index.js';
import { renderMoeAccuracySection, type StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { MOE_ROWS_FILE } from './moe-accuracy-build.js';
import { denseDisaggSection } from './disagg-accuracy-build.js';

export const SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';

export interface AccuracyArtifacts {
  readonly doc: string;
  readonly rows: string;
  readonly calibration: string;
  readonly result: CalibrateResult;
  readonly runs: readonly MeasuredRun[];
}

export function buildAccuracyArtifacts(root: string, termsOf?: RunTerms): AccuracyArtifacts {
  const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
  const catalog = loadBuiltinCatalog();
  const imported = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) });
  const sha256 = createHash('sha256').update(text).digest('hex');
  const source = createHash('sha256').update(sha256).digest('hex');
  const result = calibrateServing(imported.runs, [{ file: SILICON_FILE, format: 'aiconfigurator', sha256, runs: imported.runs.length, skipped: imported.skipped }], source, catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion(), termsOf ?? measuredRunTerms(catalog));
  return {
    doc: renderAccuracyDoc({ result, dataFile: SILICON_FILE, skipped: imported.skipped, extraSections: denseDisaggSection(text, result, catalog) + moeSection(root) }),
    rows: renderAccuracyRows(result.calibrationRows, result.predictions),
    calibration: `${JSON.stringify(calibrationDocument(result.calibration), null, 2)}\n`,
    result,
    runs: imported.runs,
  };
}

/** The MoE section, from the per-run figures bench/moe-accuracy.ts stored (test/data/accuracy-moe.test.ts re-checks them). */
function moeSection(root: string): string {
  const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;
  return renderMoeAccuracySection(stored);
}
