/**
 * Issue 14, Ctrl-C on the built CLI (dist/) as a real SIGINT once the run is working: `sweep` (worker threads and
 * `--threads 1`) and `benchmark` stop with exit 130, "interrupted; no output was written" and no file, well before
 * the run would have ended by itself (uninterrupted, each run below takes 25–60 s on this machine).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');
let dir: string;
// A checked grid: 8 cells, each a plan → kernel check loop (about 8 s a cell on one core).
const GRID = 'kind: sweep\nmix: swe-agent-paper\nllm: qwen3-0.6b\nslo: relaxed\ngpus: [a40, l40s]\nx: {axis: rate_scale, values: [1, 2, 3, 4]}\ny: {axis: slo_scale, values: [1, 2]}\n';

/**
 * CPU seconds the process and its descendants have used (/proc): "working" on a loaded machine, not merely started.
 * The descendants count because the CLI relaunches node with the flags it needs (planner/cli/relaunch.ts).
 */
function cpuSecondsOf(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    const own = (Number(fields[11]) + Number(fields[12])) / 100;
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter((x) => x !== '').map(Number);
    return own + children.reduce((sum, child) => sum + (cpuSecondsOf(child) ?? 0), 0);
  } catch {
    return undefined;
  }
}

/** Runs the CLI, sends SIGINT once it has used `afterCpuSeconds` of CPU; how long it took to end after the signal. */
async function interruptedRun(argv: string[], afterCpuSeconds: number): Promise<{ code: number | null; stdout: string; stderr: string; secondsAfterSignal: number }> {
  const child = spawn('node', [bin, ...argv], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
  let signalledAt: number | undefined;
  const poll = setInterval(() => {
    const cpu = cpuSecondsOf(child.pid!);
    if (signalledAt === undefined && cpu !== undefined && cpu >= afterCpuSeconds) {
      signalledAt = performance.now();
      child.kill('SIGINT');
    }
  }, 50);
  const code = await new Promise<number | null>((done) => child.on('close', (c) => done(c)));
  clearInterval(poll);
  expect(signalledAt, `ended before it was interrupted (exit ${code}): make the run longer`).toBeDefined();
  return { code, stdout, stderr, secondsAfterSignal: (performance.now() - signalledAt!) / 1000 };
}

function expectInterrupted(run: { code: number | null; stdout: string; stderr: string; secondsAfterSignal: number }, output?: string, boundSeconds = 10): void {
  expect(run.code, run.stderr).toBe(130);
  expect(run.stderr).toBe('fleetplan: interrupted; no output was written\n');
  expect(run.stdout).toBe('');
  if (output !== undefined) expect(existsSync(join(dir, output)), output).toBe(false);
  // Uninterrupted these runs take a minute or more; stopping is a kernel slice or a worker termination away (or,
  // in-process, the end of the LP solve under way: ~5 s a cell here, its solver call cannot be stopped).
  expect(run.secondsAfterSignal).toBeLessThan(boundSeconds);
}

beforeAll(() => {
  if (!existsSync(bin)) throw new Error('dist/ not built: run npm run build (npm test does)');
  dir = scratchDir('fleetplan-interrupt-built-');
  writeFileSync(join(dir, 'grid.yaml'), GRID);
});

describe('Ctrl-C on the built CLI, mid-run', () => {
  it('sweep on worker threads (the default): exit 130, no --out file', async () => {
    expectInterrupted(await interruptedRun(['sweep', 'grid.yaml', '--out', 'threads.json'], 2), 'threads.json');
  }, 60_000);

  it('sweep --threads 1: stops inside a cell\'s kernel check or after its LP solve, exit 130, no --out file', async () => {
    // The 8 cells take ~60 s in one thread (the battery measured 63.8 s to exit before the fix).
    expectInterrupted(await interruptedRun(['sweep', 'grid.yaml', '--threads', '1', '--out', 'one.json'], 2.5), 'one.json', 30);
  }, 60_000);

  it('benchmark (40,000 requests): stops between kernel slices, exit 130, nothing on stdout', async () => {
    expectInterrupted(await interruptedRun(['benchmark', '--gpu', 'a40', '--llm', 'qwen3-0.6b', '--rate', '50', '--isl', '4000', '--osl', '2000', '--request-count', '40000', '--json'], 2));
  }, 60_000);
});
