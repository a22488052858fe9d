/**
 * How far the MILP's fleets sit above what the kernel proves: for a set of `plan` commands, the first fleet the MILP
 * proposed beside the plan returned, what TRIM removed, and for each prefill pool of the first fleet the prefill time
 * the MILP booked (instances' worth under the TTFET utilisation cap) against the utilisation the kernel measured on
 * the final fleet. A TRIM that removes prefillers the MILP asked for says its capacity model (planner/demand/queueing.ts,
 * floors.ts) is conservative there; the loop hides the gap only when the fleet it trims is the right mix.
 * `npx tsx bench/trim-gap.ts` (about a minute on 2 cores) prints one JSON document, then a table on stderr.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../planner/cli/main.js';

const COMMANDS: readonly string[] = [
  '--mix coding-agent --llm llama-3.1-70b --slo standard',
  '--mix coding-agent --llm llama-3.1-70b --gpus h100-sxm,h200,l40s --slo standard',
  '--mix coding-agent --llm llama-3.1-70b --gpus h100-sxm,b200 --precisions bf16,fp8',
  '--mix coding-agent --llm deepseek-v3 --gpus h200,b200,mi325x',
  '--mix coding-agent --llm deepseek-v3 --gpus h100-sxm',
  '--mix coding-agent --llm kimi-k2 --gpus gb200,b300',
  '--mix coding-agent --llm qwen3-235b-a22b --gpus h100-sxm,h200,mi300x',
  '--mix coding-agent --llm gpt-oss-120b --gpus b200,mi355x,rtx-pro-6000',
  '--mix swe-agent-paper --llm qwen3-0.6b --gpus a40,l40s --slo relaxed',
  '--mix coding-agent --llm qwen3-32b --gpus h100-sxm,a100-80gb-sxm,l40s',
];

interface PlanJson {
  readonly cost: { readonly tco_usd: number };
  readonly holds: boolean;
  readonly rounds: ReadonlyArray<{ readonly phase?: string; readonly objective_value?: number }>;
  readonly trim?: { readonly removed?: readonly string[]; readonly objective_saved?: number };
  readonly binding: ReadonlyArray<{ readonly family: string; readonly pool?: string; readonly activity: number; readonly bound: number }>;
  readonly check?: { readonly pools?: ReadonlyArray<{ readonly gpu: string; readonly role: string; readonly tp: number; readonly ep?: number; readonly count: number; readonly utilization: number }> };
  readonly notes: readonly string[];
}

const ctx = { stdout: () => {}, stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd: process.cwd(), env: {}, signal: new AbortController().signal };
const rows = [];
for (const command of COMMANDS) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetplan-trim-gap-'));
  const started = performance.now();
  const code = await main(['plan', ...command.split(' '), '--out', dir], ctx);
  const wallSeconds = (performance.now() - started) / 1000;
  const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as PlanJson;
  rmSync(dir, { recursive: true, force: true });
  const first = plan.rounds[0]?.objective_value;
  // The MILP's booked prefill per pool (first solve's binding rows) beside the kernel's measured utilisation.
  const prefill = plan.binding.filter((b) => b.family === 'prefill').map((b) => {
    const [gpu, layout] = (b.pool ?? '').split('/');
    const measured = plan.check?.pools?.find((p) => p.role === 'prefill' && p.gpu === gpu && `tp${p.tp}${p.ep && p.ep > 1 ? `ep${p.ep}` : ''}` === layout);
    return { pool: b.pool, booked_instances: b.activity, bought: b.bound, ...(measured ? { kernel_instances: measured.count, kernel_utilization: measured.utilization } : {}) };
  });
  rows.push({
    command, exit: code, holds: plan.holds, wall_s: Number(wallSeconds.toFixed(2)),
    first_objective: first, tco_usd: plan.cost.tco_usd,
    trim_removed: plan.trim?.removed ?? [], trim_saved: plan.trim?.objective_saved ?? 0,
    single_type_won: plan.notes.some((n) => n.startsWith('the single-GPU-type loop proved a cheaper fleet')),
    prefill,
  });
}
process.stdout.write(`${JSON.stringify({ bench: 'trim-gap', rows }, null, 2)}\n`);
const usd = (x: number | undefined) => (x === undefined ? '—' : `$${Math.round(x).toLocaleString('en-US')}`);
for (const r of rows) {
  const p = r.prefill.map((x) => `${x.pool}: booked ${x.booked_instances.toFixed(2)} of ${x.bought.toFixed(2)}${x.kernel_utilization !== undefined ? `, kernel ${x.kernel_instances}× at ${x.kernel_utilization.toFixed(2)}` : ''}`).join('; ');
  process.stderr.write(`${r.command}\n  first ${usd(r.first_objective)} → ${usd(r.tco_usd)}${r.single_type_won ? ' (single-type loop)' : ''}; TRIM removed ${r.trim_removed.length ? r.trim_removed.join(', ') : 'nothing'} (${usd(r.trim_saved)}); ${r.wall_s} s\n  ${p}\n`);
}
