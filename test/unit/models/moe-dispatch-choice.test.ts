/**
 * Which dispatch TensorRT-LLM runs on which layout (models/moe/dispatch.ts, after CutlassFusedMoE's
 * select_alltoall_method_type): its all-to-all only with attention DP, moe_ep_size > top_k and multi-node NVLink
 * (GB200/GB300 NVL72), else its all-gather + reduce-scatter; and that plan/predict (uncalibrated) and a calibrated
 * benchmark make the same choice through createPerfModel.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import type { InstanceLayout } from '../../../catalogs/types.js';
import { createPerfModel } from '../../../models/create.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { BUILTIN_MOE_CALIBRATION } from '../../../models/moe/builtin.js';
import { hasMultiNodeNvlink, moeDispatchOf, type MoeDispatch } from '../../../models/moe/dispatch.js';
import { interNodeCost } from '../../../models/moe/inter-node.js';
import { buildMoeStepParts } from '../../../models/moe/step-time.js';
import { loadCalibrationFile } from '../../../planner/cli/calibration.js';
import { repoRoot } from '../../helpers/paths.js';

const catalog = loadBuiltinCatalog();
const gpu = (id: string) => catalog.gpus.get(id)!;
const r1 = catalog.llms.get('deepseek-r1')!;
const trtllmOn = (id: string, layout: InstanceLayout) => moeDispatchOf('trtllm', gpu(id), r1, resolveLayout(r1, layout));

describe('TensorRT-LLM MoE dispatch by layout', () => {
  it('all-to-alls only on multi-node NVLink with attention DP and EP above top-k (DeepSeek: 8)', () => {
    expect(hasMultiNodeNvlink(gpu('gb200'))).toBe(true);
    expect(hasMultiNodeNvlink(gpu('gb300'))).toBe(true);
    for (const id of ['b200', 'h100-sxm', 'h200', 'b300', 'mi355x']) expect(hasMultiNodeNvlink(gpu(id))).toBe(false);
    expect(trtllmOn('gb200', { tp: 1, ep: 16, precision: 'fp4' })).toBe('all-to-all');
    expect(trtllmOn('gb300', { tp: 1, ep: 32, precision: 'fp4' })).toBe('all-to-all');
    // EP = top_k: no all-to-all even on NVL72.
    expect(trtllmOn('gb200', { tp: 1, ep: 8, precision: 'fp4' })).toBe('gather-local');
    // Tensor-parallel attention: no attention DP, no all-to-all.
    expect(trtllmOn('gb200', { tp: 16, ep: 16, precision: 'fp4' })).toBe('gather-local');
    // HGX across two nodes (InfiniBand between them): EP 16 > 8 but no MNNVL.
    expect(trtllmOn('h100-sxm', { tp: 1, ep: 16, precision: 'fp8' })).toBe('gather-local');
    expect(moeDispatchOf('vllm', gpu('gb200'), r1, resolveLayout(r1, { tp: 1, ep: 16, precision: 'fp4' }))).toBe('all-gather');
  });

  it('without attention DP every dispatch prices the step alike (two all-to-alls of k copies, gathered traffic)', () => {
    const layout = resolveLayout(r1, { tp: 16, ep: 16, precision: 'fp4' });
    const at = (d: MoeDispatch) => buildMoeStepParts(gpu('gb200'), r1, layout, BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline, d);
    const tokens = 4096;
    for (const d of ['all-to-all', 'gather-local'] as const) {
      expect(at(d).a2aSeconds(tokens)).toBe(at('all-gather').a2aSeconds(tokens));
      expect(at(d).moeSeconds(tokens)).toBe(at('all-gather').moeSeconds(tokens));
    }
  });

  it('plan/predict (uncalibrated) and a calibrated benchmark take the same choice on GB200 EP16', () => {
    const layout = { tp: 1, ep: 16, precision: 'fp4' as const };
    const step = (m: ReturnType<typeof createPerfModel>) => m.decodeStepSeconds(64, 64 * 2048);
    const plain = (moeDispatch?: MoeDispatch) => createPerfModel(gpu('gb200'), r1, layout, { backend: 'trtllm', ...(moeDispatch ? { moeDispatch } : {}) });
    expect(plain().provenance.note).toContain('routed tokens by all-to-all');
    expect(plain().provenance.note).toContain('dispatch/combine all-to-all');
    // On HGX the provenance names the gather it prices.
    expect(createPerfModel(gpu('b200'), r1, { tp: 1, ep: 8, precision: 'fp8' }, { backend: 'trtllm' }).provenance.note).toContain('dispatch/combine all-gather + reduce-scatter');
    expect(step(plain())).toBe(step(plain('all-to-all')));
    expect(step(plain())).not.toBe(step(plain('gather-local')));
    const calibration = loadCalibrationFile('builtin', repoRoot, catalog).calibration;
    const calibrated = (moeDispatch?: MoeDispatch) => createPerfModel(gpu('gb200'), r1, layout, { calibration, backend: 'trtllm', ...(moeDispatch ? { moeDispatch } : {}) });
    expect(step(calibrated())).toBe(step(calibrated('all-to-all')));
    expect(step(calibrated())).not.toBe(step(calibrated('gather-local')));
  });

  it('the inter-node counterfactual keeps the real instance\'s dispatch (a wider domain is not multi-node NVLink)', () => {
    const layout = { tp: 1, ep: 16, precision: 'fp8' as const };
    const c = interNodeCost(gpu('h100-sxm'), r1, layout, { backend: 'trtllm' });
    expect(c.nodes).toBe(2);
    expect(c).toEqual(interNodeCost(gpu('h100-sxm'), r1, layout, { backend: 'trtllm', moeDispatch: 'gather-local' }));
    expect(c).not.toEqual(interNodeCost(gpu('h100-sxm'), r1, layout, { backend: 'trtllm', moeDispatch: 'all-to-all' }));
  });
});
