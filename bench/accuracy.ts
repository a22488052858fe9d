/**
 * Regenerates docs/accuracy.md, docs/accuracy-rows.csv, docs/accuracy-folds.json and the built-in serving calibration
 * catalogs/coefficients/serving-calibration.json from ../shared/data (run: npm run accuracy). Every fixed-point fit
 * re-runs its training runs' kernel benchmarks once per round (models/serving/fixed-point-fit.ts): about 100 s of CPU.
 * `--rerender` re-renders every file from the stored fits and terms instead (seconds: after a change to the doc's
 * text, or to regenerate the doc after a merge conflict without re-running a benchmark). test/data/accuracy-doc.test.ts
 * fails on drift.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAccuracyArtifacts } from './accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const started = performance.now();
const stored = process.argv.includes('--rerender')
  ? { rowsText: readFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), 'utf8'), foldsText: readFileSync(resolve(root, 'docs', 'accuracy-folds.json'), 'utf8') }
  : undefined;
const { doc, rows, folds, calibration } = buildAccuracyArtifacts(root, stored);
writeFileSync(resolve(root, 'docs', 'accuracy.md'), doc);
writeFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), rows);
writeFileSync(resolve(root, 'docs', 'accuracy-folds.json'), folds);
writeFileSync(resolve(root, 'catalogs', 'coefficients', 'serving-calibration.json'), calibration);
console.log(`wrote docs/accuracy.md, docs/accuracy-rows.csv, docs/accuracy-folds.json and catalogs/coefficients/serving-calibration.json in ${((performance.now() - started) / 1000).toFixed(0)} s wall, ${(process.cpuUsage().user / 1e6).toFixed(0)} s CPU${stored ? ' (re-rendered from the stored fits and terms)' : ''}`);
