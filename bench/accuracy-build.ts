/** Reads the staged silicon runs and builds docs/accuracy.md and the built-in calibration (shared by the script and its test). */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../models/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { renderAccuracyDoc } from '../models/serving/accuracy-doc.js';
import { calibrateServing } from '../models/serving/calibrate.js';
import { calibrationDocument } from '../models/serving/calibration-file.js';
import { renderMoeAccuracySection, type StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { MOE_ROWS_FILE } from './moe-accuracy-build.js';

export const SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';

export function buildAccuracyArtifacts(root: string): { doc: string; calibration: string } {
  const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
  const catalog = loadBuiltinCatalog();
  const imported = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) });
  const sha256 = createHash('sha256').update(text).digest('hex');
  const source = createHash('sha256').update(sha256).digest('hex');
  const result = calibrateServing(imported.runs, [{ file: SILICON_FILE, format: 'aiconfigurator', sha256, runs: imported.runs.length, skipped: imported.skipped }], source, catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion());
  return {
    doc: renderAccuracyDoc({ result, dataFile: SILICON_FILE, skipped: imported.skipped, extraSections: moeSection(root) }),
    calibration: `${JSON.stringify(calibrationDocument(result.calibration), null, 2)}\n`,
  };
}

/** The MoE section, from the per-run figures bench/moe-accuracy.ts stored (test/data/accuracy-moe.test.ts re-checks them). */
function moeSection(root: string): string {
  const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;
  return renderMoeAccuracySection(stored);
}
