/** A model no single node holds is planned multi-node, and what spanning nodes costs is computed, not assumed. */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import { createPerfModel } from '../../../models/create.js';
import { moeDispatchOf, type MoeDispatch } from '../../../models/moe/dispatch.js';
import { interNodeCost } from '../../../models/moe/inter-node.js';
import type { PerfModel } from '../../../models/types.js';
import { loadCalibrationFile } from '../../../planner/cli/calibration.js';
import { createPerfModelFor, servingOptions, type ServingChoice } from '../../../planner/demand/perf-adapter.js';
import { enumeratePools, multiNodeLayouts } from '../../../planner/demand/pools.js';
import { resolveOptions } from '../../../planner/options.js';
import { repoRoot } from '../../helpers/paths.js';

const catalog = loadBuiltinCatalog();
const h100 = catalog.gpus.get('h100-sxm')!;
const dsv3 = catalog.llms.get('deepseek-v3')!;
const tpDegrees = [1, 2, 4, 8];

describe('multi-node candidate layouts', () => {
  it('DeepSeek-V3 on HGX H100: FP8 on two nodes (16 GPUs), BF16 on four (32), attention TP kept inside a node', () => {
    const fp8 = multiNodeLayouts(h100, dsv3, 'fp8', { tpDegrees });
    expect(fp8.length).toBeGreaterThan(0);
    expect(fp8.every(({ tp, ep }) => Math.max(tp, ep) === 16 && tp <= 8)).toBe(true);
    expect(fp8).toContainEqual({ tp: 8, ep: 16 });
    const bf16 = multiNodeLayouts(h100, dsv3, 'bf16', { tpDegrees });
    expect(bf16.every(({ tp, ep }) => Math.max(tp, ep) === 32)).toBe(true);
  });

  it('nothing multi-node where one node already holds the model (H200 FP8)', () => {
    expect(multiNodeLayouts(catalog.gpus.get('h200')!, dsv3, 'fp8', { tpDegrees })).toEqual([]);
  });

  it('prices the inter-node share: positive, and larger for a prefill (bandwidth-bound all-to-all) than for a decode step', () => {
    const c = interNodeCost(h100, dsv3, { tp: 8, ep: 16 });
    expect(c.nodes).toBe(2);
    expect(c.decodeStepExtraSeconds).toBeGreaterThan(0);
    expect(c.prefillExtraSeconds).toBeGreaterThan(c.decodeStepExtraSeconds);
    expect(c.decodeStepExtraSeconds).toBeLessThan(c.decodeStepSeconds);
  });

  // Issue 12 review: the note priced crossing nodes on the default model whatever --backend/--calibration planned the pool.
  const calibration = loadCalibrationFile('builtin', repoRoot, catalog).calibration;
  const choices: Array<[string, ServingChoice]> = [['--calibration builtin', { calibration }], ['--backend trtllm', { backend: 'trtllm' }], ['both', { calibration, backend: 'trtllm' }]];
  const NOTE = /^h100-sxm\/(tp(\d+)ep(\d+))\/fp8: .* adds ([\d.]+) ms to a ([\d.]+) ms decode step .* and ([\d.]+) ms to a ([\d.]+) ms 4K-token prefill$/;
  const notesOf = (serving?: ServingChoice) => {
    const options = resolveOptions({ precisions: ['fp8'] });
    return enumeratePools([h100], dsv3, createPerfModelFor(undefined, serving), options, serving);
  };
  const defaultNotes = notesOf().multiNode;

  it.each(choices)('with %s the inter-node note is the pool\'s own model at its layout minus that model over one domain', (_, serving) => {
    const { pools, multiNode } = notesOf(serving);
    expect(multiNode.length).toBeGreaterThan(0);
    const ms = (x: number) => (x * 1e3).toFixed(1);
    const step = (m: PerfModel) => m.decodeStepSeconds(64, 64 * 4096);
    const prefill = (m: PerfModel) => m.prefillSeconds(4096, 0, 1);
    for (const note of multiNode) {
      const [, label, tp, ep, stepExtra, stepMs, prefillExtra, prefillMs] = NOTE.exec(note)!;
      const layout = { tp: Number(tp), ep: Number(ep), precision: 'fp8' as const };
      // The pool's own model, as the planner searched it (its cache, the real 8-GPU domain).
      const own = pools.find((p) => p.key === `h100-sxm/${label}/fp8/prefill/tdp`)!.perf;
      // The same model over one 16-GPU domain, built outside that cache, keeping TensorRT-LLM's HGX gather (the
      // widened domain alone would read as NVL72 and switch to its all-to-all).
      const dispatch = moeDispatchOf('trtllm', h100, dsv3, resolveLayout(dsv3, layout));
      expect(dispatch).toBe('gather-local');
      const overOneDomain = (moeDispatch: MoeDispatch) => createPerfModel({ ...h100, gpusPerNode: 16 }, dsv3, layout, { ...servingOptions(serving), moeDispatch });
      const figures = (oneDomain: PerfModel) => [ms(step(own)), ms(step(own) - step(oneDomain)), ms(prefill(own)), ms(prefill(own) - prefill(oneDomain))];
      expect([stepMs, stepExtra, prefillMs, prefillExtra]).toEqual(figures(overOneDomain(dispatch)));
      // Attention DP 16/tp with EP 16 > top-k 8: the all-to-all would price other figures, so keeping the gather matters.
      if (layout.tp === 1) expect(figures(overOneDomain('all-to-all'))).not.toEqual(figures(overOneDomain(dispatch)));
    }
    // And not the default model's figures (what the note said before the fix).
    expect(multiNode).not.toEqual(defaultNotes);
  });
});

describe('a user-restricted ep list bounds the multi-node search too (plan --ep)', () => {
  it('DeepSeek-V3 FP8 on H100 with --ep 8: no 16-GPU ep 16 layout the user ruled out', () => {
    expect(multiNodeLayouts(h100, dsv3, 'fp8', { tpDegrees, requestedEpDegrees: [8] })).toEqual([]);
  });
  it('--ep 16 keeps the ep 16 layouts, and only them', () => {
    const eps = multiNodeLayouts(h100, dsv3, 'fp8', { tpDegrees, requestedEpDegrees: [16] });
    expect(eps.length).toBeGreaterThan(0);
    expect(eps.every(({ ep }) => ep === 16)).toBe(true);
  });
  it('no --ep: the search spreads experts as wide as the model needs (ep 16 on two nodes)', () => {
    expect(multiNodeLayouts(h100, dsv3, 'fp8', { tpDegrees })).toContainEqual({ tp: 8, ep: 16 });
  });
});

describe('a layout the user makes span nodes (plan --ep 16 on HGX H200) is priced in the notes too', () => {
  it('DeepSeek-V3 on H200 with ep 16: each fitting 16-GPU layout says it spans 2 nodes and what that adds', () => {
    const set = enumeratePools([catalog.gpus.get('h200')!], dsv3, createPerfModelFor(), resolveOptions({ epDegrees: [16], precisions: ['fp8'] }));
    expect(set.pools.some((p) => p.gpus === 16)).toBe(true);
    expect(set.multiNode.some((n) => /^h200\/tp8ep16\/fp8: .*spans 2 nodes of 8; traffic beyond the NVLink domain at 50 GB\/s per GPU adds \d+\.\d ms to a/.test(n))).toBe(true);
  });
  it('no note where every layout stays in one node (the default search on H200)', () => {
    expect(enumeratePools([catalog.gpus.get('h200')!], dsv3, createPerfModelFor(), resolveOptions({ precisions: ['fp8'] })).multiNode).toEqual([]);
  });
});

describe('a dense LLM a user spreads past one node (plan --tp 16)', () => {
  it('its note names the layout as tp 16, with no "ep 1", and prices the traffic beyond the domain', () => {
    const set = enumeratePools([h100], catalog.llms.get('llama-3.1-70b')!, createPerfModelFor(), resolveOptions({ tpDegrees: [16], precisions: ['fp8'] }));
    expect(set.pools.every((p) => p.gpus === 16)).toBe(true);
    expect(set.multiNode).toHaveLength(1);
    expect(set.multiNode[0]).toMatch(/^h100-sxm\/tp16\/fp8: tp 16 is 16 GPUs, so llama-3\.1-70b spans 2 nodes of 8; traffic beyond the NVLink domain at 50 GB\/s per GPU adds \d+\.\d ms to a \d+\.\d ms decode step/);
  });
});

describe('plan --ep 16 on H100, where no single node holds DeepSeek-V3 FP8 anyway', () => {
  it('the notes say the model fits no single node, not that the ep made it span', () => {
    const set = enumeratePools([h100], dsv3, createPerfModelFor(), resolveOptions({ epDegrees: [16], precisions: ['fp8'] }));
    expect(set.multiNode.length).toBeGreaterThan(0);
    for (const note of set.multiNode) expect(note).toMatch(/^h100-sxm\/tp\d+ep16\/fp8: deepseek-v3 fits no single 8-GPU node, so it spans 2 nodes; /);
  });
});
