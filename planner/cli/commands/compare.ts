/**
 * `fleetplan compare --mix M --fleet F --policies conserve,per-turn-predict,... [--out DIR] [--json]`: the same fleet
 * and the same conversation stream under each policy, as a table of policies × metrics. With --out DIR the JSON is
 * written to DIR/compare.json (atomically).
 */
import { join, resolve } from 'node:path';
import { inputError } from '../../../catalogs/index.js';
import { POLICY_NAMES, type PolicyName, type SimulationResult } from '../../kernel/index.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { writeFileAtomic } from '../write-atomic.js';
import { prepareSimulation, runPrepared, type WorkloadArgs } from './simulate.js';

export interface CompareArgs extends WorkloadArgs {
  /** Policies to run, in order (default: all four). */
  readonly policies?: readonly string[];
  readonly out?: string;
  readonly json?: boolean;
}

export interface CompareResult {
  readonly workload: string;
  readonly seed: number;
  readonly results: readonly SimulationResult[];
}

function checkPolicies(names: readonly string[]): PolicyName[] {
  const bad = names.filter((n) => !(POLICY_NAMES as readonly string[]).includes(n));
  if (bad.length > 0) throw inputError('usage', '', '--policies', `found ${bad.map((b) => JSON.stringify(b)).join(', ')}, expected names from ${POLICY_NAMES.join(', ')}`);
  if (names.length === 0) throw inputError('usage', '', '--policies', 'found an empty list, expected at least one policy');
  return names as PolicyName[];
}

/** The policies × metrics table people read. */
export function renderComparison(results: readonly SimulationResult[], terminal: boolean): string {
  const f = (x: number, d: number) => x.toFixed(d);
  const head = ['policy', 'ttfet p95 s', 'ttft p95 s', 'tbt p95 ms', 'last-turn tbt p95 ms', 'slo attain.', 'energy J', 'tokens/J', 'kv transfers', 'preempt.', 'rejected'];
  const rows = results.map((r) => [
    r.policy,
    f(r.ttfet_s.p95, 3),
    f(r.ttft_s.p95, 3),
    f(r.tbt_ms.p95, 2),
    f(r.last_turn_tbt_ms.p95, 2),
    r.slo_attainment === null ? '–' : f(r.slo_attainment, 3),
    f(r.energy_j, 0),
    f(r.tokens_per_j, 2),
    String(r.kv_transfers),
    String(r.preemptions),
    String(r.rejected),
  ]);
  return renderTable(head, rows, { terminal, align: head.map((_, i) => (i === 0 ? 'left' : 'right')) });
}

/** Runs every policy on the same prepared inputs; exit 0. */
export async function runCompare(args: CompareArgs, ctx: CommandContext): Promise<number> {
  const policies = checkPolicies(args.policies ?? POLICY_NAMES);
  const prepared = prepareSimulation(args, ctx);
  const results: SimulationResult[] = [];
  for (const policy of policies) {
    if (ctx.stderrIsTTY && !args.json) ctx.stderr(`running ${policy}…\n`);
    results.push(runPrepared(prepared, policy, ctx, policy));
  }
  const doc: CompareResult = { workload: prepared.describe, seed: prepared.options.seed, results };
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  if (args.out !== undefined) writeFileAtomic(join(resolve(ctx.cwd, args.out), 'compare.json'), json, { inputs: [args.plan, args.fleet, args.mix, args.trace].filter((p): p is string => p !== undefined).map((p) => resolve(ctx.cwd, p)) });
  if (args.json) ctx.stdout(json);
  else ctx.stdout(`${prepared.describe}, seed ${prepared.options.seed}\n${renderComparison(results, ctx.stdoutIsTTY)}`);
  return EXIT_OK;
}
