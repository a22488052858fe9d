/**
 * The MoE/MLA PerfModel createPerfModel returns for DeepSeek-V3, Qwen3 and friends: which sources it uses, the
 * kernel's affine-in-context contract, expert-touch economies of batching, and the price of leaving the scale-up
 * domain.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import type { GpuSpec } from '../../../catalogs/types.js';
import { createPerfModel } from '../../../models/create.js';
import { denseRemainder } from '../../../models/moe/step-time.js';
import { routedExpertParameters } from '../../../models/specs.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const llm = (id: string) => catalog.llms.get(id)!;
const dsv3 = llm('deepseek-v3');

describe('createPerfModel on MoE and MLA LLMs', () => {
  it('uses the fitted kernel tables on H200 and says so, with each part\'s held-out error', () => {
    const m = createPerfModel(gpu('h200'), dsv3, { tp: 8, ep: 8 });
    expect([m.tp, m.ep, m.gpus, m.precision, m.kvDtype]).toEqual([8, 8, 8, 'fp8', 'bf16']);
    expect(m.provenance.kind).toBe('fitted');
    expect(m.provenance.note).toMatch(/grouped-GEMM fit from aiconfigurator\/h200_sxm\/vllm-0\.19\.0\/moe_perf\.csv \(power_law_1\.2 rows\), held out \d+\.\d% \(leave-one-shape-out\)/);
    expect(m.provenance.note).toMatch(/MLA: module fit/);
    expect(m.provenance.note).toMatch(/ep 8 dispatch\/combine all-to-all from aiconfigurator\/h200_sxm\/nccl/);
    expect(m.provenance.heldOutMape).toBeGreaterThan(0.05);
    expect(m.provenance.heldOutMape).toBeLessThan(0.2);
  });

  it('falls back to the median fits on a GPU without tables, with the leave-one-GPU-out error', () => {
    const m = createPerfModel(gpu('mi325x'), dsv3, { tp: 8, ep: 8 });
    expect(m.provenance.kind).toBe('roofline');
    expect(m.provenance.note).toMatch(/routed experts: fallback from median of .* grouped-GEMM fits \(power_law_1\.2 rows\), held out \d+\.\d% \(leave-one-GPU-out\)/);
    expect(m.provenance.note).toMatch(/all-to-all estimated/);
    expect(m.decodeStepSeconds(32, 32 * 2000)).toBeGreaterThan(0);
  });

  it('keeps a decode step exactly affine in the total context (the kernel\'s macro-steps rely on it)', () => {
    for (const [g, l, tp, ep] of [['h200', 'deepseek-v3', 8, 8], ['h100-sxm', 'qwen3-235b-a22b', 4, 8], ['b200', 'gpt-oss-120b', 1, 1]] as const) {
      const m = createPerfModel(gpu(g), llm(l), { tp, ep });
      for (const [b, chunk] of [[1, 0], [48, 0], [48, 256]]) {
        const a = m.decodeStepAffine(b, chunk);
        for (const c of [0, 10_000, 250_000]) expect(m.decodeStepSeconds(b, c, chunk)).toBeCloseTo(a.baseSeconds + a.perContextTokenSeconds * c, 12);
        expect(a.perContextTokenSeconds).toBeGreaterThan(0);
      }
    }
  });

  it('batches cheaply while experts are still being touched: the 2nd sequence costs more than the 100th', () => {
    const m = createPerfModel(gpu('h200'), dsv3, { tp: 8, ep: 8 });
    const step = (b: number) => m.decodeStepSeconds(b, b * 1000);
    expect(step(2) - step(1)).toBeGreaterThan(step(101) - step(100));
    expect(step(64)).toBeLessThan(4 * step(1));
    expect(step(256)).toBeGreaterThan(step(64));
  });

  it('charges the inter-node link beyond the scale-up domain: EP 16 across two HGX nodes is slower than inside one NVLink domain', () => {
    const h100 = gpu('h100-sxm');
    // The same GPU (same fits) in a hypothetical 16-GPU NVLink domain.
    const oneDomain: GpuSpec = { ...h100, gpusPerNode: 16 };
    const twoNodes = createPerfModel(h100, dsv3, { tp: 16, ep: 16 });
    const inDomain = createPerfModel(oneDomain, dsv3, { tp: 16, ep: 16 });
    expect(twoNodes.provenance.note).toMatch(/spans 2 nodes of 8/);
    expect(twoNodes.decodeStepSeconds(256, 256 * 2000)).toBeGreaterThan(inDomain.decodeStepSeconds(256, 256 * 2000) * 1.02);
    expect(twoNodes.prefillSeconds(8192, 0, 1)).toBeGreaterThan(inDomain.prefillSeconds(8192, 0, 1) * 1.1);
  });

  it('a TP16 × EP16 decode step across two nodes pays NCCL\'s network hops on its attention all-reduces, even at batch 2', () => {
    const h100 = gpu('h100-sxm');
    const twoNodes = createPerfModel(h100, dsv3, { tp: 16, ep: 16, precision: 'fp8' });
    const inDomain = createPerfModel({ ...h100, gpusPerNode: 16 }, dsv3, { tp: 16, ep: 16, precision: 'fp8' });
    // One attention all-reduce per MoE layer (58), two per dense layer (3): 64 all-reduces × 2 × 5 µs of tree hops.
    const hops = 64 * 2 * 5e-6;
    const extra = twoNodes.decodeStepSeconds(2, 2 * 9000) - inDomain.decodeStepSeconds(2, 2 * 9000);
    expect(extra).toBeGreaterThanOrEqual(hops - 1e-9);
    expect(extra).toBeLessThan(hops + 0.3e-3);
  });

  it('prices MLA KV as the latent (70,272 B per token) and counts resident weights under EP for capacity', () => {
    const tp8 = createPerfModel(gpu('h200'), dsv3, { tp: 8, ep: 8 });
    const dp8 = createPerfModel(gpu('h200'), dsv3, { tp: 1, ep: 8 });
    expect(tp8.kvBytesPerToken).toBe(70_272);
    expect(tp8.kvCapacityTokens).toBeGreaterThan(500_000);
    // Attention data-parallel 8 replicates 6.3B non-expert parameters on every GPU but caches 8 groups' sequences.
    expect(dp8.kvCapacityTokens).toBeGreaterThan(tp8.kvCapacityTokens);
  });

  it('the dense remainder is the model minus its routed experts and its MLA attention', () => {
    const rest = denseRemainder(dsv3);
    expect(rest.moe).toBeUndefined();
    expect(rest.attention).toBeUndefined();
    expect(rest.parameters).toBeLessThan(dsv3.parameters - routedExpertParameters(dsv3));
    expect(rest.parameters).toBeGreaterThan(2 * dsv3.vocabSize * dsv3.hiddenSize);
  });

  it('chunked prefill costs what a standalone prefill does, less the per-step floor and the expert weight reads', () => {
    const m = createPerfModel(gpu('b200'), llm('qwen3-30b-a3b'), { tp: 1 });
    const alone = m.prefillSeconds(2048, 0, 1);
    const chunk = m.chunkedPrefillSeconds(2048, 0);
    expect(chunk).toBeLessThan(alone);
    expect(chunk).toBeGreaterThan(0.5 * alone);
  });
});

describe('per-call floors of the kernel tables', () => {
  it('are not added to a step: the dense roofline\'s per-layer term prices every layer\'s kernel floors once', async () => {
    const { BUILTIN_MOE_CALIBRATION } = await import('../../../models/moe/builtin.js');
    const { BUILTIN_COEFFICIENTS } = await import('../../../models/builtin.js');
    const { buildMoeStepModel } = await import('../../../models/moe/step-time.js');
    const { resolveLayout } = await import('../../../catalogs/precision.js');
    const cal = BUILTIN_MOE_CALIBRATION;
    // The same tables with every fitted floor a thousand times larger: a step that counted them would grow by seconds.
    const inflated = {
      ...cal,
      groupedGemm: cal.groupedGemm.map((f) => ({ ...f, coefficients: [f.coefficients[0] * 1000, ...f.coefficients.slice(1)] })),
      mla: cal.mla.map((f) => ({ ...f, coefficients: [f.coefficients[0] * 1000, ...f.coefficients.slice(1)] })),
    };
    const layout = resolveLayout(dsv3, { tp: 8, ep: 1, precision: 'fp8' });
    const base = buildMoeStepModel(gpu('b200'), dsv3, layout, cal, BUILTIN_COEFFICIENTS.roofline);
    const big = buildMoeStepModel(gpu('b200'), dsv3, layout, inflated, BUILTIN_COEFFICIENTS.roofline);
    expect(big.decodeStepAffine(4).baseSeconds).toBeCloseTo(base.decodeStepAffine(4).baseSeconds, 12);
    expect(big.prefillSeconds(1024, 0, 1)).toBeCloseTo(base.prefillSeconds(1024, 0, 1), 12);
    // And the variable parts still count: a larger batch reads more experts and costs more.
    expect(base.decodeStepAffine(64).baseSeconds).toBeGreaterThan(base.decodeStepAffine(4).baseSeconds * 1.3);
  });
});
