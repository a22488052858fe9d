/**
 * What the MILP answers is decided by a count of work (branch-and-bound nodes), never by the clock: a slow or loaded
 * machine — simulated here by a clock on which every solve takes 25 s, past the old 10 s deadline that once made a
 * sweep cell differ between a shard and the unsharded run — gets the same plan as a fast one. The wall clock is
 * only a safety net, and the plan says so when it fires.
 */
import { describe, expect, it } from 'vitest';
import { planFleet } from '../../../planner/milp/plan.js';
import type { Plan, PlanOptions, PlanRequest } from '../../../planner/types.js';
import { DATACENTER, LLAMA_70B, makeClass, makeGpu, makeMix, makeSlo, syntheticPerfFor } from './synthetic.js';

const H100 = makeGpu('h100');
const A100 = makeGpu('a100', { memoryBandwidthBytesPerSecond: 2.0e12, bf16FlopsPerSecond: 312e12, tdpWatts: 400, idleWatts: 60, capexUsd: 15_000 });
const L4 = makeGpu('l4', { memoryBytes: 24e9, memoryBandwidthBytesPerSecond: 0.3e12, bf16FlopsPerSecond: 121e12, tdpWatts: 72, idleWatts: 15, capexUsd: 2_500 });

const request: PlanRequest = {
  mix: makeMix([makeClass('agent', { arrivalRatePerSecond: 3 }), makeClass('chat', { arrivalRatePerSecond: 1, turns: { kind: 'fixed', value: 2 } })]),
  slo: makeSlo(60, 60),
  datacenter: DATACENTER,
  gpus: [H100, A100, L4],
  llm: LLAMA_70B,
  perfModelFor: syntheticPerfFor,
};

/** A clock on which each reading is `stepMs` after the last: every solve appears to take at least that long. */
function slowClock(stepMs: number): () => number {
  let now = 0;
  return () => (now += stepMs);
}

async function plan(options: PlanOptions): Promise<Plan> {
  const out = await planFleet(request, options);
  if (!out.ok) throw new Error(out.reason);
  return out.plan;
}

/** Everything the user gets from a plan except how long the solve took. */
function answer(p: Plan) {
  return { instances: p.instances, objective: p.objectiveValue, routing: p.routing, solver: { ...p.solver, wallSeconds: undefined }, notes: p.notes };
}

describe('deterministic MILP limits', () => {
  it.each(['jslp', 'highs'] as const)('%s: the same plan on a fast and a (simulated) slow clock', async (solver) => {
    const fast = await plan({ solver, clockMs: () => performance.now() });
    const slow = await plan({ solver, clockMs: slowClock(25_000) });
    expect(answer(slow)).toEqual(answer(fast));
    expect(slow.notes.join(' ')).not.toMatch(/machine-dependent/);
  });

  it('a node limit that binds gives the same plan on any clock and says so', async () => {
    const fast = await plan({ solver: 'highs', maxNodes: 1, clockMs: () => performance.now() });
    const slow = await plan({ solver: 'highs', maxNodes: 1, clockMs: slowClock(25_000) });
    expect(answer(slow)).toEqual(answer(fast));
    if (fast.solver.status === 'work-limit') expect(fast.notes.join(' ')).toMatch(/node limit \(1 branch-and-bound nodes\)/);
  });

  it('when the wall-clock safety net fires, the plan says the answer is machine-dependent', async () => {
    // Every block after the first is left 1 ms on this clock; a deadline of 1 ms makes any HiGHS MILP stop there.
    const out = await planFleet(request, { solver: 'highs', deadlineMs: 1, clockMs: slowClock(25_000) });
    if (out.ok && out.plan.solver.status === 'time-limit') expect(out.plan.notes.join(' ')).toMatch(/machine-dependent/);
    else if (!out.ok) expect(out.reason).toMatch(/time-limit|no verified plan/);
  });
});
