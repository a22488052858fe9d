/**
 * The newcomer's path, as a new user walks it: a fresh clone of the committed repository in a temp dir, `npm ci`, the
 * README's main command (parsed out of README.md), then `npx fleetplan --help` (the README's second command is
 * `npm test`, which would recurse into this suite). Slow (one clone, one install): runs under CI (where it must) or with
 * FLEETPLAN_SLOW_TESTS=1, and is skipped with a printed reason otherwise.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const enabled = Boolean(process.env.CI) || Boolean(process.env.FLEETPLAN_SLOW_TESTS);
if (!enabled) console.warn('newcomer.test.ts skipped: set CI=1 or FLEETPLAN_SLOW_TESTS=1 to run the fresh-clone test (git clone + npm ci + the README command, 1–3 minutes)');

/** The shell commands of the first ```sh block under the README's "Two commands" heading, in order. */
export function readmeCommands(readme: string): string[][] {
  const section = readme.split(/^## /m).find((s) => s.startsWith('Two commands'));
  if (!section) throw new Error('README.md has no "## Two commands…" section');
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
  return blocks.map((b) => b.split('&&').map((c) => c.trim()));
}

function sh(command: string, cwd: string, timeoutMs: number) {
  const r = spawnSync(command, { cwd, shell: '/bin/bash', encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_update_notifier: 'false' }, maxBuffer: 64 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, error: r.error };
}

describe('the README, on a fresh clone', () => {
  it('names two commands: npm ci and the main plan command, then npm ci and the tests', () => {
    const [main, tests] = readmeCommands(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
    expect(main![0]).toBe('npm ci');
    expect(main![1]).toMatch(/^npx fleetplan plan .*--out \S+$/);
    expect(tests).toEqual(['npm ci', 'npm test']);
  });

  it.skipIf(!enabled)('clone → npm ci → the main command writes the report and says where it is and what to try next', () => {
    const [main] = readmeCommands(readFileSync(join(repoRoot, 'README.md'), 'utf8'));
    const clone = join(scratchDir('fleetplan-newcomer-'), 'fleetplan');
    const cloned = sh(`git clone --quiet --local ${JSON.stringify(repoRoot)} ${JSON.stringify(clone)}`, repoRoot, 120_000);
    expect(cloned.code, cloned.stderr).toBe(0);
    // The README says `npm ci`; offline flags only keep the install off the network (the cache holds every package).
    const install = sh('npm ci --prefer-offline --no-audit --no-fund', clone, 600_000);
    expect(install.code, `${install.stdout}\n${install.stderr}`).toBe(0);

    const command = main![1]!;
    const run = sh(command, clone, 600_000);
    expect(run.code, `${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
    const outDir = /--out (\S+)/.exec(command)![1]!;
    expect(existsSync(join(clone, outDir, 'report.html'))).toBe(true);
    expect(existsSync(join(clone, outDir, 'plan.yaml'))).toBe(true);
    const last = run.stdout.trimEnd().split('\n').at(-1)!;
    expect(last).toContain(join(outDir, 'report.html'));
    expect(last).toMatch(/next: .*fleetplan (validate|whatif)/);

    const help = sh('npx fleetplan --help', clone, 120_000);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/Usage: fleetplan/);
    for (const c of ['plan', 'simulate', 'compare', 'validate', 'whatif', 'fit', 'predict', 'catalog', 'report']) expect(help.stdout).toContain(`  ${c}`);
  }, 1_200_000);
});
