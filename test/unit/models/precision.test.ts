/**
 * Precision and layout in the models: weight bytes, KV bytes per token and KV capacity follow the formats and the
 * instance's max(tp, ep) GPUs (expectations computed by hand from the spec sheets), GEMMs run at the format's peak ×
 * its measured fraction, fitted bf16 pairs stay bf16-only, power counts every GPU, and TP beyond a node pays the NIC.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, resolveLayout, type LlmSpec } from '../../../catalogs/index.js';
import {
  BUILTIN_COEFFICIENTS, computeKvCapacity, createPerfModel, kvBytesPerToken, predictOperatingPoint, residentWeightBytes, routedExpertParameters, weightBytes,
} from '../../../models/index.js';
import { allReduceFloorAt, allReduceLatencyAt, allReduceTransferSeconds, computePhysicalTimes, efficiencyFor, NCCL_NET_TREE_HOP_SECONDS } from '../../../models/roofline.js';

const catalog = loadBuiltinCatalog();
const h100 = catalog.gpus.get('h100-sxm')!;
const b200 = catalog.gpus.get('b200')!;
const a100 = catalog.gpus.get('a100-80gb-sxm')!;
const llama70 = catalog.llms.get('llama-3.1-70b')!;
const GiB = 1024 ** 3;

/** 64 experts, 8 routed per token: shared 2e9 + 64 × 0.5e9 = 34e9 total, 2e9 + 8 × 0.5e9 = 6e9 active. */
const MOE = {
  ...catalog.llms.get('llama-3.1-8b')!, id: 'test-moe', parameters: 34e9,
  // 32 layers × 64 experts × 3 × 4096 × 1280 = 32.2e9 routed-expert parameters, 1.8e9 others.
  moe: { experts: 64, expertsPerToken: 8, sharedExperts: 0, expertIntermediateSize: 1280, denseLayers: 0, activeParameters: 6e9 },
} as LlmSpec;

describe('bytes per format', () => {
  it('weights: bf16 2, fp8 1, fp4 0.5625 (4 bits + an fp8 scale per 16) bytes per parameter; absent = published', () => {
    expect(weightBytes(llama70)).toBe(70553706496 * 2);
    expect(weightBytes(llama70, 'bf16')).toBe(70553706496 * 2);
    expect(weightBytes(llama70, 'fp8')).toBe(70553706496);
    expect(weightBytes(llama70, 'fp4')).toBe(70553706496 * 0.5625);
  });

  it('KV: 2 × layers × kv_heads × head_dim × (2 bf16, 1 fp8)', () => {
    expect(kvBytesPerToken(llama70)).toBe(327_680);
    expect(kvBytesPerToken(llama70, 'fp8')).toBe(163_840);
    expect(kvBytesPerToken({ ...llama70, kvDtypeBytes: 1 })).toBe(163_840);
    expect(kvBytesPerToken({ ...llama70, kvDtypeBytes: 1 }, 'bf16')).toBe(327_680);
  });
});

describe('KV capacity per layout', () => {
  it('Llama-3.1-70B on 2× H100: bf16 26,046 tokens; fp8 weights + fp8 KV 482,719', () => {
    // (0.9 × 85,520,809,984 × 2 − 2 × 70,553,706,496 − 2 × 2 GiB) / 327,680 = 26,046.99
    expect(computeKvCapacity(h100, llama70, { tp: 2 }).kvCapacityTokens).toBe(26_046);
    // (0.9 × 85,520,809,984 × 2 − 70,553,706,496 − 2 × 2 GiB) / 163,840 = 482,719.63
    expect(computeKvCapacity(h100, llama70, { tp: 2, precision: 'fp8', kvDtype: 'fp8' }).kvCapacityTokens).toBe(482_719);
  });

  it('Llama-3.1-70B on one B200 in fp4: 400,406 bf16 KV tokens, twice that in fp8 KV; bf16 weights alone fit too', () => {
    // (0.9 × 192,265,846,784 − 0.5625 × 70,553,706,496 − 2 GiB) / 327,680 = 400,406.86
    expect(computeKvCapacity(b200, llama70, { tp: 1, precision: 'fp4' }).kvCapacityTokens).toBe(400_406);
    expect(computeKvCapacity(b200, llama70, { tp: 1, precision: 'fp4', kvDtype: 'fp8' }).kvCapacityTokens).toBe(800_813);
  });

  it('70B in bf16 does not fit one H100 but fits it in fp8 weights; the reason names the format', () => {
    const bf16 = computeKvCapacity(h100, llama70, { tp: 1 });
    expect(bf16.fits).toBe(false);
    const fp8OnOne = computeKvCapacity(h100, llama70, { tp: 1, precision: 'fp8' });
    // 0.9 × 85.5e9 − 70.55e9 − 2 GiB = 4.37e9 bytes of KV: 26,667 bf16 tokens.
    expect(fp8OnOne.kvCapacityTokens).toBe(Math.floor((0.9 * 85520809984 - 70553706496 - 2 * GiB) / 327_680));
    const tooBig = computeKvCapacity(catalog.gpus.get('l4')!, llama70, { tp: 1, precision: 'fp8' });
    expect(tooBig.fits ? '' : tooBig.reason).toMatch(/does not fit on 1× l4 in fp8/);
  });

  it('MoE under ep: experts spread once, attention and shared weights replicated per data-parallel group', () => {
    const experts = 32 * 64 * 3 * 4096 * 1280;
    expect(routedExpertParameters(MOE)).toBe(experts);
    const layout = resolveLayout(MOE, { tp: 1, ep: 8, precision: 'fp8' });
    expect([layout.gpus, layout.attentionDp, layout.moeTp]).toEqual([8, 8, 1]);
    // Expert bytes once + the other (34e9 − experts) bytes × 8 groups.
    const resident = experts + (34e9 - experts) * 8;
    expect(residentWeightBytes(MOE, layout)).toBeCloseTo(resident, -3);
    expect(residentWeightBytes(MOE, resolveLayout(MOE, { tp: 8, ep: 8, precision: 'fp8' }))).toBeCloseTo(34e9, -3);
    const c = computeKvCapacity(h100, MOE, { tp: 1, ep: 8, precision: 'fp8' });
    expect(c.kvCapacityTokens).toBe(Math.floor((0.9 * 85520809984 * 8 - resident - 8 * 2 * GiB) / kvBytesPerToken(MOE)));
  });
});

describe('createPerfModel with a layout', () => {
  it('carries the layout; power counts every GPU of the instance', () => {
    const m = createPerfModel(h100, MOE, { tp: 2, ep: 8, precision: 'fp8', kvDtype: 'fp8' });
    expect([m.tp, m.ep, m.gpus, m.precision, m.kvDtype]).toEqual([2, 8, 8, 'fp8', 'fp8']);
    const one = createPerfModel(h100, MOE, { tp: 1, precision: 'fp8' });
    expect(m.powerWatts('idle')).toBeCloseTo(8 * one.powerWatts('idle'), 6);
    expect(m.kvBytesPerToken).toBe(kvBytesPerToken(MOE, 'fp8'));
    expect(createPerfModel(h100, llama70, { tp: 4 })).toMatchObject({ ep: 1, gpus: 4, precision: 'bf16', kvDtype: 'bf16' });
  });

  it('fitted Splitwise pairs describe bf16 only: fp8 weights or an fp8 KV cache fall back to the roofline, said', () => {
    const llama2 = catalog.llms.get('llama-2-70b')!;
    expect(createPerfModel(h100, llama2, { tp: 4 }).provenance.kind).toBe('builtin');
    const fp8 = createPerfModel(h100, llama2, { tp: 4, precision: 'fp8' });
    expect(fp8.provenance.kind).toBe('roofline');
    expect(fp8.provenance.note).toMatch(/fp8 GEMMs at 0\.53 of the fp8 peak .*h100-sxm.*fp8 GEMMs/);
    expect(fp8.provenance.note).toMatch(/weights quantised from the published bf16/);
    expect(createPerfModel(h100, llama2, { tp: 4, kvDtype: 'fp8' }).provenance.kind).toBe('roofline');
  });

  it('GEMMs follow the format: fp8 at the fp8 peak × the measured fp8 fraction, fp4 at the fp4 one; attention stays bf16', () => {
    const eff = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'h100-sxm');
    const bf16 = computePhysicalTimes(h100, llama70, { tp: 4 }, eff);
    const fp8 = computePhysicalTimes(h100, llama70, { tp: 4, precision: 'fp8' }, eff);
    const ratio = (h100.fp8FlopsPerSecond! * eff.precisionComputeFractions!.fp8!) / (h100.bf16FlopsPerSecond * eff.computeFraction);
    expect(ratio).toBeGreaterThan(1.2);
    expect(bf16.computeSecondsPerToken / fp8.computeSecondsPerToken).toBeCloseTo(ratio, 10);
    expect(fp8.attentionSecondsPerPair).toBe(bf16.attentionSecondsPerPair);
    expect(fp8.weightReadSeconds).toBeCloseTo(bf16.weightReadSeconds / 2, 12);
    const effB = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'b200');
    const fp4 = computePhysicalTimes(b200, llama70, { tp: 1, precision: 'fp4' }, effB);
    expect(fp4.computeSecondsPerToken).toBeCloseTo((2 * llama70.parameters) / (9e15 * effB.precisionComputeFractions!.fp4!), 15);
  });

  it('a format without a measured table uses the bf16 fraction and says so', () => {
    const h20 = catalog.gpus.get('h20')!;
    expect(createPerfModel(h20, llama70, { tp: 8, precision: 'fp8' }).provenance.note).toMatch(/fp8 GEMMs at the bf16 fraction .* \(no measured fp8 GEMMs for h20\)/);
  });

  it('a GPU without the format is refused, naming it and its formats', () => {
    expect(() => createPerfModel(h100, llama70, { tp: 4, precision: 'fp4' })).toThrow('found "fp4", expected one of the formats h100-sxm has (bf16, fp8)');
    expect(() => createPerfModel(a100, llama70, { tp: 4, precision: 'fp8' })).toThrow('a100-80gb-sxm has (bf16)');
  });

  it('TP beyond the 8-GPU node pays the inter-node link for the all-reduce (hierarchical), said in provenance', () => {
    const payload = 1e6;
    expect(allReduceTransferSeconds(h100, 8, payload)).toBeCloseTo((payload * (14 / 8)) / 450e9, 15);
    expect(allReduceTransferSeconds(h100, 16, payload)).toBeCloseTo((payload * (14 / 8)) / 450e9 + (payload * (1 / 8)) / 50e9, 15);
    const m = createPerfModel(h100, llama70, { tp: 16, precision: 'fp8' });
    expect(m.provenance.note).toMatch(/spans 2 nodes of 8: TP all-reduce crosses nodes at 50 GB\/s per GPU/);
  });

  it('an all-reduce spanning nodes adds NCCL\'s tree network hops to the in-node floor, at face value in the step', () => {
    const eff = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'h100-sxm');
    // NCCL tuning.cc: tree/LL over 2 nodes of 8 = 6.8 + 2·(7·0.6 + 1·5.0) = 25.2 µs; in one node 6.8 + 2·7·0.6 = 15.2 µs.
    expect(allReduceLatencyAt(h100, eff, 8)).toBe(allReduceFloorAt(eff, 8));
    expect(allReduceLatencyAt(h100, eff, 16)).toBeCloseTo(allReduceFloorAt(eff, 8) + 10e-6, 12);
    expect(allReduceLatencyAt(h100, eff, 32)).toBeCloseTo(allReduceFloorAt(eff, 8) + 4 * NCCL_NET_TREE_HOP_SECONDS, 12);
    expect(allReduceLatencyAt(h100, eff, 1)).toBe(0);
    const one = computePhysicalTimes(h100, llama70, { tp: 8, precision: 'fp8' }, eff);
    const two = computePhysicalTimes(h100, llama70, { tp: 16, precision: 'fp8' }, eff);
    expect(one.interNodeAllReduceSeconds).toBe(0);
    expect(two.interNodeAllReduceSeconds).toBeCloseTo(2 * llama70.layers * 10e-6, 12);
    // Priced in every decode step: the same TP16 layout with its 16 GPUs in one NVLink domain decodes faster by at least it
    // (the hierarchical ring's NIC bytes come on top).
    const spanning = createPerfModel(h100, llama70, { tp: 16, precision: 'fp8' });
    const oneDomain = createPerfModel({ ...h100, gpusPerNode: 16 }, llama70, { tp: 16, precision: 'fp8' });
    expect(spanning.decodeStepSeconds(8, 8 * 2048) - oneDomain.decodeStepSeconds(8, 8 * 2048)).toBeGreaterThanOrEqual(two.interNodeAllReduceSeconds - 1e-12);
  });

  it('predict follows the format: fp8 on H100 is faster to decode than bf16 at the same TP, with more KV room', () => {
    const input = { inputTokens: 1024, outputTokens: 128, batch: 16 };
    const bf16 = predictOperatingPoint(h100, llama70, { tp: 4 }, input);
    const fp8 = predictOperatingPoint(h100, llama70, { tp: 4, precision: 'fp8', kvDtype: 'fp8' }, input);
    if (!bf16.fits || !fp8.fits) throw new Error('both fit on 4× H100');
    expect(fp8.tpot_s).toBeLessThan(bf16.tpot_s);
    expect(fp8.kv_capacity_tokens).toBeGreaterThan(2 * bf16.kv_capacity_tokens);
  });
});
