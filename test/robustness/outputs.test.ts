/**
 * Issue 14, files: an output never overwrites an input (real paths), an output directory describes one run whole (a
 * re-plan that finds no plan removes the previous plan.yaml: no false green in CI), temporary files never follow a
 * planted symlink, and every output-path refusal is one line with exit 2 — found before the work, not after it.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
const MIX = readFileSync(new URL('../../catalogs/mixes/swe-agent-paper.yaml', import.meta.url), 'utf8').replace(/^id: .*$/m, 'id: my-mix');
const FLEET = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 2 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;
const PLAN_ARGS = ['--llm', 'qwen3-0.6b', '--gpus', 'a40', '--no-trim', '--seed', '2'];

beforeAll(() => {
  dir = scratchDir('fleetplan-outputs-');
  writeFileSync(join(dir, 'fleet.yaml'), FLEET);
});

const run = (argv: string[]) => runCli(argv, { cwd: dir });

function oneLine(r: { code: number; stderr: string; stdout: string }, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('never over an input', () => {
  it('plan --out DIR refuses, before the solve, a DIR/plan.yaml that is the mix (also through a symlink)', async () => {
    mkdirSync(join(dir, 'in-out'));
    writeFileSync(join(dir, 'in-out', 'plan.yaml'), MIX);
    oneLine(await run(['plan', '--mix', 'in-out/plan.yaml', ...PLAN_ARGS, '--out', 'in-out']), /in-out\/plan\.yaml: found an input file of this run as the output path/);
    expect(readFileSync(join(dir, 'in-out', 'plan.yaml'), 'utf8')).toBe(MIX);
    mkdirSync(join(dir, 'linked'));
    symlinkSync(join(dir, 'in-out', 'plan.yaml'), join(dir, 'linked', 'plan.yaml'));
    oneLine(await run(['plan', '--mix', 'in-out/plan.yaml', ...PLAN_ARGS, '--out', 'linked']), /linked\/plan\.yaml: found an input file/);
  });

  it('simulate --out refuses a report.html that is its fleet; whatif --save refuses its own --script', async () => {
    mkdirSync(join(dir, 'sim'));
    writeFileSync(join(dir, 'sim', 'report.html'), FLEET);
    oneLine(await run(['simulate', '--fleet', 'sim/report.html', '--mix', 'swe-agent-paper', '--duration-s', '5', '--out', 'sim']), /sim\/report\.html: found an input file/);
    expect(readFileSync(join(dir, 'sim', 'report.html'), 'utf8')).toBe(FLEET);
    const script = 'kind: whatif-scenario\nstart: { mix: swe-agent-paper, slo: relaxed, llm: qwen3-0.6b, gpus: [a40], check_duration_s: 30 }\n';
    writeFileSync(join(dir, 'script.yaml'), script);
    oneLine(await run(['whatif', '--script', 'script.yaml', '--save', 'script.yaml', '--json']), /script\.yaml: found an input file/);
    expect(readFileSync(join(dir, 'script.yaml'), 'utf8')).toBe(script);
  });
});

describe('an output directory describes one run', () => {
  it('a re-plan that finds no plan removes the previous plan.yaml, so validate cannot pass on a stale plan', async () => {
    const first = await run(['plan', '--mix', 'swe-agent-paper', ...PLAN_ARGS, '--slo', 'relaxed', '--out', 'replan']);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(dir, 'replan', 'plan.yaml'))).toBe(true);
    writeFileSync(join(dir, 'replan', 'notes.txt'), 'mine');
    // A TTFET no A40 fleet meets: no plan.
    const second = await run(['plan', '--mix', 'swe-agent-paper', ...PLAN_ARGS, '--ttfet-p95-s', '0.0001', '--out', 'replan']);
    expect(second.code).toBe(1);
    expect(readdirSync(join(dir, 'replan')).sort()).toEqual(['notes.txt', 'plan.json', 'report.html', 'slo.yaml']);
    expect(JSON.parse(readFileSync(join(dir, 'replan', 'plan.json'), 'utf8')).holds).toBe(false);
    expect((await run(['validate', 'replan/plan.yaml'])).code).toBe(2);
  });

  // Two concurrent plan processes into one directory: test/robustness/concurrent-out.test.ts (separate processes).

  it('a planted symlink at an output name is replaced, never written through', async () => {
    writeFileSync(join(dir, 'victim.txt'), 'precious');
    mkdirSync(join(dir, 'rep'));
    const sim = await run(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '10', '--out', 'sim-ok']);
    expect(sim.code, sim.stderr).toBe(0);
    symlinkSync(join(dir, 'victim.txt'), join(dir, 'rep', 'report.html'));
    const r = await run(['report', 'sim-ok/result.json', '--out', 'rep/report.html']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(dir, 'victim.txt'), 'utf8')).toBe('precious');
    expect(lstatSync(join(dir, 'rep', 'report.html')).isSymbolicLink()).toBe(false);
  });
});

describe('output-path errors: one line, exit 2, before the work', () => {
  it.each([
    ['plan --out ""', ['plan', '--mix', 'swe-agent-paper', ...PLAN_ARGS, '--out', ''], /--out: found an empty path/],
    ['plan --out FILE', ['plan', '--mix', 'swe-agent-paper', ...PLAN_ARGS, '--out', 'fleet.yaml'], /fleet\.yaml: found a file, expected a directory/],
    ['simulate --out under a file', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--out', 'fleet.yaml/x'], /where a directory of the path should be/],
    ['validate --junit DIR', ['validate', 'nope.yaml', '--junit', '.'], /found a directory, expected a file path/],
    ['sweep --out DIR', ['sweep', 'grid-missing.yaml', '--out', '.'], /found a directory, expected a file path/],
    ['merge --out DIR', ['merge', 'fleet.yaml', '--out', '.'], /found a directory, expected a file path/],
    ['whatif --report DIR', ['whatif', '--mix', 'swe-agent-paper', '--report', '.'], /found a directory, expected a file path/],
    ['simulate --out on a read-only file system', ['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--out', '/proc/fleetplan-out'], /\/proc\/fleetplan-out: found a location where the output directory cannot be created/],
  ])('%s', async (_name, argv, pattern) => {
    const t0 = performance.now();
    oneLine(await run(argv), pattern);
    expect((performance.now() - t0) / 1000).toBeLessThan(30);
  });
});
