/**
 * Regenerates docs/accuracy.md and the built-in serving calibration catalogs/coefficients/serving-calibration.json
 * from ../shared/data (run: npm run accuracy). test/data/accuracy-doc.test.ts regenerates both and fails on drift.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAccuracyArtifacts } from './accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const { doc, calibration } = buildAccuracyArtifacts(root);
writeFileSync(resolve(root, 'docs', 'accuracy.md'), doc);
writeFileSync(resolve(root, 'catalogs', 'coefficients', 'serving-calibration.json'), calibration);
console.log('wrote docs/accuracy.md and catalogs/coefficients/serving-calibration.json');
