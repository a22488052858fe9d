/**
 * `npm run hostile`: issue 14's battery of hostile inputs, interruptions and file audits against the built CLI
 * (dist/), every case its own process with a 5 s bound (longer only where the case is a legitimate run) and a heap
 * bound. Prints one JSON document: the counts per defect (stack traces, hangs, OOM, inputs overwritten, stale
 * outputs, leaked file contents, wrong exit codes, messages not one line) and every defective case.
 *
 *   npx tsx bench/hostile.ts [--jobs N] [--filter SUBSTRING|SUBSTRING…] [--list] [--progress FILE (one JSON line per case)]
 *
 * The cases are templates × commands (bench/hostile/cases.ts, case-templates.ts); the numeric flags come from the
 * command table, so a new flag is covered without editing the battery.
 */
import { appendFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMAND_SPECS } from '../planner/cli/commands/specs.js';
import { allCases, type HostileCase } from './hostile/cases.js';
import { writeFixtures } from './hostile/fixtures.js';
import { hashTree, runCase, type CaseOutcome, type Defect } from './hostile/run-case.js';

const repo = resolve(fileURLToPath(import.meta.url), '..', '..');

/** command → flags whose value is a number (`<n>`, `<r>`, `<share>`), from the command table. */
export function numericFlagsOf(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const spec of COMMAND_SPECS) {
    const name = spec.usage.split(' ')[0]!;
    out[name] = spec.options.filter((o) => /<(n|r|share|n\|none)>/.test(o.flags)).map((o) => o.flags.split(' ')[0]!);
  }
  return out;
}

export function batteryCases(): HostileCase[] {
  return allCases({ repo, numericFlags: numericFlagsOf(), commands: COMMAND_SPECS.map((s) => s.usage.split(' ')[0]!) });
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const bin = join(repo, 'dist', 'planner', 'cli', 'bin.js');
  if (!existsSync(bin)) throw new Error('dist/ not built: npm run build');
  const filter = arg('--filter');
  const cases = batteryCases().filter((c) => filter === undefined || filter.split('|').some((f) => c.id.includes(f)));
  if (process.argv.includes('--list')) {
    for (const c of cases) process.stdout.write(`${c.id}\n`);
    return;
  }
  const jobs = Number(arg('--jobs') ?? 2);
  const progressFile = arg('--progress');
  const root = mkdtempSync(join(tmpdir(), 'fleetplan-hostile-'));
  const fixtures = join(root, 'fixtures');
  writeFixtures(fixtures, bin);
  const signature = () => hashTree(fixtures, (p) => p.endsWith('/fifo'));
  const ctx = { bin, repo, fixtures, fixtureSignature: signature, baseline: signature() };
  const outcomes: CaseOutcome[] = [];
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const o = await runCase(c, ctx, root);
      outcomes.push(o);
      // One line per case as it ends, so an interrupted battery still leaves what it measured.
      if (progressFile !== undefined) appendFileSync(progressFile, `${JSON.stringify(o)}\n`);
      if (o.defects.length > 0) process.stderr.write(`DEFECT ${o.id}: ${o.defects.join(',')} (exit ${o.code}, ${o.seconds} s) ${o.stderr.split('\n')[0]?.slice(0, 200)}\n`);
      if (outcomes.length % 50 === 0) process.stderr.write(`# ${outcomes.length}/${cases.length} cases\n`);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const count = (d: Defect) => outcomes.filter((o) => o.defects.includes(d)).length;
  const byCategory: Record<string, number> = {};
  for (const c of cases) byCategory[c.category] = (byCategory[c.category] ?? 0) + 1;
  const summary = {
    command: `npx tsx bench/hostile.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
    cases: outcomes.length,
    by_category: byCategory,
    commands: [...new Set(cases.map((c) => c.command).filter((c) => c !== ''))].sort(),
    stack_traces: count('stack'),
    hangs: count('hang'),
    oom: count('oom'),
    inputs_overwritten: count('overwritten'),
    stale_outputs: count('stale'),
    leaked_contents: count('leaked'),
    wrong_exits: count('wrong-exit'),
    not_one_line: count('not-one-line'),
    wrong_message: count('message'),
    max_case_s: Math.max(...outcomes.map((o) => o.seconds)),
    max_peak_rss_mb: Math.round(Math.max(...outcomes.map((o) => o.peakRssKb ?? 0)) / 1024),
    wall_s: Number(((performance.now() - t0) / 1000).toFixed(1)),
    defective: outcomes.filter((o) => o.defects.length > 0).map((o) => ({ id: o.id, defects: o.defects, exit: o.code, seconds: o.seconds, stderr: o.stderr.split('\n').slice(0, 2).join(' | ').slice(0, 300) })),
  };
  rmSync(root, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  const total = summary.stack_traces + summary.hangs + summary.oom + summary.inputs_overwritten + summary.stale_outputs + summary.leaked_contents + summary.wrong_exits + summary.not_one_line + summary.wrong_message;
  process.exitCode = total === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
