import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildAccuracyArtifacts } from '../../bench/accuracy-build.js';
import { repoRoot } from '../helpers/paths.js';

// Regenerates docs/accuracy.md and the built-in serving calibration from the staged runs (about 10 s of CPU): the
// published table cannot drift from the code. On failure: npm run accuracy, and review the diff.
describe('docs/accuracy.md', () => {
  it('is what npm run accuracy generates from the staged silicon runs', () => {
    const { doc, calibration } = buildAccuracyArtifacts(repoRoot);
    expect(readFileSync(join(repoRoot, 'docs', 'accuracy.md'), 'utf8')).toBe(doc);
    expect(readFileSync(join(repoRoot, 'catalogs', 'coefficients', 'serving-calibration.json'), 'utf8')).toBe(calibration);
  }, 120_000);
});
