/**
 * Issue 14, concurrent runs as separate processes (the built CLI, dist/): two `plan --out same-dir` never mix their
 * files, and the output directory's lock is honoured across processes — a run waits while a live process holds it
 * and breaks a lock left by a process that no longer runs.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratchDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');
let dir: string;
const PLAN_ARGS = ['--mix', 'swe-agent-paper', '--llm', 'qwen3-0.6b', '--gpus', 'a40', '--no-trim', '--check-seeds', '1', '--seed', '2', '--out', 'race'];
const FLEET = `kind: fleet
llm: qwen3-0.6b
instances:
  - { gpu: a40, tp: 1, role: prefill, count: 1 }
  - { gpu: a40, tp: 1, role: decode, count: 2 }
links:
  - { from: prefill, to: decode, bandwidth_bytes_per_s: 12500000000, latency_s: 0.0001 }
`;

async function cli(argv: string[]): Promise<{ code: number; stderr: string; seconds: number }> {
  const t0 = performance.now();
  try {
    const r = await promisify(execFile)('node', [bin, ...argv], { cwd: dir, encoding: 'utf8' });
    return { code: 0, stderr: r.stderr, seconds: (performance.now() - t0) / 1000 };
  } catch (error) {
    const e = error as { code?: number; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stderr: e.stderr ?? '', seconds: (performance.now() - t0) / 1000 };
  }
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/ not built: run npm run build (npm test does)');
  dir = scratchDir('fleetplan-concurrent-');
  writeFileSync(join(dir, 'fleet.yaml'), FLEET);
});

describe('concurrent processes, one output directory', () => {
  it('two plan processes into the same --out leave one whole set (plan.yaml, plan.json, slo.yaml from one run)', async () => {
    // Different SLO sources: only the --ttfet run writes slo.yaml and points plan.yaml at it, so a mixed set shows.
    const [a, b] = await Promise.all([cli(['plan', ...PLAN_ARGS, '--slo', 'relaxed']), cli(['plan', ...PLAN_ARGS, '--ttfet-p95-s', '60'])]);
    expect([a.code, b.code], `${a.stderr}${b.stderr}`).toEqual([0, 0]);
    const names = readdirSync(join(dir, 'race')).sort();
    expect(names.filter((n) => n.startsWith('.'))).toEqual([]); // no lock, no temporary left
    const planJson = JSON.parse(readFileSync(join(dir, 'race', 'plan.json'), 'utf8'));
    const planYaml = readFileSync(join(dir, 'race', 'plan.yaml'), 'utf8');
    const fromTtfet = planJson.inputs.slo === 'command-line';
    expect(names.includes('slo.yaml')).toBe(fromTtfet);
    expect(planYaml.includes('slo: slo.yaml')).toBe(fromTtfet);
  });

  it('a run waits while another live process holds the directory lock, then writes; a dead holder\'s lock is broken', async () => {
    // The holder outlives the simulation's own work, so a run that ignored the lock would write before it ends.
    const holder = spawn('sleep', ['7'], { stdio: 'ignore' });
    let holderEndedAtMs = Infinity;
    const exited = new Promise<void>((done) => holder.on('exit', () => { holderEndedAtMs = Date.now(); done(); }));
    mkdirSync(join(dir, 'held'), { recursive: true });
    writeFileSync(join(dir, 'held', '.fleetplan-out.lock'), `${holder.pid}\n`);
    const held = await cli(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '2', '--out', 'held']);
    await exited;
    expect(held.code, held.stderr).toBe(0);
    // Written only after the holder was gone (the lock polls every 25 ms), and the whole set.
    expect(statSync(join(dir, 'held', 'result.json')).mtimeMs).toBeGreaterThanOrEqual(holderEndedAtMs - 50);
    expect(readdirSync(join(dir, 'held')).sort()).toEqual(['report.html', 'result.json']);

    mkdirSync(join(dir, 'dead'), { recursive: true });
    // A pid no process has (above the kernel's pid_max default of 4,194,304); in-process, the check is the same.
    writeFileSync(join(dir, 'dead', '.fleetplan-out.lock'), '99999999\n');
    const dead = await runCli(['simulate', '--fleet', 'fleet.yaml', '--mix', 'swe-agent-paper', '--duration-s', '2', '--out', 'dead'], { cwd: dir });
    expect(dead.code, dead.stderr).toBe(0);
    expect(readdirSync(join(dir, 'dead')).sort()).toEqual(['report.html', 'result.json']);
  });
});
