/**
 * Issue 12's speed target (≤ 30 s): `fleetplan plan --mix coding-agent --llm deepseek-v3 --gpus h200,b200,mi325x`
 * returns a plan that holds, with expert-parallel layouts. `npx tsx bench/moe-plan.ts [--runs N]` runs the command
 * in-process (the CLI shell, `--json --out DIR`, every default: three check seeds, TRIM, the cheaper search), N times
 * (default 1), and prints one JSON document: wall and CPU time per run (process.cpuUsage, user + system, which
 * counts the check worker threads too), the load average before and after (the machine may be shared: CPU time is the
 * figure that does not depend on what else runs), whether the plan holds, and its instances with their layouts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../planner/cli/main.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 1;
const dir = mkdtempSync(join(tmpdir(), 'fleetplan-bench-moe-'));
const argv = ['plan', '--mix', 'coding-agent', '--llm', 'deepseek-v3', '--gpus', 'h200,b200,mi325x', '--json', '--out', dir];
const ctx = (sink: (t: string) => void) => ({ stdout: sink, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: process.cwd(), env: {}, signal: new AbortController().signal });
const load = () => loadavg().map((x) => +x.toFixed(2));

interface Instance { gpu: string; tp: number; ep?: number; precision?: string; role: string; count: number }
const results: unknown[] = [];
try {
  for (let i = 0; i < runs; i++) {
    let out = '';
    const loadBefore = load();
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const code = await main(argv, ctx((t) => void (out += t)));
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (code > 1) throw new Error(`plan exited ${code}`);
    const doc = JSON.parse(out) as { holds: boolean; instances: Instance[]; cost?: { tco_usd?: number }; rounds: unknown[] };
    results.push({
      wall_ms: Math.round(wallMs),
      cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
      load_before: loadBefore,
      load_after: load(),
      exit_code: code,
      holds: doc.holds,
      kernel_checks: doc.rounds.length,
      tco_usd: doc.cost?.tco_usd,
      expert_parallel: doc.instances.some((x) => (x.ep ?? 1) > 1),
      instances: doc.instances.map((x) => `${x.count}× ${x.gpu} TP${x.tp}${x.ep !== undefined ? `/EP${x.ep}` : ''}${x.precision ? ` ${x.precision}` : ''} ${x.role}`),
    });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify({ node: process.version, command: `fleetplan ${argv.slice(0, -1).join(' ')} DIR`, target_ms: 30_000, runs: results }, null, 2));
