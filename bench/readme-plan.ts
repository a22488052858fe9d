/**
 * The README's main command against one kernel check of its own plan (issue 13's speed target: ≤ 6×, with the plan
 * proved at three check seeds). `npx tsx bench/readme-plan.ts [--runs N]` runs
 * `fleetplan plan --mix coding-agent --llm llama-3.1-70b --slo standard` in-process (the CLI shell, no --out), then
 * `fleetplan validate` of the plan.yaml it wrote (one 20-minute kernel check of that fleet, as `simulate` runs it); medians of N runs (default 3). Wall time
 * depends on the machine and on what else runs on it: the ratio is the figure to compare. Prints one JSON document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../planner/cli/main.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
const dir = mkdtempSync(join(tmpdir(), 'fleetplan-bench-'));
const argv = ['plan', '--mix', 'coding-agent', '--llm', 'llama-3.1-70b', '--slo', 'standard', '--json', '--out', dir];
const ctx = (sink: (t: string) => void) => ({ stdout: sink, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const planMs: number[] = [];
const checkMs: number[] = [];
let last: { instances: Array<{ gpu: string; llm: string; tp: number; role: string; count: number; power_cap_w?: number }>; holds: boolean; tco_usd?: number; check_margin?: number; rounds: unknown[] } | undefined;
for (let i = 0; i < runs; i++) {
  let out = '';
  const t0 = performance.now();
  const code = await main(argv, ctx((t) => void (out += t)));
  planMs.push(performance.now() - t0);
  if (code > 1) throw new Error(`plan exited ${code}`);
  const doc = JSON.parse(out);
  last = { instances: doc.instances, holds: doc.holds, tco_usd: doc.cost?.tco_usd, check_margin: doc.check_margin, rounds: doc.rounds };
  const t1 = performance.now();
  const validated = await main(['validate', join(dir, 'plan.yaml'), '--json'], ctx(() => {}));
  checkMs.push(performance.now() - t1);
  if (validated > 1) throw new Error(`validate exited ${validated}`);
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({
  node: process.version,
  command: 'fleetplan plan --mix coding-agent --llm llama-3.1-70b --slo standard --json --out DIR; fleetplan validate DIR/plan.yaml',
  runs,
  plan_wall_ms: Math.round(median(planMs)),
  one_check_wall_ms: Math.round(median(checkMs)),
  ratio: Number((median(planMs) / median(checkMs)).toFixed(2)),
  plan_runs_ms: planMs.map(Math.round),
  check_runs_ms: checkMs.map(Math.round),
  plan: last ? { holds: last.holds, tco_usd: last.tco_usd, check_margin: last.check_margin, kernel_checks: last.rounds.length, instances: last.instances.map((i) => `${i.count}× ${i.gpu} TP${i.tp} ${i.role}`) } : null,
}, null, 2));
