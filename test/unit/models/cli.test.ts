import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../catalogs/issues.js';
import { runFit } from '../../../planner/cli/commands/fit.js';
import { runPredict } from '../../../planner/cli/commands/predict.js';
import type { CommandContext } from '../../../planner/cli/context.js';

function context(cwd = process.cwd()) {
  let out = '';
  const ctx: CommandContext = { stdout: (t) => (out += t), stderr: () => {}, stdoutIsTTY: false, stderrIsTTY: false, stdinIsTTY: false, cwd, env: {}, signal: new AbortController().signal };
  return { ctx, out: () => out };
}

describe('runPredict()', () => {
  it('prints exactly the DESIGN.md fields as one JSON document', async () => {
    const { ctx, out } = context();
    expect(await runPredict({ gpu: 'h100-sxm', llm: 'llama-2-70b', tp: 4, inputTokens: 2048, json: true }, ctx)).toBe(0);
    const doc = JSON.parse(out());
    expect(Object.keys(doc).sort()).toEqual(['decode_power_w', 'decode_step_s', 'kv_bytes_per_token', 'kv_capacity_tokens', 'prefill_power_w', 'prefill_s', 'source', 'tpot_s', 'ttft_s'].sort());
    expect(doc.source).toMatch(/^builtin: splitwise/);
  });
  it('exits 1 with the reason when the weights do not fit', async () => {
    const { ctx, out } = context();
    expect(await runPredict({ gpu: 'l4', llm: 'llama-3.1-70b', tp: 1, inputTokens: 100 }, ctx)).toBe(1);
    expect(out()).toMatch(/^does not fit: llama-3.1-70b does not fit on 1× l4/);
  });
  it('keeps the real KV capacity when only the batch does not fit', async () => {
    const text = context();
    expect(await runPredict({ gpu: 'a40', llm: 'qwen3-0.6b', batch: 1000, inputTokens: 1000, outputTokens: 100 }, text.ctx)).toBe(1);
    const capacity = Number(/kv_capacity_tokens: (\d+)/.exec(text.out())?.[1]);
    expect(capacity).toBeGreaterThan(100_000);
    expect(text.out()).toMatch(/^does not fit: the batch's KV, 1000 × \(1000 \+ 100\) = 1100000 KV tokens exceed the \d+ that fit/);
    const json = context();
    expect(await runPredict({ gpu: 'a40', llm: 'qwen3-0.6b', batch: 1000, inputTokens: 1000, outputTokens: 100, json: true }, json.ctx)).toBe(1);
    const doc = JSON.parse(json.out());
    expect(doc).toMatchObject({ fits: false, misfit: 'batch', kv_capacity_tokens: capacity });
    const weights = context();
    await runPredict({ gpu: 'l4', llm: 'llama-3.1-70b', tp: 1, inputTokens: 100, json: true }, weights.ctx);
    expect(JSON.parse(weights.out())).toMatchObject({ misfit: 'weights', kv_capacity_tokens: 0 });
  });
  it('rejects an unknown GPU with a suggestion', async () => {
    await expect(runPredict({ gpu: 'h100-sx', llm: 'llama-2-70b', inputTokens: 10 }, context().ctx)).rejects.toThrow(InputError);
  });
});

describe('runFit()', () => {
  it('fits a fleetplan profile and reports held-out error; too few rows is an InputError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetplan-fit-'));
    const lines = ['gpu,llm,tp,phase,batch,input_tokens,context_tokens,latency_ms'];
    for (let i = 1; i <= 12; i++) lines.push(`g,l,1,prefill,1,${256 * i},,${20 + 0.02 * 256 * i}`);
    for (let i = 1; i <= 8; i++) lines.push(`g,l,1,decode,${i},,${1000 * i},${10 + 0.5 * i + 0.0001 * i * 1000 * i}`);
    writeFileSync(join(dir, 'ok.csv'), lines.join('\n'));
    writeFileSync(join(dir, 'small.csv'), lines.slice(0, 4).join('\n'));
    const { ctx, out } = context(dir);
    expect(await runFit({ profile: 'ok.csv', json: true, seed: 2 }, ctx)).toBe(0);
    const doc = JSON.parse(out());
    expect(doc.instances[0].prefill.test_rows).toBe(2);
    expect(doc.instances[0].prefill.held_out_mape).toBeLessThan(0.01);
    await expect(runFit({ profile: 'small.csv' }, context(dir).ctx)).rejects.toThrow(/found 3 prefill rows, expected at least 9/);
    await expect(runFit({ profile: 'missing.csv' }, context(dir).ctx)).rejects.toThrow(InputError);
  });
});
