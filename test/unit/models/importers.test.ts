import { describe, expect, it } from 'vitest';
import { InputError } from '../../../catalogs/issues.js';
import { fitProfile, importFleetplanProfile, importSplitwise, requiredRows } from '../../../models/index.js';
import { importAicGemm, importAicNccl } from '../../../models/importers/aiconfigurator.js';
import { PROFILE_COLUMNS } from '../../../models/importers/fleetplan-profile.js';
import schema from '../../../catalogs/schemas/profile.schema.json' with { type: 'json' };

const HEADER = 'gpu,llm,tp,phase,batch,input_tokens,context_tokens,latency_ms';
function message(fn: () => unknown): string {
  try { fn(); } catch (e) { expect(e).toBeInstanceOf(InputError); return (e as Error).message; }
  throw new Error('expected an InputError');
}

describe('importFleetplanProfile()', () => {
  it('converts ms to seconds and keeps line numbers', () => {
    const p = importFleetplanProfile(`${HEADER}\nh100-sxm,llama-2-70b,4,prefill,1,512,,60\nh100-sxm,llama-2-70b,4,decode,8,,1000,30\n`, 'p.csv');
    expect(p.rows[0].latencySeconds).toBeCloseTo(0.06, 12);
    expect(p.rows[1]).toMatchObject({ phase: 'decode', batch: 8, contextTokens: 1000, line: 3 });
  });
  it('rejects unknown columns, mixed units and non-positive latencies with file, line and field', () => {
    expect(message(() => importFleetplanProfile('gpu,llm,tp,phase,batch,latency_s,colour\n', 'p.csv'))).toMatchInlineSnapshot(`"p.csv:1: colour: found unknown column "colour", expected one of gpu, llm, tp, phase, batch, input_tokens, cached_tokens, context_tokens, latency_s, latency_ms, power_w, power_cap_w"`);
    expect(message(() => importFleetplanProfile('gpu,llm,tp,phase,batch,input_tokens,latency_s,latency_ms\n', 'p.csv'))).toMatch(/mixed units/);
    expect(message(() => importFleetplanProfile(`${HEADER}\na,b,1,prefill,1,512,,0\n`, 'p.csv'))).toMatchInlineSnapshot(`"p.csv:2: latency_ms: found 0, expected a positive number"`);
    expect(message(() => importFleetplanProfile(`${HEADER}\na,b,1,prefill,1,512,,-3\n`, 'p.csv'))).toMatch(/found -3, expected a positive number/);
  });
  it('knows exactly the columns its JSON Schema documents', () => {
    expect([...PROFILE_COLUMNS].sort()).toEqual(Object.keys(schema.properties).sort());
  });
});

describe('fitProfile()', () => {
  it('says how many rows are needed when a profile is too small', () => {
    const rows = importFleetplanProfile(`${HEADER}\nh,l,1,prefill,1,512,,60\nh,l,1,decode,1,,600,30\n`, 'p.csv').rows;
    expect(message(() => fitProfile(rows, { source: 'p.csv' }))).toBe(`p.csv: h/l/tp1: found 1 prefill rows, expected at least ${requiredRows('prefill', 0.2)} to fit 6 coefficients with hold-out 0.2`);
  });
  it('recovers a synthetic affine decode exactly and reports zero held-out error', () => {
    const lines = [HEADER];
    for (let i = 1; i <= 12; i++) lines.push(`g,l,1,prefill,${1 + (i % 3)},${256 * i},,${(20 + 0.05 * 256 * i * (1 + (i % 3))).toFixed(6)}`);
    for (let i = 1; i <= 10; i++) lines.push(`g,l,1,decode,${i * 4},,${500 * i},${(10 + 0.1 * i * 4 + 1e-5 * i * 4 * 500 * i).toFixed(9)}`);
    const fit = fitProfile(importFleetplanProfile(lines.join('\n'), 'p.csv').rows, { seed: 5 });
    expect(fit.instances[0].decode.heldOutMape).toBeLessThan(1e-6);
    expect(fit.instances[0].decode.coefficients[2] * 1000).toBeCloseTo(1e-5, 6);
  });
});

describe('public-format importers', () => {
  it('Splitwise: medians of repeats, ms → s, capped SKU flagged, impossible runs counted', () => {
    const row = (hw: string, b: number, p: number) => `llama2-70b,${hw},512,${b},128,0,0,${p},30,0,2`;
    const text = ['model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,token_time,e2e_time,tensor_parallel',
      row('h100-80gb', 1, 50), row('h100-80gb', 1, 52), row('h100-80gb', 1, 90), row('h100-80gb', 2, 80), row('h100-80gb', 4, 20), row('h100-80gb-pcap', 1, 65)].join('\n');
    const p = importSplitwise(text, 'perf.csv');
    const prefill = p.rows.filter((r) => r.phase === 'prefill');
    expect(prefill.find((r) => r.batch === 1 && r.powerCapWatts === undefined)?.latencySeconds).toBeCloseTo(0.052, 12);
    expect(prefill.find((r) => r.powerCapWatts === 490)?.gpu).toBe('h100-sxm');
    expect(p.excluded[0]).toMatchObject({ count: 1, lines: [6] });
  });
  it('aiconfigurator: ms → s and NCCL elements → bytes', () => {
    expect(importAicGemm('m,n,k,latency\n1024,4096,4096,2\n')[0]).toMatchObject({ dtype: 'bfloat16', latencySeconds: 0.002 });
    expect(importAicNccl('op_name,nccl_dtype,num_gpus,message_size,latency\nall_reduce,half,8,1024,0.5\n')[0]).toMatchObject({ messageBytes: 2048, latencySeconds: 0.0005 });
  });
});
