/**
 * Issue 14, security: a `mix:`/`slo:` reference inside a plan, sweep grid or what-if script resolves against the
 * file that holds it and must stay under the directories named on the command line (`--allow-dir` widens them); no
 * message quotes a file that does not declare a fleetplan kind (a secret in /proc/self/environ must not reach a log).
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

const SECRET = 'TOKEN=hunter2-s3cr3t';
let root: string;
let repo: string;
let outside: string;

const plan = (mix: string, slo = 'standard') => `kind: plan
format_version: 1
mix: ${mix}
slo: ${slo}
llm: qwen3-0.6b
duration_s: 30
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 1 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

beforeAll(() => {
  root = scratchDir('fleetplan-refs-');
  repo = join(root, 'repo');
  outside = join(root, 'outside');
  mkdirSync(join(repo, 'plans'), { recursive: true });
  mkdirSync(outside);
  // A secret outside the repository, in the shapes a reference could reach: plain text, and YAML that is no fleetplan file.
  writeFileSync(join(outside, 'env'), `${SECRET}\u0000PATH=/usr/bin\n`);
  writeFileSync(join(outside, 'secrets.yaml'), `api_key: ${SECRET}\n`);
  writeFileSync(join(outside, 'broken.yaml'), `key: !${SECRET} [unclosed\n`);
  symlinkSync(join(outside, 'env'), join(repo, 'plans', 'link-to-env'));
});

function expectNoLeak(run: { code: number; stdout: string; stderr: string }): void {
  expect(run.code).toBe(2);
  expect(run.stderr + run.stdout).not.toContain('hunter2');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  for (const line of run.stderr.trim().split('\n')) expect(line).toMatch(/^fleetplan: /);
}

describe('references inside input files', () => {
  it.each([
    ['an absolute path', '/proc/self/environ'],
    ['a path climbing out', '../../outside/env'],
    ['a symlink planted inside the repo', 'link-to-env'],
  ])('validate refuses %s before opening it, naming the plan, line and flag that widens', async (_what, ref) => {
    writeFileSync(join(repo, 'plans', 'plan.yaml'), plan(ref));
    const run = await runCli(['validate', 'plans/plan.yaml'], { cwd: repo });
    expectNoLeak(run);
    if (ref !== 'link-to-env') expect(run.stderr).toMatch(/^fleetplan: plans\/plan\.yaml:3: mix: found ".*", a file outside the directories named on the command line .*--allow-dir DIR/);
  });

  it('simulate --plan and a sweep grid apply the same rule to slo: and mix:', async () => {
    writeFileSync(join(repo, 'plans', 'p2.yaml'), plan('swe-agent-paper', '../../outside/secrets.yaml'));
    expectNoLeak(await runCli(['simulate', '--plan', 'plans/p2.yaml', '--duration-s', '5'], { cwd: repo }));
    writeFileSync(join(repo, 'grid.yaml'), 'kind: sweep\nmix: ../outside/secrets.yaml\nx: {axis: rate_scale, values: [1]}\ny: {axis: slo_scale, values: [1]}\n');
    const run = await runCli(['sweep', 'grid.yaml', '--threads', '1'], { cwd: repo });
    expectNoLeak(run);
    expect(run.stderr).toContain('grid.yaml:2: mix:');
  });

  it('a what-if script start resolves against the script and stays inside too', async () => {
    writeFileSync(join(repo, 'plans', 's.yaml'), 'kind: whatif-scenario\nstart: { mix: ../../outside/secrets.yaml, llm: qwen3-0.6b, gpus: [a40] }\n');
    const run = await runCli(['whatif', '--script', 'plans/s.yaml', '--json'], { cwd: repo });
    expectNoLeak(run);
    expect(run.stderr).toContain('start.mix');
  });

  it('--allow-dir widens the roots; the file is then read but, declaring no fleetplan kind, never quoted', async () => {
    for (const name of ['env', 'secrets.yaml', 'broken.yaml']) {
      writeFileSync(join(repo, 'plans', 'plan.yaml'), plan(`../../outside/${name}`));
      const run = await runCli(['validate', 'plans/plan.yaml', '--allow-dir', outside], { cwd: repo });
      expectNoLeak(run);
      expect(run.stderr).not.toContain('outside the directories');
    }
  });

  it('a file named on the command line that is no fleetplan file is not quoted either', async () => {
    for (const name of ['env', 'secrets.yaml', 'broken.yaml']) expectNoLeak(await runCli(['catalog', 'gpus', '--catalog', join(outside, name)], { cwd: repo }));
  });

  it('a reference inside the named directories still works (the rule refuses only what is outside)', async () => {
    mkdirSync(join(repo, 'mixes'), { recursive: true });
    writeFileSync(join(repo, 'plans', 'ok.yaml'), plan('swe-agent-paper'));
    const run = await runCli(['validate', 'plans/ok.yaml', '--duration-s', '20', '--json'], { cwd: repo });
    expect(run.stderr).toBe('');
    expect([0, 1]).toContain(run.code);
  });
});
