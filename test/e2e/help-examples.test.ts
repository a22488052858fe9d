/**
 * The help never lies: every subcommand's `--help` shows its example (COMMAND_SPECS[].example), and each example
 * works when pasted — run in-process, in order, from a scratch directory laid out like the repository (examples/
 * and ../shared beside it), so `plan … --out plan-out` writes the plan the later `validate` and `report` examples use.
 * Accepted: exit 0, or 1 for validate (a plan may fail its check; that is still a working command).
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_SPECS } from '../../planner/cli/commands/specs.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir, sharedData } from '../helpers/paths.js';

/** Shell words of a one-line command (quotes group; an unquoted `*` glob expands in `cwd`, as a shell would). */
function words(line: string, cwd: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].flatMap((m) => {
    const word = m[1] ?? m[2] ?? m[3]!;
    if (m[3] === undefined || !word.includes('*') || word.includes('/')) return [word];
    const re = new RegExp(`^${word.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    const hits = readdirSync(cwd).filter((f) => re.test(f)).sort();
    return hits.length > 0 ? hits : [word];
  });
}

/**
 * What a user has before pasting an example that names their own files: sweep's grid file (a small grid in the
 * format planner/sweep/grid.ts reads) and, for merge, the other shards of that grid.
 */
const SETUP: Record<string, () => Promise<void>> = {
  sweep: async () => {
    writeFileSync(join(cwd, 'grid.yaml'), 'kind: sweep\nmix: coding-agent\nllm: llama-3.1-8b\nslo: relaxed\ngpus: [h100-sxm, l40s]\ncheck: false\nx: { axis: rate_scale, values: [0.5, 1, 2] }\ny: { axis: price_scale, values: [1, 3] }\n');
  },
  merge: async () => {
    for (const k of [2, 3, 4]) expect((await runCli(['sweep', 'grid.yaml', '--shard', `${k}/4`, '--out', `shard-${k}.json`], { cwd })).code).toBe(0);
  },
};

const parent = scratchDir('fleetplan-help-');
const cwd = join(parent, 'fleetplan');
mkdirSync(cwd);
symlinkSync(join(repoRoot, 'examples'), join(cwd, 'examples'));
symlinkSync(resolve(sharedData, '..'), join(parent, 'shared'));

describe('help examples', () => {
  it('every subcommand shows its example in --help', async () => {
    for (const spec of COMMAND_SPECS) {
      const name = spec.usage.split(' ')[0]!;
      const help = await runCli([name, '--help']);
      expect(help.code, name).toBe(0);
      expect(help.stdout, name).toContain(`Example:\n  ${spec.example}\n`);
      expect(spec.example.startsWith(`fleetplan ${name} `), name).toBe(true);
    }
  });

  it('an unknown command is a usage error (exit 2) with or without --help, naming the command', async () => {
    for (const argv of [['nosuchcommand', '--help'], ['nosuchcommand'], ['plann', '-h']]) {
      const run = await runCli(argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.stdout, argv.join(' ')).toBe('');
      expect(run.stderr).toMatch(new RegExp(`^fleetplan: unknown command '${argv[0]}', expected one of plan, `));
    }
  });

  for (const spec of COMMAND_SPECS) {
    const name = spec.usage.split(' ')[0]!;
    it(`works when pasted: ${spec.example}`, async () => {
      if (spec.example.includes('../shared/data/') && !existsSync(sharedData)) return void console.warn(`skipped "${spec.example}": ${sharedData} is missing`);
      await SETUP[name]?.();
      const argv = words(spec.example, cwd);
      expect(argv[0]).toBe('fleetplan');
      const run = await runCli(argv.slice(1), { cwd });
      const accepted = name === 'validate' ? [0, 1] : [0];
      expect(accepted, `${spec.example}\nexit ${run.code}\n${run.stderr}`).toContain(run.code);
      expect(run.stdout.length).toBeGreaterThan(0);
      // calibrate runs every staged serving run's kernel benchmark about a dozen times (the client-turnaround grid, then
      // a fixed point per hold-out fold): ~1 min of CPU, 2 min and more on a shared 2-core runner. A bound, not a target.
    }, 360_000);
  }
});
