/**
 * The MoE serving terms (models/serving/moe-step-terms.ts), the PerfModel built on them, the leave-one-architecture-
 * out grouping and the backend memory rule: the contracts the kernel's step accounting and the serving fit rely on.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { BUILTIN_MOE_CALIBRATION } from '../../../models/moe/builtin.js';
import { backendKvCapacityTokens } from '../../../models/moe/memory.js';
import { computeKvCapacity } from '../../../models/specs.js';
import { buildMoeCalibratedPerfModel } from '../../../models/serving/moe-calibrated-model.js';
import { architectureGroups } from '../../../models/serving/moe-holdout.js';
import { buildMoeStepTerms, MOE_KERNEL_TABLES_TERM, MOE_STEP_TERMS } from '../../../models/serving/moe-step-terms.js';
import { STEP_TERMS } from '../../../models/serving/step-terms.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const llm = (id: string) => catalog.llms.get(id)!;
const cases = [['b200', 'deepseek-r1', { tp: 8, ep: 8, precision: 'fp4' }], ['h100-sxm', 'qwen3-235b-a22b', { tp: 4, ep: 4, precision: 'fp8' }], ['b200', 'gpt-oss-120b', { tp: 1, ep: 1, precision: 'fp4' }], ['b200', 'deepseek-v3', { tp: 1, ep: 8, precision: 'fp8' }]] as const;
const termsOf = (g: string, l: string, layout: object) => buildMoeStepTerms(gpu(g), llm(l), resolveLayout(llm(l), layout as never), BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);

describe('MoE step terms', () => {
  it('have the dense terms\' slots, so fit.ts fits them unchanged, then the kernel tables\' seconds', () => {
    expect(MOE_STEP_TERMS.slice(0, STEP_TERMS.length)).toEqual(STEP_TERMS);
    expect(MOE_STEP_TERMS[MOE_KERNEL_TABLES_TERM]).toBe('kernel_tables_s');
    expect(MOE_STEP_TERMS).toHaveLength(STEP_TERMS.length + 1);
  });

  it('put a prompt\'s routed experts, all-to-all and MLA context in the unscaled kernel-table seconds, not in excess_compute', () => {
    const m = termsOf('b200', 'deepseek-r1', { tp: 8, ep: 8, precision: 'fp8' });
    const decode = m.iterationTerms(16, 16 * 1000, []);
    expect(decode[MOE_KERNEL_TABLES_TERM]).toBe(0); // a decode step's kernel-table parts stay in memory
    const alone = m.iterationTerms(0, 0, [{ newTokens: 4096, cachedTokens: 0 }]);
    const twice = m.iterationTerms(0, 0, [{ newTokens: 4096, cachedTokens: 0 }, { newTokens: 4096, cachedTokens: 0 }]);
    // Tens of ms of expert GEMMs and MLA context for 4096 tokens of DeepSeek; the dense remainder's GEMM hinge is
    // a few ms (its weights are ~1/50 of the model).
    expect(alone[MOE_KERNEL_TABLES_TERM]).toBeGreaterThan(0.02);
    expect(alone[1]).toBeLessThan(alone[MOE_KERNEL_TABLES_TERM] / 5);
    expect(twice[MOE_KERNEL_TABLES_TERM]).toBeGreaterThan(1.5 * alone[MOE_KERNEL_TABLES_TERM]);
  });

  it('are affine in the decoders\' context (the kernel\'s macro-steps add per-token terms)', () => {
    for (const [g, l, layout] of cases) {
      const m = termsOf(g, l, layout);
      for (const pieces of [[], [{ newTokens: 512, cachedTokens: 100 }]]) {
        const t0 = m.iterationTerms(64, 0, pieces);
        const t1 = m.iterationTerms(64, 1000, pieces);
        const t3 = m.iterationTerms(64, 3000, pieces);
        for (let j = 0; j < t0.length; j++) expect(t3[j] - t0[j]).toBeCloseTo(3 * (t1[j] - t0[j]), 12);
        expect(t1[0]).toBeGreaterThan(t0[0]); // context is read from memory
      }
    }
  });

  it('price a mixed step\'s routed experts once over all its tokens: a riding prompt adds less than it costs alone', () => {
    const m = termsOf('b200', 'deepseek-r1', { tp: 8, ep: 8, precision: 'fp4' });
    const sum = (t: number[]) => t.slice(0, 5).reduce((a, b) => a + b, 0) + t[MOE_KERNEL_TABLES_TERM];
    const decode = sum(m.iterationTerms(32, 32 * 2000, []));
    const mixed = sum(m.iterationTerms(32, 32 * 2000, [{ newTokens: 256, cachedTokens: 0 }]));
    const alone = sum(m.iterationTerms(0, 0, [{ newTokens: 256, cachedTokens: 0 }]));
    expect(mixed).toBeGreaterThan(decode);
    expect(mixed - decode).toBeLessThan(alone);
    // Prompt attention only with a prompt; the measured MLA module and all-to-all never in the dense slots whose
    // coefficients scale the roofline's own attention and ring estimates (tp 1: no all-reduce at all).
    expect(m.iterationTerms(32, 0, [])[2]).toBe(0);
    expect(m.iterationTerms(0, 0, [{ newTokens: 4096, cachedTokens: 0 }])[2]).toBe(0);
    const ep8 = termsOf('b200', 'deepseek-v3', { tp: 1, ep: 8, precision: 'fp8' });
    expect(ep8.iterationTerms(64, 64 * 1000, [{ newTokens: 512, cachedTokens: 0 }])[3]).toBe(0);
  });
});

describe('the MoE PerfModel on fitted coefficients', () => {
  const coefficients = [0.8, 1.3, 0.9, 1.1, 1.5, 2, 12, 0];
  const model = (backend: 'vllm' | 'trtllm' | 'sglang' = 'vllm') => {
    const l = llm('deepseek-r1');
    return buildMoeCalibratedPerfModel(gpu('b200'), l, resolveLayout(l, { tp: 8, ep: 8, precision: 'fp4' }), BUILTIN_COEFFICIENTS, BUILTIN_MOE_CALIBRATION, { coefficients, backend, from: 'test' });
  };

  it('charges exactly coefficients × its step accounting\'s terms, and its affine decode step agrees', () => {
    const m = model();
    const acc = m.stepAccounting!;
    const dot = (t: readonly number[]) => t.reduce((a, v, j) => a + v * acc.secondsPerUnit[j], 0);
    expect(m.decodeStepSeconds(48, 48 * 3000)).toBeCloseTo(dot(acc.iterationTerms(48, 48 * 3000, [])), 12);
    const a = m.decodeStepAffine(48, 256);
    expect(a.baseSeconds + 5000 * a.perContextTokenSeconds).toBeCloseTo(dot(acc.iterationTerms(48, 5000, [{ newTokens: 256, cachedTokens: 0 }])), 12);
    expect(m.prefillBatchSeconds([{ newTokens: 1024, cachedTokens: 0 }, { newTokens: 512, cachedTokens: 64 }])).toBeCloseTo(dot(acc.iterationTerms(0, 0, [{ newTokens: 1024, cachedTokens: 0 }, { newTokens: 512, cachedTokens: 64 }])), 12);
    expect(acc.secondsPerUnit[STEP_TERMS.indexOf('request_overhead')]).toBe(0);
    expect(acc.secondsPerUnit[MOE_KERNEL_TABLES_TERM]).toBe(1);
  });

  it('scales with its coefficients (the fit\'s per-backend efficiencies reach the step)', () => {
    const l = llm('deepseek-r1');
    const layout = resolveLayout(l, { tp: 8, ep: 8, precision: 'fp4' });
    const at = (c: number[]) => buildMoeCalibratedPerfModel(gpu('b200'), l, layout, BUILTIN_COEFFICIENTS, BUILTIN_MOE_CALIBRATION, { coefficients: c, backend: 'trtllm', from: 'test' }).decodeStepSeconds(16, 16 * 1000);
    const base = at(coefficients);
    expect(at(coefficients.map((c, j) => (j === 0 ? 2 * c : c)))).toBeGreaterThan(1.3 * base);
    // A prompt's kernel-table seconds are charged as measured: no fitted coefficient reaches them.
    const prompt = (c: number[]) => buildMoeCalibratedPerfModel(gpu('b200'), l, layout, BUILTIN_COEFFICIENTS, BUILTIN_MOE_CALIBRATION, { coefficients: c, backend: 'trtllm', from: 'test' }).prefillSeconds(4096, 0);
    const zero = prompt(coefficients.map(() => 0));
    expect(zero).toBeGreaterThan(0.02);
    expect(zero).toBeCloseTo(termsOf('b200', 'deepseek-r1', { tp: 8, ep: 8, precision: 'fp4' }).iterationTerms(0, 0, [{ newTokens: 4096, cachedTokens: 0 }])[MOE_KERNEL_TABLES_TERM], 12);
  });
});

describe('KV capacity by the backend\'s memory rule', () => {
  it('gives TensorRT-LLM 0.9 of the memory free after the weights; vLLM and SGLang 0.9 of the whole minus the weights', () => {
    const l = llm('deepseek-r1');
    const layout = resolveLayout(l, { tp: 4, ep: 1, precision: 'fp8' });
    const whole = computeKvCapacity(gpu('b200'), l, layout).kvCapacityTokens;
    expect(backendKvCapacityTokens(gpu('b200'), l, layout, 'vllm')).toBe(whole);
    expect(backendKvCapacityTokens(gpu('b200'), l, layout, 'sglang')).toBe(whole);
    const trt = backendKvCapacityTokens(gpu('b200'), l, layout, 'trtllm');
    // The figures docs/accuracy.md quotes: 671 GB of fp8 weights on 4 × 192 GB leave 45K tokens by the whole-memory
    // rule (an MLA latent of 70,272 B kept on each of 4 TP ranks), 286K by TensorRT-LLM's.
    expect(Math.round(whole / 1000)).toBe(45);
    expect(Math.round(trt / 1000)).toBe(286);
    // A model that does not fit stays at 0 under every rule.
    const tight = resolveLayout(l, { tp: 2, ep: 1, precision: 'fp8' });
    expect(backendKvCapacityTokens(gpu('b200'), l, tight, 'trtllm')).toBe(0);
  });
});

describe('architecture groups', () => {
  it('holds DeepSeek-R1 and V3 out together (every shape equal) and every other MoE model alone', () => {
    const g = architectureGroups(['deepseek-r1', 'deepseek-v3', 'gpt-oss-120b', 'qwen3-235b-a22b', 'qwen3-30b-a3b'].map(llm));
    expect(g.get('deepseek-r1')).toBe('deepseek-r1+deepseek-v3');
    expect(g.get('deepseek-v3')).toBe('deepseek-r1+deepseek-v3');
    expect(g.get('gpt-oss-120b')).toBe('gpt-oss-120b');
    expect(g.get('qwen3-235b-a22b')).toBe('qwen3-235b-a22b');
    expect(g.get('qwen3-30b-a3b')).toBe('qwen3-30b-a3b');
  });
});

describe('createPerfModel with a serving calibration on an MoE pool', () => {
  it('applies the calibration\'s scope to the MoE step terms (it used to be ignored for MoE pools) and says so', async () => {
    const { readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { packageVersion } = await import('../../../catalogs/index.js');
    const { createPerfModel } = await import('../../../models/create.js');
    const { readCalibrationDocument } = await import('../../../models/serving/calibration-file.js');
    const { repoRoot } = await import('../../helpers/paths.js');
    const doc = JSON.parse(readFileSync(join(repoRoot, 'catalogs', 'coefficients', 'serving-calibration.json'), 'utf8'));
    const { calibration } = readCalibrationDocument(doc, 'builtin', packageVersion(), (g) => catalog.gpus.has(g));
    const layout = { tp: 8, ep: 8, precision: 'fp4' } as const;
    const plain = createPerfModel(gpu('b200'), llm('deepseek-r1'), layout);
    const fitted = createPerfModel(gpu('b200'), llm('deepseek-r1'), layout, { calibration: calibration!, backend: 'trtllm' });
    expect(plain.stepAccounting).toBeUndefined();
    expect(fitted.stepAccounting?.terms).toEqual(MOE_STEP_TERMS);
    expect(fitted.provenance.from).toMatch(/^serving calibration .*scope trtllm\/b200\/fp4 .* on MoE step terms/);
    expect(fitted.decodeStepSeconds(64, 64 * 2000)).not.toBeCloseTo(plain.decodeStepSeconds(64, 64 * 2000), 6);
    expect([fitted.tp, fitted.ep, fitted.gpus]).toEqual([plain.tp, plain.ep, plain.gpus]);
  });
});
