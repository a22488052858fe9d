/** `fleetplan catalog` end to end: in-process, and once through the built binary as `npx fleetplan` runs it. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir } from '../helpers/paths.js';

describe('fleetplan catalog', () => {
  it('lists ≥ 12 GPUs, ≥ 7 LLMs, ≥ 4 mixes and ≥ 3 SLO sets as JSON, each entry with sources', async () => {
    const run = await runCli(['catalog', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const doc = JSON.parse(run.stdout);
    expect(doc.gpus.length).toBeGreaterThanOrEqual(12);
    expect(doc.llms.length).toBeGreaterThanOrEqual(7);
    expect(doc.mixes.length).toBeGreaterThanOrEqual(4);
    expect(doc.slos.length).toBeGreaterThanOrEqual(3);
    for (const section of ['gpus', 'llms', 'mixes', 'slos', 'datacenters']) {
      for (const entry of doc[section]) expect(Object.keys(entry.sources).length, `${section} ${entry.id}`).toBeGreaterThan(0);
    }
    const ids = doc.gpus.map((g: { id: string }) => g.id);
    for (const id of ['a100-40gb', 'a100-80gb-sxm', 'h100-sxm', 'h100-pcie', 'h200', 'h20', 'l40s', 'l4', 'a40', 'b200', 'mi300x', 'gaudi3']) expect(ids).toContain(id);
    const llm = doc.llms.find((l: { id: string }) => l.id === 'llama-3.1-70b');
    expect(llm.kv_bytes_per_token).toBe(327_680);
    // gpt-oss's alternating sliding-window layers are shown in the catalog file's own shape, and its per-token KV
    // counts only the 18 full-attention layers (2,048 B each).
    const gptOss = doc.llms.find((l: { id: string }) => l.id === 'gpt-oss-120b');
    expect(gptOss.attention).toEqual({ kind: 'gqa', sliding_window_tokens: 128, sliding_layers: 18 });
    expect(gptOss.kv_bytes_per_token).toBe(36_864);
  });

  it('prints a plain table when piped and a boxed one on a terminal', async () => {
    const piped = await runCli(['catalog', 'gpus']);
    expect(piped.stdout.split('\n')[0]).toMatch(/^id\s+name\s+memory GB/);
    expect(piped.stdout).not.toMatch(/[┌│]/);
    const tty = await runCli(['catalog', 'gpus'], { tty: true });
    expect(tty.stdout).toMatch(/┌/);
    expect(tty.stdout).toContain('h100-sxm');
  });

  it('a user file overrides a built-in entry by id', async () => {
    const dir = scratchDir();
    const original = readFileSync(join(repoRoot, 'catalogs', 'gpus', 'h100-sxm.yaml'), 'utf8');
    const file = join(dir, 'my-h100.yaml');
    writeFileSync(file, original.replace(/capex_usd: [\d_.e]+/, 'capex_usd: 12345'));
    const run = await runCli(['catalog', 'gpus', '--json', '--catalog', file]);
    expect(run.code).toBe(0);
    const h100 = JSON.parse(run.stdout).gpus.find((g: { id: string }) => g.id === 'h100-sxm');
    expect(h100.price.capex_usd).toBe(12345);
  });

  it('--help of every command shows an example', async () => {
    for (const command of ['plan', 'simulate', 'compare', 'validate', 'whatif', 'fit', 'predict', 'catalog', 'report']) {
      const run = await runCli([command, '--help']);
      expect(run.code, command).toBe(0);
      expect(run.stdout, command).toMatch(/Example:\n {2}fleetplan /);
    }
  });
});

describe('the built binary (what npx fleetplan runs)', () => {
  const bin = join(repoRoot, 'dist', 'planner', 'cli', 'bin.js');
  beforeAll(() => {
    if (!existsSync(bin)) execFileSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: repoRoot });
  }, 120_000);

  it('lists GPUs as JSON and exits 0', () => {
    const run = spawnSync(process.execPath, [bin, 'catalog', 'gpus', '--json'], { cwd: scratchDir(), encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).gpus.length).toBeGreaterThanOrEqual(12);
  });

  it('exits 2 with one line and no stack on a missing file', () => {
    const run = spawnSync(process.execPath, [bin, 'catalog', '--catalog', 'missing.yaml'], { cwd: scratchDir(), encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('fleetplan: missing.yaml: found no such file, expected an existing file\n');
  });
});
