/**
 * Issue #12's bad MoE/MLA input: an MoE block routing to more experts than it has, dense layers covering the whole
 * model, an `mla` attention without its latent sizes, MLA sizes on a `gqa` attention, a bad sliding window (0 tokens,
 * more sliding layers than layers, one of its two fields alone, on `mla`). One line per problem naming file, line and
 * field; exit 2; nothing on stdout.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';
import { scratchDir } from '../helpers/paths.js';

let dir: string;
beforeAll(() => {
  dir = scratchDir();
});

const LLM = `kind: llm
id: test-moe
name: Test MoE
parameters: 671026419200
layers: 61
hidden_size: 7168
intermediate_size: 18432
attention_heads: 128
kv_heads: 128
head_dim: 192
vocab_size: 129280
weight_dtype_bytes: 1
kv_dtype_bytes: 2
max_context_tokens: 163840
moe:
  experts: 256
  experts_per_token: 8
  shared_experts: 1
  expert_intermediate_size: 2048
  dense_layers: 3
attention:
  kind: mla
  kv_lora_rank: 512
  qk_rope_head_dim: 64
  qk_nope_head_dim: 128
  v_head_dim: 128
sources: {parameters: test}
`;

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function llmRun(file: string) {
  return runCli(['catalog', 'llms', '--json', '--catalog', file]);
}

async function errors(file: string): Promise<string> {
  const run = await llmRun(file);
  expect(run.code).toBe(2);
  expect(run.stdout).toBe('');
  return run.stderr.split(dir).join('DIR');
}

describe('bad MoE / MLA input', () => {
  it('accepts the valid fixture and computes active parameters from the block', async () => {
    const run = await llmRun(write('ok-moe.yaml', LLM));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const llm = JSON.parse(run.stdout).llms.find((l: { id: string }) => l.id === 'test-moe');
    // 671.0B − (256 − 8) × 3 × 7168 × 2048 × 58 MoE layers = 37.55B (DeepSeek-V3's published 37B activated).
    expect(llm.moe.active_parameters).toBe(671026419200 - 248 * 3 * 7168 * 2048 * 58);
    expect(llm.kv_bytes_per_token).toBe(61 * (512 + 64) * 2);
    expect(llm.attention).toEqual({ kind: 'mla', kv_lora_rank: 512, qk_rope_head_dim: 64, qk_nope_head_dim: 128, v_head_dim: 128 });
  });

  it('experts_per_token above experts', async () => {
    expect(await errors(write('topk.yaml', LLM.replace('experts_per_token: 8', 'experts_per_token: 300')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/topk.yaml:17: moe.experts_per_token: found 300 > experts 256, expected at most the 256 routed experts
      "
    `);
  });

  it('dense layers covering every layer', async () => {
    expect(await errors(write('dense.yaml', LLM.replace('dense_layers: 3', 'dense_layers: 61')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/dense.yaml:20: moe.dense_layers: found 61 dense layers of 61, expected fewer than layers (an MoE model has at least one MoE layer)
      "
    `);
  });

  it('an mla attention without its latent sizes: one line per missing size', async () => {
    const text = LLM.replace('  kv_lora_rank: 512\n', '').replace('  qk_rope_head_dim: 64\n', '');
    expect(await errors(write('mla.yaml', text))).toMatchInlineSnapshot(`
      "fleetplan: DIR/mla.yaml:22: attention.kv_lora_rank: found nothing, expected the MLA latent size (an integer > 0) for attention kind "mla"
      fleetplan: DIR/mla.yaml:22: attention.qk_rope_head_dim: found nothing, expected the MLA latent size (an integer > 0) for attention kind "mla"
      "
    `);
  });

  it('MLA sizes on a gqa attention', async () => {
    expect(await errors(write('gqa.yaml', LLM.replace('kind: mla', 'kind: gqa').replace(/\n {2}(qk_rope_head_dim|qk_nope_head_dim|v_head_dim): \d+/g, '')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/gqa.yaml:23: attention.kv_lora_rank: found 512 with attention kind "gqa", expected no MLA latent sizes (or kind "mla")
      "
    `);
  });

  const SLIDING = (window: string, layers: string) => LLM.replace('kind: mla', 'kind: gqa').replace(/\n {2}(kv_lora_rank|qk_rope_head_dim|qk_nope_head_dim|v_head_dim): \d+/g, '')
    .replace('kind: gqa', `kind: gqa${window}${layers}`);

  it('accepts a sliding window and counts KV tokens at the full layers', async () => {
    const run = await llmRun(write('swa-ok.yaml', SLIDING('\n  sliding_window_tokens: 128', '\n  sliding_layers: 30')));
    expect(run.stderr).toBe('');
    const llm = JSON.parse(run.stdout).llms.find((l: { id: string }) => l.id === 'test-moe');
    expect(llm.kv_bytes_per_token).toBe(2 * 31 * 128 * 192 * 2);
  });

  it('a window of 0 tokens, more sliding layers than layers, one field without the other, a window on mla', async () => {
    expect(await errors(write('swa-zero.yaml', SLIDING('\n  sliding_window_tokens: 0', '\n  sliding_layers: 30')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/swa-zero.yaml:23: attention.sliding_window_tokens: found 0, expected a number ≥ 1 (tokens)
      "
    `);
    expect(await errors(write('swa-layers.yaml', SLIDING('\n  sliding_window_tokens: 128', '\n  sliding_layers: 62')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/swa-layers.yaml:24: attention.sliding_layers: found 62 sliding layers of 61, expected at most layers (61)
      "
    `);
    expect(await errors(write('swa-half.yaml', SLIDING('\n  sliding_window_tokens: 128', '')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/swa-half.yaml:23: attention.sliding_layers: found nothing, expected an integer > 0 with attention.sliding_window_tokens (the two go together)
      "
    `);
    expect(await errors(write('swa-mla.yaml', LLM.replace('kind: mla', 'kind: mla\n  sliding_window_tokens: 128\n  sliding_layers: 30')))).toMatchInlineSnapshot(`
      "fleetplan: DIR/swa-mla.yaml:23: attention.sliding_window_tokens: found 128 with attention kind "mla", expected a sliding window only with kind "gqa"
      fleetplan: DIR/swa-mla.yaml:24: attention.sliding_layers: found 30 with attention kind "mla", expected a sliding window only with kind "gqa"
      "
    `);
  });

  it('the old {experts, active_experts} block names the fields it lacks', async () => {
    const text = LLM.replace(/moe:\n(  .*\n)+/, 'moe:\n  experts: 256\n  active_experts: 8\n');
    const out = await errors(write('old.yaml', text));
    expect(out).toContain('moe.active_experts: found an unknown field');
    expect(out).toContain('moe.experts_per_token: found nothing, expected a value for this required field');
  });
});
