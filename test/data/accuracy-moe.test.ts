import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counted, moeAccuracyInputs, MOE_ROWS_FILE } from '../../bench/moe-accuracy-build.js';
import type { StoredMoeAccuracy } from '../../models/moe/accuracy-section.js';
import { repoRoot } from '../helpers/paths.js';

// docs/accuracy.md's MoE section is rendered from stored per-run benchmark figures (benchmarking all ~800 runs takes
// about a minute): this test checks the stored set is exactly the expressible runs of the staged file, and re-benchmarks
// every 40th run (about 20, a few seconds), which must reproduce its stored figures. On failure:
// npx tsx bench/moe-accuracy.ts && npm run accuracy, and review the diff.
describe('docs/accuracy-moe-rows.json', () => {
  const stored = JSON.parse(readFileSync(join(repoRoot, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;
  const inputs = moeAccuracyInputs(repoRoot);

  it('covers exactly the expressible agg MoE runs of the staged silicon file, and counts the rest', () => {
    expect(stored.data_sha256).toBe(inputs.sha256);
    expect(stored.rows.map((r) => r.id)).toEqual(inputs.runs.map((r) => r.id));
    expect(stored.unexpressible).toEqual(counted(inputs.unexpressible));
    expect(stored.disagg_rows.map((r) => r.id)).toEqual(inputs.disaggRuns.map((r) => r.id));
    expect(stored.disagg_unexpressible).toEqual(counted(inputs.disaggUnexpressible));
  });

  it('reproduces the stored predictions of a deterministic subset through runServingBenchmark', () => {
    for (let i = 0; i < inputs.runs.length; i += 40) {
      expect(inputs.predict(inputs.runs[i])).toEqual(stored.rows[i]);
    }
    for (let i = 0; i < inputs.disaggRuns.length; i += 8) {
      expect(inputs.predictDisagg(inputs.disaggRuns[i])).toEqual(stored.disagg_rows[i]);
    }
  }, 60_000);
});
