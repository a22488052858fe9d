/**
 * The same-architecture fallback: a GPU without kernel tables that names a measured GPU of its architecture
 * (`kernel_tables_from`, GB200 → B200) is priced with that GPU's multipliers on its own peaks and bandwidths — every
 * kernel-table part (grouped GEMM incl. the NVFP4 route, MLA, all-to-all, dense efficiency) equals the sibling's
 * multipliers applied to GB200's spec sheet — and its provenance says so; GPUs of other architectures keep the median.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../../catalogs/index.js';
import { resolveLayout } from '../../../catalogs/precision.js';
import type { GpuSpec } from '../../../catalogs/types.js';
import { BUILTIN_COEFFICIENTS, createPerfModel } from '../../../models/index.js';
import { BUILTIN_MOE_CALIBRATION } from '../../../models/moe/builtin.js';
import { buildMoeStepParts } from '../../../models/moe/step-time.js';
import { efficiencyFor } from '../../../models/roofline.js';

const catalog = loadBuiltinCatalog();
const gb200 = catalog.gpus.get('gb200')!;
// B200's tables on GB200's spec sheet: GB200's figures under the id whose tables the model looks up.
const b200TablesOnGb200: GpuSpec = { ...gb200, id: 'b200', kernelTablesFrom: undefined };
const medianOnGb200: GpuSpec = { ...gb200, kernelTablesFrom: undefined };

describe('kernel_tables_from (same-architecture kernel tables)', () => {
  it('the catalog maps B300, GB200 and GB300 to B200 and no other architecture (AMD, RTX PRO 6000, Hopper, Ada)', () => {
    const mapped = [...catalog.gpus.values()].filter((g) => g.kernelTablesFrom !== undefined).map((g) => `${g.id}→${g.kernelTablesFrom}`);
    expect(mapped).toEqual(['b300→b200', 'gb200→b200', 'gb300→b200']);
    for (const id of ['b300', 'gb200', 'gb300']) expect(catalog.gpus.get(id)!.sources.kernel_tables_from).toMatch(/compute capability 10\.[03]/);
  });

  for (const [llmId, precision, tp, ep] of [['deepseek-v3', 'fp4', 8, 8], ['deepseek-v3', 'fp8', 8, 8], ['qwen3-235b-a22b', 'fp8', 4, 4], ['qwen3-235b-a22b', 'bf16', 8, 1]] as const) {
    it(`${llmId} ${precision} tp ${tp} ep ${ep} on GB200: every kernel-table part equals B200's multipliers on GB200's peaks, and differs from the median`, () => {
      const llm = catalog.llms.get(llmId)!;
      const layout = resolveLayout(llm, { tp, ep, precision });
      const parts = buildMoeStepParts(gb200, llm, layout, BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
      const reference = buildMoeStepParts(b200TablesOnGb200, llm, layout, BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
      const median = buildMoeStepParts(medianOnGb200, llm, layout, BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
      for (const tokens of [1, 64, 1024, 8192]) {
        expect(parts.moeSeconds(tokens)).toBe(reference.moeSeconds(tokens));
        expect(parts.a2aSeconds(tokens)).toBe(reference.a2aSeconds(tokens));
        expect(parts.mlaContext(2, tokens, 0, false)).toBe(reference.mlaContext(2, tokens, 0, false));
        expect(parts.mlaGeneration(8, tokens)).toBe(reference.mlaGeneration(8, tokens));
      }
      expect(parts.p).toEqual(reference.p);
      expect(parts.moeSeconds(1024)).not.toBeCloseTo(median.moeSeconds(1024), 6);
      expect(parts.sources.groupedGemm.measured).toBe(false);
      expect(parts.sources.groupedGemm.from).toMatch(/^kernel tables of b200 \(same architecture\): aiconfigurator\/b200_sxm/);
      expect(parts.sources.groupedGemm.heldOut).toMatch(/the same-architecture rule, h100-sxm ↔ h200/);
      expect(median.sources.groupedGemm.from).toMatch(/^median of /);
    });
  }

  it('GB200 fp4 experts take B200\'s bf16 fit × its NVFP4 : bf16 ratio, not the fp8 stand-in', () => {
    const llm = catalog.llms.get('deepseek-v3')!;
    const parts = buildMoeStepParts(gb200, llm, resolveLayout(llm, { tp: 8, ep: 8, precision: 'fp4' }), BUILTIN_MOE_CALIBRATION, BUILTIN_COEFFICIENTS.roofline);
    expect(parts.sources.groupedGemm.from).toMatch(/bfloat16 fit .* NVFP4 : bf16 time ratio of b200's dense GEMM table/);
  });

  it('the dense roofline takes B200\'s fractions and floors; a GPU of another architecture keeps the median', () => {
    const eff = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, gb200);
    const b200 = BUILTIN_COEFFICIENTS.roofline.efficiencies.b200;
    expect({ ...eff, from: '' }).toEqual({ ...b200, from: '' });
    expect(eff.from).toMatch(/^kernel tables of b200 \(same architecture\)/);
    expect(efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'gb200')).toBe(BUILTIN_COEFFICIENTS.roofline.defaultEfficiency);
    for (const id of ['mi355x', 'rtx-pro-6000']) expect(efficiencyFor(BUILTIN_COEFFICIENTS.roofline, catalog.gpus.get(id)!)).toBe(BUILTIN_COEFFICIENTS.roofline.defaultEfficiency);
    const llm = catalog.llms.get('llama-3.1-70b')!;
    const m = createPerfModel(gb200, llm, { tp: 4 });
    const r = createPerfModel(b200TablesOnGb200, llm, { tp: 4 });
    expect(m.prefillSeconds(1024, 0)).toBe(r.prefillSeconds(1024, 0));
    expect(m.decodeStepSeconds(16, 16 * 2048)).toBe(r.decodeStepSeconds(16, 16 * 2048));
    expect(m.provenance.from).toMatch(/^gb200 and llama-3\.1-70b spec sheets; kernel tables of b200 \(same architecture\); /);
  });

  it('an MoE pool\'s provenance names the sibling and its held-out error on the Hopper pair', () => {
    const llm = catalog.llms.get('qwen3-235b-a22b')!;
    const m = createPerfModel(catalog.gpus.get('gb300')!, llm, { tp: 4, ep: 4, precision: 'fp8' });
    const pct = `${(BUILTIN_MOE_CALIBRATION.sameArchitecture!.groupedGemmMape.fp8_block! * 100).toFixed(1)}%`;
    expect(m.provenance.from).toContain(`kernel tables of b200 (same architecture), held-out error ${pct} on the h100-sxm ↔ h200 pair`);
    expect(m.provenance.heldOutMape).toBeGreaterThanOrEqual(BUILTIN_MOE_CALIBRATION.sameArchitecture!.groupedGemmMape.fp8_block!);
  });
});
