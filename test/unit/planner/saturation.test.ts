/**
 * A prefiller busier than the planner's utilisation limit has no steady state: a finite check can read every SLO met
 * while its queue grows (DeepSeek-V3 on one MI325X prefiller held for 20 min and 1 h, missed at 2 h). The check, the
 * loop's cuts and `validate` refuse it (planner/check/saturation.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutsForMisses, type CheckResult } from '../../../planner/check/loop.js';
import { checkMargin } from '../../../planner/check/robust-check.js';
import { saturatedPrefillPools } from '../../../planner/check/saturation.js';
import { MAX_UTILISATION } from '../../../planner/demand/queueing.js';
import type { Plan } from '../../../planner/types.js';
import { runCli } from '../../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../../helpers/paths.js';

const pool = (served_as: string, utilization: number, count = 1) => ({ gpu: 'mi325x', tp: 4, ep: 2, served_as, count, utilization });

describe('saturatedPrefillPools()', () => {
  it('names prefill pools above the planner\'s limit, and never decoders (busy whenever they hold a batch)', () => {
    const pools = [pool('prefill', 0.99), pool('prefill', MAX_UTILISATION), pool('decode', 1), pool('prefill', 0.97, 0)];
    expect(saturatedPrefillPools({ pools } as never)).toEqual([{ gpu: 'mi325x', tp: 4, ep: 2, utilization: 0.99, limit: MAX_UTILISATION }]);
  });
});

describe('a saturated check', () => {
  const check: CheckResult = {
    holds: false,
    slos: [{ metric: 'ttfet_s', percentile: 95, target: 3, observed: 2.4, holds: true }],
    saturated: [{ gpu: 'mi325x', tp: 4, ep: 2, utilization: 1, limit: MAX_UTILISATION }],
  };
  const plan = { instances: [{ role: 'prefill', gpu: 'mi325x', tp: 4, count: 1 }, { role: 'decode', gpu: 'mi325x', tp: 1, count: 1 }] } as unknown as Plan;

  it('asks for prefill capacity although every SLO read met', () => {
    const cuts = cutsForMisses(plan, check);
    expect(cuts).toHaveLength(1);
    expect(cuts[0]).toMatchObject({ kind: 'scale-capacity', family: 'prefill' });
    // limit / utilisation, within the cuts' usual 0.5–0.9 band.
    expect((cuts[0] as { factor: number }).factor).toBeCloseTo(Math.min(0.9, MAX_UTILISATION / 1), 6);
  });

  it('has a negative margin', () => {
    expect(checkMargin(check)).toBeCloseTo((MAX_UTILISATION - 1) / MAX_UTILISATION, 6);
  });
});

describe('validate', () => {
  it('fails a fleet whose prefiller is saturated, with a line saying which, exit 1', async () => {
    // The ConServe testbed (one A40 prefiller) at three times the paper's rate: past its 1.634 conv/s saturation.
    const dir = scratchDir();
    const mix = readFileSync(join(repoRoot, 'catalogs', 'mixes', 'swe-agent-paper.yaml'), 'utf8').replace(/^(\s*)arrival_rate_per_s: 1\.0\b/m, '$1arrival_rate_per_s: 3.0');
    expect(mix).toMatch(/arrival_rate_per_s: 3\.0/);
    writeFileSync(join(dir, 'fast.yaml'), mix);
    const run = await runCli(['validate', join(repoRoot, 'examples', 'plans', 'paper-a40.plan.yaml'), '--mix', join(dir, 'fast.yaml'), '--duration-s', '300']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^FAIL prefill_utilization a40\/tp1 (0\.9[5-9]\d*|1(\.0+)?) > 0\.95/m);
    expect(run.stdout).toMatch(/the plan does not hold/);
  });
});
