/**
 * The grouped GEMMs' routed-token traffic under attention data parallelism: with an all-to-all dispatch, or TensorRT-LLM's
 * gather that expands only the rank's own experts' rows, a rank permutes only its copies (1/ep); under an all-gather dispatch (vLLM's and SGLang's
 * defaults) and under tensor-parallel attention every rank holds, and the tables' fused_moe permutes, every token's copies.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { BUILTIN_MOE_CALIBRATION } from '../../../models/moe/builtin.js';
import { moeDispatchOf, tokenTrafficOf, type MoeDispatch } from '../../../models/moe/dispatch.js';
import { groupedGemmTerms } from '../../../models/moe/grouped-gemm.js';
import { buildMoeStepParts } from '../../../models/moe/step-time.js';

const catalog = loadBuiltinCatalog();
const b200 = catalog.gpus.get('b200')!;
const r1 = catalog.llms.get('deepseek-r1')!;
const partsAt = (tp: number, ep: number, dispatch: MoeDispatch = 'all-to-all') => buildMoeStepParts(b200, r1, resolveLayout(r1, { tp, ep, precision: 'fp8' }), BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline, dispatch);

describe('routed-token traffic', () => {
  it('is the rank\'s 1/ep share when dispatched, every copy when gathered; weights and FLOPs do not depend on it', () => {
    const shape = { tokens: 8192, hiddenSize: 7168, expertIntermediateSize: 2048, expertsPerToken: 8, experts: 256, moeTp: 1, moeEp: 8 };
    const gathered = groupedGemmTerms(shape, b200, 'fp8_block', 'random', 'gathered');
    const dispatched = groupedGemmTerms(shape, b200, 'fp8_block', 'random', 'dispatched');
    expect(dispatched[3]).toBeCloseTo(gathered[3] / 8, 15);
    expect(dispatched.slice(0, 3)).toEqual(gathered.slice(0, 3));
    expect(groupedGemmTerms(shape, b200, 'fp8_block', 'random')).toEqual(gathered);
  });

  it('a DP-8 prefill step of 8 × 8192 tokens costs less routed-expert time than the gathered form would charge, and the TP-attention layout keeps the gather', () => {
    const dp = partsAt(1, 8);
    const tpAttention = partsAt(8, 8);
    expect(dp.dp).toBe(8);
    expect(tpAttention.dp).toBe(1);
    const tokens = 8 * 8192;
    // Same experts per rank (ep 8, moe_tp 1) and the same FLOPs: only the permutation traffic differs.
    expect(dp.moeWeightSeconds(tokens)).toBeCloseTo(tpAttention.moeWeightSeconds(tokens), 12);
    expect(dp.moeSeconds(tokens)).toBeLessThan(0.7 * tpAttention.moeSeconds(tokens));
    // A serving step's token traffic is priced at the multiplier fitted on the tables' power-law-routed rows.
    const fit = BUILTIN_MOE_CALIBRATION.groupedGemmServing!.find((f) => f.gpu === 'b200' && f.dtype === 'fp8_block')!;
    const shape = { tokens, hiddenSize: 7168, expertIntermediateSize: 2048, expertsPerToken: 8, experts: 256, moeTp: 1, moeEp: 8 };
    const trafficGathered = fit.coefficients[3] * groupedGemmTerms(shape, b200, 'fp8_block', 'random')[3];
    const moeLayers = r1.layers - r1.moe!.denseLayers;
    expect(tpAttention.moeSeconds(tokens) - dp.moeSeconds(tokens)).toBeCloseTo(moeLayers * trafficGathered * (7 / 8), 9);
  });

  it('follows each stack\'s dispatch: TensorRT-LLM\'s gather of its own experts\' rows, all-gather for vLLM, SGLang and no backend', () => {
    const hgx = resolveLayout(r1, { tp: 1, ep: 8, precision: 'fp8' });
    expect(moeDispatchOf('trtllm', b200, r1, hgx)).toBe('gather-local');
    expect(tokenTrafficOf('gather-local', 8, 8)).toBe('dispatched');
    expect(tokenTrafficOf('gather-local', 1, 8)).toBe('gathered');
    expect(moeDispatchOf('vllm', b200, r1, hgx)).toBe('all-gather');
    expect(moeDispatchOf('sglang', b200, r1, hgx)).toBe('all-gather');
    expect(moeDispatchOf(undefined, b200, r1, hgx)).toBe('all-gather');
    expect(tokenTrafficOf('all-to-all', 8, 8)).toBe('dispatched');
    expect(tokenTrafficOf('all-to-all', 1, 8)).toBe('gathered');
    expect(tokenTrafficOf('all-to-all', 8, 1)).toBe('gathered');
    expect(tokenTrafficOf('all-gather', 8, 8)).toBe('gathered');
  });

  it('an all-gather stack on the same DP-8 layout keeps the gathered traffic; the default is the gather', () => {
    const tokens = 8 * 8192;
    const gatheredDp = partsAt(1, 8, 'all-gather');
    const tpAttention = partsAt(8, 8);
    expect(gatheredDp.moeSeconds(tokens)).toBeCloseTo(tpAttention.moeSeconds(tokens), 9);
    expect(partsAt(1, 8, 'all-to-all').moeSeconds(tokens)).toBeLessThan(gatheredDp.moeSeconds(tokens));
    const byDefault = buildMoeStepParts(b200, r1, resolveLayout(r1, { tp: 1, ep: 8, precision: 'fp8' }), BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
    expect(byDefault.moeSeconds(tokens)).toBe(gatheredDp.moeSeconds(tokens));
  });

  it('TensorRT-LLM\'s gather moves the gathered tokens and the outputs: the all-to-all\'s bytes on fp8 EP8, fewer on NVFP4 EP4, more on EP16', () => {
    const at = (precision: 'fp8' | 'fp4', ep: number, dispatch: MoeDispatch) => buildMoeStepParts(b200, r1, resolveLayout(r1, { tp: 1, ep, precision }), BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline, dispatch);
    const tokens = 8 * 8192;
    // fp8 EP8: all-gather (bf16) + reduce-scatter (bf16) of the whole step = two all-to-alls of k = 8 copies over 8 GPUs.
    expect(at('fp8', 8, 'gather-local').a2aSeconds(tokens)).toBeCloseTo(at('fp8', 8, 'all-to-all').a2aSeconds(tokens), 12);
    // The routed experts' own work is the dispatched one either way.
    expect(at('fp8', 8, 'gather-local').moeSeconds(tokens)).toBe(at('fp8', 8, 'all-to-all').moeSeconds(tokens));
    // NVFP4 EP4: (0.5625 + 2) bytes an element gathered and scattered against 2 × 8 × 2 / 4.
    expect(at('fp4', 4, 'gather-local').a2aSeconds(tokens)).toBeLessThan(0.4 * at('fp4', 4, 'all-to-all').a2aSeconds(tokens));
    expect(at('fp8', 16, 'gather-local').a2aSeconds(tokens)).toBeGreaterThan(at('fp8', 16, 'all-to-all').a2aSeconds(tokens));
  });
});
