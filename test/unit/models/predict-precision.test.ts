/** `fleetplan predict --precision/--kv-dtype/--ep`: the same DESIGN.md fields, figures that follow the formats, one-line errors. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/run-cli.js';

async function predict(...extra: string[]) {
  return runCli(['predict', '--gpu', 'h100-sxm', '--llm', 'llama-3.1-70b', '--tp', '4', '--batch', '32', '--input-tokens', '4096', '--output-tokens', '256', '--json', ...extra]);
}

describe('predict with a precision', () => {
  it('fp8 weights and KV: the same fields, faster decode, twice the KV per byte, the source says how', async () => {
    const bf16 = await predict();
    const fp8 = await predict('--precision', 'fp8', '--kv-dtype', 'fp8');
    expect([bf16.code, fp8.code]).toEqual([0, 0]);
    const a = JSON.parse(bf16.stdout);
    const b = JSON.parse(fp8.stdout);
    expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
    expect(b.kv_bytes_per_token).toBe(a.kv_bytes_per_token / 2);
    expect(b.kv_capacity_tokens).toBeGreaterThan(2 * a.kv_capacity_tokens);
    expect(b.tpot_s).toBeLessThan(0.8 * a.tpot_s);
    expect(b.prefill_s).toBeLessThan(a.prefill_s);
    expect(b.source).toMatch(/fp8 GEMMs at 0\.53 of the fp8 peak/);
    expect(a.source).not.toMatch(/fp8/);
  });

  it('refuses a format the GPU lacks and ep on a dense LLM, exit 2, one line', async () => {
    const fp4 = await predict('--precision', 'fp4');
    expect([fp4.code, fp4.stderr.trim()]).toEqual([2, 'fleetplan: --precision: found "fp4", expected one of the formats h100-sxm has (bf16, fp8)']);
    const ep = await predict('--ep', '8');
    expect([ep.code, ep.stderr.trim()]).toEqual([2, 'fleetplan: --ep: found 8, expected 1: llama-3.1-70b is a dense LLM (no experts to spread)']);
  });
});
