/**
 * The CLI runs node with the flags relaunch.ts names (a Node 20 platform deadlock made `plan` hang about 1 run in 6 on
 * a loaded machine without them): started without them, the built CLI relaunches node with them and passes on
 * arguments, stdout, stderr and the exit code; started with them, it runs in the same process.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { missingNodeFlags, REQUIRED_NODE_FLAGS } from '../../planner/cli/relaunch.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');

/** A preload that reports, on stderr, the node flags of every process that loads it (the parent and any relaunch). */
function probe(): string {
  const file = join(scratchDir('fleetplan-relaunch-'), 'probe.mjs');
  writeFileSync(file, "process.stderr.write(`probe pid=${process.pid} flags=${process.execArgv.filter((a) => a.startsWith('--no-')).join(',')}\\n`);\n");
  return pathToFileURL(file).href;
}

const probeLines = (stderr: string) => stderr.split('\n').filter((l) => l.startsWith('probe '));

describe('relaunch under the required node flags', () => {
  it('names what execArgv lacks, and nothing when every flag is there', () => {
    expect(REQUIRED_NODE_FLAGS).toContain('--no-concurrent-recompilation');
    expect(missingNodeFlags([])).toEqual([...REQUIRED_NODE_FLAGS]);
    expect(missingNodeFlags(['--import', 'x', ...REQUIRED_NODE_FLAGS])).toEqual([]);
  });

  it('started without the flags: the command runs in a child that has them, with the same output and exit code', () => {
    expect(existsSync(bin), 'dist/ not built: run npm run build (npm test does)').toBe(true);
    const preload = probe();
    const ok = spawnSync(process.execPath, ['--import', preload, bin, '--version'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    const lines = probeLines(ok.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/flags=$/);
    expect(lines[1]).toMatch(/flags=--no-concurrent-recompilation$/);
    const bad = spawnSync(process.execPath, [bin, 'plan', '--no-such-flag'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('fleetplan: unknown option \'--no-such-flag\' (see "fleetplan plan --help")\n');
    expect(bad.stdout).toBe('');
  });

  it('started with the flags: no second process', () => {
    const run = spawnSync(process.execPath, ['--import', probe(), ...REQUIRED_NODE_FLAGS, bin, '--version'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(probeLines(run.stderr)).toHaveLength(1);
  });
});
