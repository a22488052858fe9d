/**
 * The whole-catalog plan's kernel checks, replayed on one thread (`npx tsx bench/kernel-checks.ts`): runs the plan as
 * `bench/planner.ts --whole` does (checks on worker threads), records every check it asks for (fleet, seed, whether it
 * may stop at a certain miss), then runs each of them again here, one after another, through the worker's own entry
 * (check-worker.ts). The replay is the kernel's share of the plan without the MILPs, the threads or the loop's
 * overlap, so two builds compare on CPU time even on a shared machine; the sha256 over every outcome (the full
 * simulation result, or the early-miss evidence) says whether they computed the same thing byte for byte.
 * Prints one JSON document.
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import type { Fleet } from '../catalogs/types.js';
import runCheckTask from '../planner/check/check-worker.js';
import { planAndCheck } from '../planner/check/loop.js';
import { checkSeeds, createRobustChecker } from '../planner/check/robust-check.js';
import { createThreadedCheckAt } from '../planner/check/threaded-check.js';
import { DEFAULT_CHECK_SEEDS, DEFAULT_TRIM_CHECKS } from '../planner/cli/commands/plan.js';
import { wholeCatalogCheckSpec, wholeCatalogRequest } from './whole-catalog-request.js';

const request = wholeCatalogRequest(loadBuiltinCatalog(), 'relaxed');
const spec = wholeCatalogCheckSpec(request);

const calls: Array<{ fleet: Fleet; seed: number; mayStopAtMiss: boolean }> = [];
const threaded = createThreadedCheckAt(spec, 2);
const checker = createRobustChecker((fleet, seed, check = {}) => {
  calls.push({ fleet, seed, mayStopAtMiss: check.mayStopAtMiss === true });
  return threaded.checkAt(fleet, seed, check);
}, checkSeeds(1, DEFAULT_CHECK_SEEDS), { concurrency: 2 });
const result = await planAndCheck(request, (fleet, check) => checker(fleet, check), { clockMs: () => performance.now(), solveBesideChecks: true, trim: { maxChecks: DEFAULT_TRIM_CHECKS } }).finally(() => threaded.close());

const loadBefore = loadavg().map((x) => +x.toFixed(2));
const all = createHash('sha256');
const runs: Array<{ seed: number; ms: number; outcome: string; events: number | null }> = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const c of calls) {
  const t = performance.now();
  const out = runCheckTask({ spec, fleet: c.fleet, seed: c.seed, mayStopAtMiss: c.mayStopAtMiss });
  const ms = performance.now() - t;
  const text = JSON.stringify(out);
  all.update(text);
  const simulation = typeof out === 'object' && 'simulation' in out ? out.simulation : undefined;
  runs.push({ seed: c.seed, ms: Math.round(ms), outcome: simulation ? 'full run' : 'stopped at a certain miss', events: simulation?.events ?? null });
}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(JSON.stringify({
  scenario: 'every kernel check of the whole-catalog plan (bench/planner.ts --whole), replayed one after another on this thread',
  final_instances: result.plan?.instances.map((i) => `${i.count}× ${i.poolKey}`),
  checks: calls.length,
  full_runs: runs.filter((r) => r.outcome === 'full run').length,
  replay_wall_ms: Math.round(wallMs),
  // The first replayed check also warms the JIT and builds the performance models.
  replay_cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
  outcomes_sha256: all.digest('hex'),
  load_before: loadBefore,
  load_after: loadavg().map((x) => +x.toFixed(2)),
  runs,
}, null, 2));
