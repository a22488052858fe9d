/**
 * MiniMax-M2.5 and Kimi-K2.5 (issue #12, catalog part): the loader takes the two entries and computes their KV bytes
 * per token from the published shapes; a broken copy of one is refused with one line naming file, line and field; the
 * staged silicon CSV's `model_path`s map to them, so their agg runs are scored in the MoE accuracy table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { kvBytesPerToken } from '../../models/specs.js';
import { moeSiliconRuns } from '../../models/moe/silicon-rows.js';
import { catalogLlmId, missingLlmReason } from '../../models/serving/runs.js';
import { runCli } from '../helpers/run-cli.js';
import { repoRoot, scratchDir, sharedData } from '../helpers/paths.js';

const catalog = loadBuiltinCatalog();
const llm = (id: string) => {
  const l = catalog.llms.get(id);
  if (!l) throw new Error(`${id} not in the built-in catalog`);
  return l;
};

describe('the built-in catalog loads MiniMax-M2.5 and Kimi-K2.5', () => {
  it('MiniMax-M2.5: GQA on every layer, 2 x 62 layers x 8 kv_heads x 128 head_dim x 2 B = 253,952 KV bytes per token', () => {
    const m = llm('minimax-m2.5');
    expect(m.attention).toEqual({ kind: 'gqa' });
    expect(kvBytesPerToken(m)).toBe(2 * 62 * 8 * 128 * 2);
    expect(kvBytesPerToken(m)).toBe(253_952);
    expect(kvBytesPerToken(m, 'fp8')).toBe(126_976);
    // 62 layers x (attention 3,072 x 14,336 + q/k norms 7,168 + 8 experts x 3 x 3,072 x 1,536 + router 786,432 + bias 256
    // + norms 6,144) + embeddings and lm_head 2 x 200,064 x 3,072 + final norm 3,072 = 11.03B (model card: 10B activated)
    expect(m.moe?.activeParameters).toBe(62 * (3072 * 14336 + 7168 + 8 * 3 * 3072 * 1536 + 786_432 + 256 + 6144) + 2 * 200064 * 3072 + 3072);
  });

  it('Kimi-K2.5: MLA, 61 layers x (512 kv_lora_rank + 64 qk_rope_head_dim) x 2 B = 70,272 KV bytes per token', () => {
    const k = llm('kimi-k2.5');
    expect(k.attention).toMatchObject({ kind: 'mla', kvLoraRank: 512, qkRopeHeadDim: 64 });
    expect(kvBytesPerToken(k)).toBe(61 * (512 + 64) * 2);
    expect(kvBytesPerToken(k)).toBe(70_272);
    expect(k.maxContextTokens).toBe(262_144);
    expect(k.moe?.activeParameters).toBe(llm('kimi-k2').moe?.activeParameters);
  });
});

describe('a broken copy of a new entry', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchDir();
  });
  const copy = (id: string, edit: (text: string) => string): string => {
    const text = edit(readFileSync(join(repoRoot, 'catalogs', 'llms', `${id}.yaml`), 'utf8'))
      .replace(`id: ${id}\n`, `id: my-${id}\n`).replace('$schema: ../schemas/llm.schema.json\n', '');
    const path = join(dir, `my-${id}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const run = (file: string) => runCli(['catalog', 'llms', '--json', '--catalog', file]);

  it('loads unchanged (ids aside) through --catalog', async () => {
    const r = await run(copy('minimax-m2.5', (t) => t));
    expect(r.stderr).toBe('');
    const listed = JSON.parse(r.stdout).llms.find((l: { id: string }) => l.id === 'my-minimax-m2.5');
    expect(listed.kv_bytes_per_token).toBe(253_952);
  });

  it('is refused with one line per problem naming file, line and field, exit 2, nothing on stdout', async () => {
    const r = await run(copy('kimi-k2.5', (t) => t.replace('  experts_per_token: 8\n', '  experts_per_token: 400\n').replace('  kv_lora_rank: 512\n', '')));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n').map((l) => l.split(dir).join('DIR'));
    expect(lines).toEqual([
      expect.stringMatching(/^fleetplan: DIR\/my-kimi-k2\.5\.yaml:17: moe\.experts_per_token: found 400 > experts 384/),
      expect.stringMatching(/^fleetplan: DIR\/my-kimi-k2\.5\.yaml:\d+: attention\.kv_lora_rank: found nothing, expected the MLA latent size/),
    ]);
  });
});

describe('linear-attention layers (Qwen3.5) in a catalog file', () => {
  let dir: string;
  beforeAll(() => {
    dir = scratchDir();
  });
  const qwenCopy = (name: string, edit: (text: string) => string): string => {
    const text = edit(readFileSync(join(repoRoot, 'catalogs', 'llms', 'qwen3.5-397b-a17b.yaml'), 'utf8'))
      .replace('id: qwen3.5-397b-a17b\n', 'id: my-qwen\n').replace('$schema: ../schemas/llm.schema.json\n', '');
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const run = (file: string) => runCli(['catalog', 'llms', '--json', '--catalog', file]);
  const errorLines = async (file: string) => {
    const r = await run(file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    return r.stderr.trim().split('\n').map((l) => l.split(dir).join('DIR'));
  };

  it('lists the layers and the state a sequence holds', async () => {
    const r = await run(qwenCopy('ok', (t) => t));
    expect(r.stderr).toBe('');
    const listed = JSON.parse(r.stdout).llms.find((l: { id: string }) => l.id === 'my-qwen');
    expect(listed.kv_bytes_per_token).toBe(30_720);
    expect(listed.attention.linear_attention.layers).toBe(45);
    expect(listed.attention.linear_state_bytes_per_sequence).toBe(195_379_200);
  });

  it('refuses a missing state size, no full-attention layer left, and linear layers on MLA: one line each', async () => {
    expect(await errorLines(qwenCopy('missing', (t) => t.replace('    state_dtype_bytes: 4\n', '')))).toEqual([
      expect.stringMatching(/^fleetplan: DIR\/missing\.yaml:\d+: attention\.linear_attention\.state_dtype_bytes: found nothing, expected/),
    ]);
    expect(await errorLines(qwenCopy('all-linear', (t) => t.replace('    layers: 45\n', '    layers: 60\n')))).toEqual([
      'fleetplan: DIR/all-linear.yaml:24: attention.linear_attention.layers: found 60 linear-attention layers of 60, expected fewer than layers (at least one full-attention layer)',
    ]);
    const mla = qwenCopy('mla', (t) => t.replace('  kind: gqa\n', '  kind: mla\n  kv_lora_rank: 512\n  qk_rope_head_dim: 64\n  qk_nope_head_dim: 128\n  v_head_dim: 128\n'));
    expect(await errorLines(mla)).toEqual([
      expect.stringMatching(/^fleetplan: DIR\/mla\.yaml:\d+: attention\.linear_attention: found .* with attention kind "mla", expected linear-attention layers only with kind "gqa"$/),
    ]);
  });
});

describe('the staged silicon CSV maps to them', () => {
  it('names the new catalog ids for the published and NVIDIA-quantised checkpoints', () => {
    const has = (id: string) => catalog.llms.has(id);
    expect(catalogLlmId('MiniMaxAI/MiniMax-M2.5', has)).toBe('minimax-m2.5');
    expect(catalogLlmId('moonshotai/Kimi-K2.5', has)).toBe('kimi-k2.5');
    expect(catalogLlmId('nvidia/Kimi-K2.5-NVFP4', has)).toBe('kimi-k2.5');
    expect(catalogLlmId('Qwen/Qwen3.5-397B-A17B', has)).toBe('qwen3.5-397b-a17b');
    // Not in the catalog (DeepSeek sparse attention): counted by the importers with what is missing, not mapped.
    expect(catalogLlmId('zhipuai/GLM-5', has)).toBeUndefined();
    expect(missingLlmReason('zhipuai/GLM-5-FP8')).toMatch(/^model "zhipuai\/GLM-5-FP8" not expressible \(DeepSeek Sparse Attention/);
    expect(missingLlmReason('acme/Unknown-7B')).toBe('model "acme/Unknown-7B" not in the catalog');
  });

  it('scores their expressible agg rows: MiniMax-M2.5 242 of 329 (212 B200, 30 H100), Kimi-K2.5 60 of 120, Qwen3.5 147 of 224', () => {
    const file = join(sharedData, 'aiconfigurator', 'silicon', 'silicon_runs_h100_b200.csv');
    const { runs } = moeSiliconRuns(readFileSync(file, 'utf8'), file, catalog.gpus, catalog.llms);
    const count = (llmId: string, gpu?: string) => runs.filter((r) => r.run.llm === llmId && (gpu === undefined || r.run.gpu === gpu)).length;
    expect([count('minimax-m2.5'), count('minimax-m2.5', 'b200'), count('minimax-m2.5', 'h100-sxm')]).toEqual([242, 212, 30]);
    expect([count('kimi-k2.5'), count('kimi-k2.5', 'b200')]).toEqual([60, 60]);
    expect(runs.filter((r) => r.run.llm === 'kimi-k2.5').every((r) => r.run.precision === 'fp4')).toBe(true);
    // SGLang on B200: bf16 (the published checkpoint), fp8 block-scaled and nvfp4.
    const q = runs.filter((r) => r.run.llm === 'qwen3.5-397b-a17b');
    expect([q.length, ...['bf16', 'fp8', 'fp4'].map((p) => q.filter((r) => r.run.precision === p).length)]).toEqual([147, 35, 100, 12]);
    expect(q.every((r) => r.run.backend === 'sglang' && r.run.gpu === 'b200')).toBe(true);
  });
});
