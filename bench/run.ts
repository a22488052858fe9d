/**
 * `npm run bench`: the benchmarks whose targets the issues name, one after another, each printing its JSON document:
 * the README's `plan` against one kernel check of its plan (bench/readme-plan.ts, issue 13: ≤ 6×) and the whole
 * catalog-wide `plan` (bench/planner.ts --whole, ≤ 30 s). Other benchmarks run alone: `npx tsx bench/<name>.ts`.
 */
import { execFileSync } from 'node:child_process';

for (const [script, ...args] of [['bench/readme-plan.ts'], ['bench/planner.ts', '--whole']]) {
  process.stdout.write(`# npx tsx ${[script, ...args].join(' ')}\n`);
  execFileSync('npx', ['tsx', script!, ...args], { stdio: 'inherit' });
}
