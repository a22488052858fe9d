/**
 * Regenerates docs/accuracy.md, docs/accuracy-rows.csv and the built-in serving calibration
 * catalogs/coefficients/serving-calibration.json from ../shared/data (run: npm run accuracy; about a minute: one
 * kernel benchmark per scored run). test/data/accuracy-doc.test.ts fails on drift.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAccuracyArtifacts } from './accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const { doc, rows, calibration } = buildAccuracyArtifacts(root);
writeFileSync(resolve(root, 'docs', 'accuracy.md'), doc);
writeFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), rows);
writeFileSync(resolve(root, 'catalogs', 'coefficients', 'serving-calibration.json'), calibration);
console.log('wrote docs/accuracy.md, docs/accuracy-rows.csv and catalogs/coefficients/serving-calibration.json');
