/**
 * A fast representative subset of the hostile-input battery (bench/hostile.ts, `npm run hostile`, issue 14): the
 * same cases and the same judge, against the built CLI, each its own process — a leaked canary through a forced
 * trace format and a calibration file, /proc/self/environ as a plan and as a reference, a Mooncake trace past the
 * conversations limit, an unbounded --check-seeds, a save over its own script, a help into a closed pipe.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { batteryCases } from '../../bench/hostile.js';
import { writeFixtures } from '../../bench/hostile/fixtures.js';
import { hashTree, runCase, type RunContext } from '../../bench/hostile/run-case.js';
import { repoRoot } from '../helpers/paths.js';

const SUBSET = [
  'content/simulate/trace-format-azure-csv-canary-env',
  'file/plan/calibration/proc-environ',
  'file/validate/plan/proc-environ',
  'ref/validate/mix-environ',
  'content/simulate/trace-mooncake-over-conversations',
  'flag/plan/check-seeds=0x7fffffff',
  'out/whatif/save-is-script',
  'pipe/predict--help',
];

let ctx: RunContext;
let root: string;

beforeAll(() => {
  const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');
  if (!existsSync(bin)) throw new Error('dist/ not built: run npm run build (npm test does)');
  root = mkdtempSync(join(tmpdir(), 'fleetplan-hostile-subset-'));
  const fixtures = join(root, 'fixtures');
  writeFixtures(fixtures, bin, { results: false });
  const signature = () => hashTree(fixtures, (p) => p.endsWith('/fifo'));
  ctx = { bin, repo: repoRoot, fixtures, fixtureSignature: signature, baseline: signature() };
});

describe('hostile-input battery, representative subset', () => {
  it('every subset case exists in the battery and ends without a defect', async () => {
    const all = new Map(batteryCases().map((c) => [c.id, c]));
    const cases = SUBSET.map((id) => {
      const c = all.get(id);
      if (c === undefined) throw new Error(`no battery case ${id}`);
      return c;
    });
    const outcomes = [];
    // Two at a time: the machine running npm test has two cores.
    for (let i = 0; i < cases.length; i += 2) outcomes.push(...(await Promise.all(cases.slice(i, i + 2).map((c) => runCase(c, ctx, root)))));
    expect(outcomes.filter((o) => o.defects.length > 0).map((o) => `${o.id}: ${o.defects.join(',')} (exit ${o.code}) ${o.stderr}`)).toEqual([]);
    expect(outcomes.every((o) => o.code === (o.id.startsWith('pipe/') ? 0 : 2))).toBe(true);
  });
});
