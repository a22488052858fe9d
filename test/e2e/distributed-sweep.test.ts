/**
 * examples/distributed: the Kubernetes Indexed Job, GitHub Actions matrix and GitLab `parallel:` sweeps. The Job's own
 * shell commands run here as separate processes (one per JOB_COMPLETION_INDEX, then the merge Job's), and the merged
 * file must be byte-identical to the unsharded sweep; every manifest validates against the Kubernetes schemas; the
 * three engines agree on the shard count and the grid. (test/unit/planner/sweep-grid.test.ts checks the same
 * identity in-process for any shard order.)
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { objectErrors } from '../helpers/manifest-schemas.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

const dir = join(repoRoot, 'examples', 'distributed');
const read = (path: string) => readFileSync(join(dir, path), 'utf8');
const docsOf = (path: string) => parseAllDocuments(read(path)).map((d) => d.toJS() as Record<string, any>);
const storage = docsOf('kubernetes/storage.yaml');
const [shardJob] = docsOf('kubernetes/sweep-shards-job.yaml');
const [mergeJob] = docsOf('kubernetes/sweep-merge-job.yaml');
const env = (job: Record<string, any>) => Object.fromEntries((job.spec.template.spec.containers[0].env as Array<{ name: string; value: string }>).map((e) => [e.name, e.value]));
const script = (job: Record<string, any>) => job.spec.template.spec.containers[0].args[0] as string;

/** Runs a pod's `/bin/sh -c` script with `fleetplan` on PATH as this checkout's CLI (tsx, no build needed). */
function runScript(text: string, vars: Record<string, string>, bin: string): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', text], { cwd: repoRoot, env: { ...process.env, ...vars, PATH: `${bin}:${process.env.PATH}` }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
  });
}

describe('examples/distributed', () => {
  it('every Kubernetes manifest validates against the Kubernetes API schemas', () => {
    const all = [...storage, shardJob, mergeJob];
    expect(all.map((o) => o.kind)).toEqual(['ConfigMap', 'PersistentVolumeClaim', 'Job', 'Job']);
    expect(all.flatMap(objectErrors)).toEqual([]);
  });

  it('the Indexed Job, the GitHub matrix and the GitLab parallel job run the same grid in the same number of shards', () => {
    expect(shardJob.spec.completionMode).toBe('Indexed');
    const shards = Number(env(shardJob).SHARDS);
    expect([shardJob.spec.completions, shardJob.spec.parallelism]).toEqual([shards, shards]);
    expect(script(shardJob)).toContain('--shard $((JOB_COMPLETION_INDEX+1))/$SHARDS');
    expect(storage[0].data['grid.yaml']).toBe(read('grid.yaml'));
    const github = parse(read('github/workflows/fleetplan-sweep.yml'));
    expect(github.jobs.shard.strategy.matrix.shard).toEqual(Array.from({ length: shards }, (_, i) => i + 1));
    expect(github.env.SHARDS).toBe(shards);
    expect(github.env.GRID).toBe('examples/distributed/grid.yaml');
    expect(github.jobs.merge.needs).toBe('shard');
    const gitlab = parse(read('gitlab/.gitlab-ci.yml'));
    expect(gitlab['sweep-shard'].parallel).toBe(shards);
    expect(gitlab['sweep-shard'].script.join('\n')).toContain('--shard $CI_NODE_INDEX/$CI_NODE_TOTAL');
    expect(gitlab['sweep-merge'].needs).toEqual(['sweep-shard']);
    expect(gitlab.variables.GRID).toBe('examples/distributed/grid.yaml');
  });

  it('the Job\'s shard pods as separate processes, then its merge pod: byte-identical to the unsharded sweep', async () => {
    const scratch = scratchDir('fleetplan-distributed-');
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'fleetplan'), `#!/bin/sh\nexec "${process.execPath}" --import tsx "${join(repoRoot, 'planner', 'cli', 'bin.ts')}" "$@"\n`);
    chmodSync(join(bin, 'fleetplan'), 0o755);
    const results = join(scratch, 'results');
    mkdirSync(results);
    const grid = join(dir, 'grid.yaml');
    const shards = Number(env(shardJob).SHARDS);
    const runs = await Promise.all(Array.from({ length: shards }, (_, k) =>
      runScript(script(shardJob), { ...env(shardJob), GRID: grid, RESULTS: results, JOB_COMPLETION_INDEX: String(k) }, bin)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    // The unsharded reference afterwards (a separate process too), so the shards' solves do not compete with it.
    const whole = await runScript(`fleetplan sweep "$GRID" --out "$RESULTS/whole.json" || [ $? -le 1 ]`, { GRID: grid, RESULTS: results }, bin);
    expect(whole.code, whole.stderr).toBe(0);
    const merged = await runScript(script(mergeJob), { ...env(mergeJob), RESULTS: results }, bin);
    expect(merged.code, merged.stderr).toBe(0);
    const sweep = readFileSync(join(results, 'sweep.json'), 'utf8');
    expect(sweep).toBe(readFileSync(join(results, 'whole.json'), 'utf8'));
    expect(JSON.parse(sweep).sweep).toBeDefined();
  }, 300_000);
});
