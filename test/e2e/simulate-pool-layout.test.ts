/**
 * `simulate`'s table names each pool's layout (tp × ep) and format, as plan's table and --json do: two pools of one
 * GPU type that differ only in layout (an MoE plan's tp8ep16 prefiller and tp1ep16 decoder) must be told apart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

describe('simulate table on an expert-parallel fleet', () => {
  it('prints tp × ep and the precision on each pool line', async () => {
    const dir = scratchDir();
    const fleet = join(dir, 'moe.yaml');
    writeFileSync(fleet, 'kind: fleet\nllm: deepseek-v3\ninstances:\n  - {gpu: h200, tp: 8, ep: 8, role: prefill, count: 1}\n  - {gpu: h200, tp: 1, ep: 8, role: decode, count: 1}\n');
    const run = await runCli(['simulate', '--fleet', fleet, '--mix', 'coding-agent', '--duration-s', '60']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/pool 0 h200 tp8ep8 fp8 ×1 \(prefill\)/);
    expect(run.stdout).toMatch(/pool 1 h200 tp1ep8 fp8 ×1 \(decode\)/);
  });
});

describe('predict table on an expert-parallel layout', () => {
  it('opens with the operating point: tp × ep, GPUs, nodes, formats', async () => {
    const run = await runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'deepseek-v3', '--tp', '8', '--ep', '16', '--batch', '8', '--input-tokens', '1024', '--output-tokens', '128']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe('deepseek-v3 on h100-sxm: tp 8 × ep 16 (16 GPUs over 2 nodes, attention data-parallel 2), fp8 weights, KV bf16; batch 8, 1024 input / 128 output tokens');
  });
});
