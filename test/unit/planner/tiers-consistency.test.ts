/**
 * The best homogeneous plan answers to the same targets as the heterogeneous one, so with the TCO objective it can
 * never be cheaper (the mixed plan's candidate set contains it). Regression: slowdown SLOs used to be read against each
 * side's own fastest GPU, and a slow GPU alone looked cheaper than the optimum.
 */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

describe('best homogeneous vs heterogeneous', () => {
  it('the heterogeneous optimum is never dearer than the best single GPU type (slowdown SLOs)', async () => {
    const run = await runCli(['plan', '--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40,l40s', '--slo', 'relaxed', '--json']);
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.best_homogeneous).toBeTruthy();
    expect(plan.best_heterogeneous.tco_usd).toBeLessThanOrEqual(plan.best_homogeneous.tco_usd * (1 + 1e-9));
    expect(plan.delta_cost_usd).toBeLessThanOrEqual(1e-6);
  });
});
