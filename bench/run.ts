/**
 * `npm run bench`: the benchmarks whose targets the issues name, one after another, each printing its JSON document:
 * the README's `plan` against one kernel check of its plan (bench/readme-plan.ts, issue 13: ≤ 6×) and the whole
 * catalog-wide `plan` (bench/planner.ts --whole, ≤ 30 s), the DeepSeek-V3 `plan` (bench/moe-plan.ts, issue 12: ≤ 30 s), one agg `benchmark` operating point (bench/benchmark.ts, issue 11:
 * ≤ 2 s) and `export` of the README plan (bench/export.ts, issue 15: ≤ 1 s). Other benchmarks run alone:
 * `npx tsx bench/<name>.ts`.
 */
import { execFileSync } from 'node:child_process';
import { REQUIRED_NODE_FLAGS } from '../planner/cli/relaunch.js';

for (const [script, ...args] of [['bench/readme-plan.ts'], ['bench/planner.ts', '--whole'], ['bench/moe-plan.ts'], ['bench/benchmark.ts'], ['bench/export.ts']]) {
  // The benchmarks run the planner in-process: under the CLI's node flags (planner/cli/relaunch.ts says why).
  const argv = ['tsx', ...REQUIRED_NODE_FLAGS, script!, ...args];
  process.stdout.write(`# npx ${argv.join(' ')}\n`);
  execFileSync('npx', argv, { stdio: 'inherit' });
}
