/**
 * The built CLI (`node dist/planner/cli/bin.js`, what `npx fleetplan` runs) starts from the build's precompiled
 * validators and built-in catalog snapshot (catalogs/precompile.ts), and says exactly what the CLI run from source
 * says — output, every error line, exit code — for commands that load the catalog, a plan and user files.
 * Skipped when nothing is built (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSchemaFiles, schemasFingerprint } from '../../catalogs/schemas.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';
import { runCli } from '../helpers/run-cli.js';

const dist = join(repoRoot, 'dist');
const bin = join(dist, 'planner', 'cli', 'bin.js');
const built = existsSync(bin);
const scratch = scratchDir('fleetplan-built-');

function runBuilt(argv: readonly string[]) {
  const run = spawnSync(process.execPath, [bin, ...argv], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe.skipIf(!built)('the built CLI', () => {
  it('uses the build\'s precompiled validators and catalog snapshot (they match the sources: run `npm run build` after editing a schema or catalog file)', () => {
    const validators = createRequire(import.meta.url)(join(dist, 'catalogs', 'validators.generated.cjs')) as { fingerprint: string };
    expect(validators.fingerprint).toBe(schemasFingerprint(readSchemaFiles()));
    const probe = spawnSync(process.execPath, ['--input-type=module', '-e', `
      import { builtinFiles } from ${JSON.stringify(join(dist, 'catalogs', 'catalog.js'))};
      import { readBuiltinSnapshot } from ${JSON.stringify(join(dist, 'catalogs', 'builtin-snapshot.js'))};
      const { paths, displayOf } = builtinFiles();
      process.stdout.write(readBuiltinSnapshot(paths, displayOf) ? 'snapshot' : 'files');
    `], { cwd: repoRoot, encoding: 'utf8' });
    expect(probe.stdout, probe.stderr).toBe('snapshot');
  });

  const badPlan = join(scratch, 'bad.plan.yaml');
  writeFileSync(badPlan, 'kind: plan\nformat_version: 1\nmix: coding-agent\nslo: standard\nllm: llama-3.1-70b\ninstances:\n  - {gpu: h100-sxn, tp: 4, role: colocated, count: 1}\n  - {gpu: h200, tp: three, role: decode, count: 1}\n');
  const badGpu = join(scratch, 'bad-gpu.yaml');
  writeFileSync(badGpu, 'kind: gpu\nid: my-gpu\nvendor: NVIDIA\nmemory_bytes: -1\n');
  const cases: string[][] = [
    ['--version'],
    ['catalog', 'gpus', '--json'],
    ['catalog', 'mixes'],
    ['catalog', 'gpus', '--catalog', badGpu],
    ['export', 'examples/plans/coding-agent-h100-h200.plan.yaml', '--to', 'kubernetes'],
    ['export', 'test/fixtures/export/multinode-amd.plan.yaml', '--to', 'dynamo'],
    ['export', badPlan, '--to', 'kubernetes'],
    ['validate', badPlan],
    ['predict', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-70b', '--tp', '4', '--batch', '32', '--input-tokens', '4096', '--output-tokens', '256', '--json'],
    ['predict', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-70b', '--tp', '4', '--batch', '32', '--input-tokens', '4096', '--output-tokens', '256', '--isl', '{lognormal: {median: -1}}'],
  ];
  for (const argv of cases) {
    it(`fleetplan ${argv.join(' ').replaceAll(scratch, '…')}: same output, errors and exit code as from source`, async () => {
      const fromSource = await runCli(argv, { cwd: repoRoot });
      const fresh = runBuilt(argv);
      expect({ code: fresh.code, stdout: fresh.stdout, stderr: fresh.stderr }).toEqual(fromSource);
    });
  }
});
