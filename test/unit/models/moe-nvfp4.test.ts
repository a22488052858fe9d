import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { BUILTIN_MOE_CALIBRATION } from '../../../models/moe/builtin.js';
import { nvfp4ExpertComputeMultiplier } from '../../../models/moe/nvfp4-grouped-gemm.js';
import { buildMoeStepParts } from '../../../models/moe/step-time.js';
import { efficiencyFor } from '../../../models/roofline.js';

const catalog = loadBuiltinCatalog();
const dsv3Expert = { hiddenSize: 7168, expertIntermediateSize: 2048, expertsPerToken: 8, experts: 256 };

describe('NVFP4 grouped GEMMs priced from the GPU\'s own bf16 fit and its dense NVFP4 : bf16 ratio', () => {
  const grids = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'b200').gemmGrids;

  it('charges NVFP4 experts between a quarter and all of bf16\'s time on B200 (measured 0.45–0.65× at prompt sizes), more on small TP shards', () => {
    const at = nvfp4ExpertComputeMultiplier(1, grids)!;
    // In fp4-peak units a multiplier m means m/4 of bf16's time at bf16 multiplier 1.
    const whole = at({ ...dsv3Expert, tokens: 8192, moeTp: 1, moeEp: 8 });
    expect(whole / 4).toBeGreaterThan(0.3);
    expect(whole / 4).toBeLessThan(0.8);
    const shard = at({ ...dsv3Expert, tokens: 1024, moeTp: 8, moeEp: 1 });
    expect(shard).toBeGreaterThan(2 * whole);
  });

  it('is undefined on a GPU without both grids (H100: no fp4 grid), and the step then keeps the fallback', () => {
    expect(nvfp4ExpertComputeMultiplier(1, efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'h100-sxm').gemmGrids)).toBeUndefined();
    expect(nvfp4ExpertComputeMultiplier(1, undefined)).toBeUndefined();
  });

  it('a B200 fp4 DeepSeek step says where its expert price comes from and costs more than the fp8-fit stand-in did', () => {
    const gpu = catalog.gpus.get('b200')!;
    const llm = catalog.llms.get('deepseek-v3')!;
    const layout = resolveLayout(llm, { tp: 8, ep: 8, precision: 'fp4' });
    const parts = buildMoeStepParts(gpu, llm, layout, BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
    expect(parts.sources.groupedGemm.measured).toBe(false);
    expect(parts.sources.groupedGemm.from).toMatch(/NVFP4 : bf16 time ratio of b200's dense GEMM table/);
    expect(parts.sources.groupedGemm.heldOut).toMatch(/bf16 fit, leave-one-shape-out; the NVFP4 ratio is checked against no grouped-GEMM table/);
    const withoutGrids = buildMoeStepParts(gpu, llm, layout, BUILTIN_MOE_CALIBRATION, { ...BUILTIN_COEFFICIENTS.roofline, efficiencies: { ...BUILTIN_COEFFICIENTS.roofline.efficiencies, b200: { ...efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'b200'), gemmGrids: undefined } } });
    expect(withoutGrids.sources.groupedGemm.from).toMatch(/median of .* fp8 grouped-GEMM fits/);
    expect(parts.moeSeconds(8192)).toBeGreaterThan(withoutGrids.moeSeconds(8192));
  });
});
