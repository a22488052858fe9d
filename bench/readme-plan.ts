/**
 * The README's main command against one kernel check of its own plan (issue 13's speed target: ≤ 6×, with the plan
 * proved at three check seeds). `npx tsx bench/readme-plan.ts [--runs N]` runs
 * `fleetplan plan --mix coding-agent --llm llama-3.1-70b --slo standard` in-process (the CLI shell, no --out), then
 * `fleetplan validate` of the plan.yaml it wrote (one 20-minute kernel check of that fleet, as `simulate` runs it); medians of N runs (default 3). Wall time
 * depends on the machine and on what else runs on it: the ratio is the figure to compare. On a shared machine the CPU
 * times say more (process.cpuUsage: this process with its worker threads; main_thread_cpu_ms from /proc on Linux: the
 * thread that solves the MILPs), with the load average before and after. Prints one JSON document.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../planner/cli/main.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
const dir = mkdtempSync(join(tmpdir(), 'fleetplan-bench-'));
const argv = ['plan', '--mix', 'coding-agent', '--llm', 'llama-3.1-70b', '--slo', 'standard', '--json', '--out', dir];
const ctx = (sink: (t: string) => void) => ({ stdout: sink, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
/** This thread's CPU time (utime + stime of /proc/self/task/PID/stat, 10 ms ticks); NaN where /proc is missing. */
const mainThreadCpuMs = () => {
  try {
    const fields = readFileSync(`/proc/${process.pid}/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
};
const loadBefore = loadavg();

const planMs: number[] = [];
const checkMs: number[] = [];
const planCpuMs: number[] = [];
const planMainCpuMs: number[] = [];
const checkCpuMs: number[] = [];
let last: { instances: Array<{ gpu: string; llm: string; tp: number; role: string; count: number; power_cap_w?: number }>; holds: boolean; tco_usd?: number; check_margin?: number; rounds: unknown[] } | undefined;
for (let i = 0; i < runs; i++) {
  let out = '';
  const t0 = performance.now();
  const c0 = cpuMs();
  const m0 = mainThreadCpuMs();
  const code = await main(argv, ctx((t) => void (out += t)));
  planMs.push(performance.now() - t0);
  planCpuMs.push(cpuMs() - c0);
  planMainCpuMs.push(mainThreadCpuMs() - m0);
  if (code > 1) throw new Error(`plan exited ${code}`);
  const doc = JSON.parse(out);
  last = { instances: doc.instances, holds: doc.holds, tco_usd: doc.cost?.tco_usd, check_margin: doc.check_margin, rounds: doc.rounds };
  const t1 = performance.now();
  const c1 = cpuMs();
  const validated = await main(['validate', join(dir, 'plan.yaml'), '--json'], ctx(() => {}));
  checkMs.push(performance.now() - t1);
  checkCpuMs.push(cpuMs() - c1);
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
  plan_cpu_ms: Math.round(median(planCpuMs)),
  one_check_cpu_ms: Math.round(median(checkCpuMs)),
  cpu_ratio: Number((median(planCpuMs) / median(checkCpuMs)).toFixed(2)),
  plan_runs_cpu_ms: planCpuMs.map(Math.round),
  plan_runs_main_thread_cpu_ms: planMainCpuMs.map((x) => (Number.isNaN(x) ? null : Math.round(x))),
  check_runs_cpu_ms: checkCpuMs.map(Math.round),
  load_average_1_5_15: { before: loadBefore.map((x) => Number(x.toFixed(2))), after: loadavg().map((x) => Number(x.toFixed(2))) },
  plan: last ? { holds: last.holds, tco_usd: last.tco_usd, check_margin: last.check_margin, kernel_checks: last.rounds.length, instances: last.instances.map((i) => `${i.count}× ${i.gpu} TP${i.tp} ${i.role}`) } : null,
}, null, 2));
