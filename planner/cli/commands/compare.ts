/**
 * `fleetplan compare --mix M --fleet F --policies conserve,per-turn-predict,... [--out DIR] [--json]`: the same fleet
 * and the same conversation stream under each policy, as a table of policies × metrics. With --out DIR the result
 * (`kind: "comparison"`) is written to DIR/comparison.json (atomically) with DIR/report.html beside it.
 * `--scenario paper` runs the ConServe paper's experiment instead (paper.ts).
 */
import { join, resolve } from 'node:path';
import { inputError } from '../../../catalogs/index.js';
import { POLICY_NAMES, type PolicyName, type SimulationResult } from '../../kernel/index.js';
import { EXIT_OK, type CommandContext } from '../context.js';
import { renderTable } from '../table.js';
import { prepareOutputDir } from '../output-set.js';
import { renderReport } from '../../../reports/index.js';
import { runPaperScenario } from './paper.js';
import { inputPaths, inputsOf, prepareSimulation, runPrepared, toSimulationDocument, type WorkloadArgs } from './simulate.js';

export interface CompareArgs extends WorkloadArgs {
  /** Policies to run, in order (default: all four). */
  readonly policies?: readonly string[];
  readonly out?: string;
  readonly json?: boolean;
  /** A built-in scenario instead of --fleet/--mix: `paper` (the ConServe experiment). */
  readonly scenario?: string;
  /** Conversations per run of a scenario. */
  readonly conversations?: number;
}

/** The comparison result file: what `fleetplan report` reads (reports/result-types.ts ComparisonResult). */
export interface CompareResult {
  readonly kind: 'comparison';
  readonly format_version: 1;
  readonly workload: string;
  readonly seed: number;
  readonly policies: readonly Record<string, unknown>[];
  readonly inputs: Record<string, unknown>;
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

/** What `compare --out DIR` (and `--scenario paper`) owns in DIR. */
export const COMPARE_OUTPUTS = ['comparison.json', 'report.html'] as const;

/** Runs every policy on the same prepared inputs; exit 0. */
export async function runCompare(args: CompareArgs, ctx: CommandContext): Promise<number> {
  if (args.scenario !== undefined) {
    if (args.scenario !== 'paper') throw inputError('usage', '', '--scenario', `found ${JSON.stringify(args.scenario)}, expected paper`);
    const clash = (['fleet', 'plan', 'mix'] as const).filter((k) => args[k] !== undefined);
    if (clash.length > 0) throw inputError('usage', '', '--scenario', `found --${clash.join(', --')} with it, expected the scenario alone (it brings its fleets and workload; --trace, --conversations, --seed, --out, --json apply)`);
    return runPaperScenario({ ...(args.trace !== undefined ? { trace: args.trace } : {}), ...(args.conversations !== undefined ? { conversations: args.conversations } : {}), ...(args.seed !== undefined ? { seed: args.seed } : {}), ...(args.out !== undefined ? { out: args.out } : {}), json: args.json ?? false, ...(args.catalogFiles !== undefined ? { catalogFiles: args.catalogFiles } : {}) }, ctx);
  }
  const policies = checkPolicies(args.policies ?? POLICY_NAMES);
  const outDir = args.out !== undefined ? prepareOutputDir(args.out, { cwd: ctx.cwd, names: COMPARE_OUTPUTS, inputs: inputPaths(args, ctx) }) : undefined;
  const prepared = prepareSimulation(args, ctx);
  const results: SimulationResult[] = [];
  for (const policy of policies) {
    if (ctx.stderrIsTTY && !args.json) ctx.stderr(`running ${policy}…\n`);
    results.push(await runPrepared(prepared, policy, ctx, policy));
  }
  const inputs = inputsOf(args, prepared);
  const doc: CompareResult = { kind: 'comparison', format_version: 1, workload: prepared.describe, seed: prepared.options.seed, policies: results.map((r) => toSimulationDocument(r, inputs)), inputs };
  const json = `${JSON.stringify(doc, null, 2)}\n`;
  outDir?.write([{ name: 'comparison.json', content: json }, { name: 'report.html', content: renderReport(doc, 'comparison.json') }]);
  if (args.json) ctx.stdout(json);
  else ctx.stdout(`${prepared.describe}, seed ${prepared.options.seed}\n${renderComparison(results, ctx.stdoutIsTTY)}`);
  return EXIT_OK;
}
