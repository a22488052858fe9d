/** Every GPU × LLM of the built-in catalog at TP 1, 2, 4, 8: finite positive figures or a clear "does not fit". */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { gpuPrecisions, nativePrecision } from '../../catalogs/precision.js';
import { BUILTIN_COEFFICIENTS, predictOperatingPoint } from '../../models/index.js';
import { AIC_GPU_IDS, aicNcclPath, fitBuiltinCoefficients } from '../../models/builtin-fit.js';

const catalog = loadBuiltinCatalog();

describe('predictOperatingPoint() over the catalog', () => {
  it('answers for every pair and TP', () => {
    let fits = 0;
    let refused = 0;
    for (const gpu of catalog.gpus.values()) for (const llm of catalog.llms.values()) for (const tp of [1, 2, 4, 8]) {
      // A published FP8/FP4 checkpoint (DeepSeek-V3, gpt-oss) on a GPU without that format is no pair: said, not guessed.
      if (!gpuPrecisions(gpu).includes(nativePrecision(llm))) {
        expect(() => predictOperatingPoint(gpu, llm, { tp }, { inputTokens: 1024 }), `${gpu.id}/${llm.id}`).toThrow(/precision: found "fp[48]", expected one of the formats/);
        continue;
      }
      const r = predictOperatingPoint(gpu, llm, { tp }, { inputTokens: 1024, outputTokens: 128, batch: 1 });
      if (r.fits) {
        fits++;
        for (const k of ['prefill_s', 'decode_step_s', 'ttft_s', 'tpot_s', 'kv_capacity_tokens', 'prefill_power_w', 'decode_power_w'] as const) {
          expect(Number.isFinite(r[k]) && r[k] > 0, `${gpu.id}/${llm.id}/tp${tp} ${k}=${r[k]}`).toBe(true);
        }
        // TTFT is the prefill iteration alone: the first token leaves with it, as in the kernel (predict-ttft.test.ts).
        expect(r.ttft_s).toBe(r.prefill_s);
        expect(r.source.length).toBeGreaterThan(10);
      } else {
        refused++;
        expect(r.reason).toMatch(/does not fit|exceed/);
      }
    }
    expect(fits).toBeGreaterThan(refused);
    expect(predictOperatingPoint(catalog.gpus.get('l4')!, catalog.llms.get('llama-2-70b')!, { tp: 1 }, { inputTokens: 100 }).fits).toBe(false);
  });
});

describe('built-in coefficients', () => {
  it('match a refit from ../shared/data', () => {
    const data = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..', 'shared', 'data');
    const read = (p: string) => readFileSync(resolve(data, p), 'utf8');
    const refit = fitBuiltinCoefficients({
      splitwisePerfModel: read('splitwise/perf_model.csv'),
      aicGemm: Object.fromEntries(Object.entries(AIC_GPU_IDS).map(([dir, id]) => [id, read(`aiconfigurator/${dir}/gemm_perf.csv`)])),
  aicNccl: Object.fromEntries(Object.entries(AIC_GPU_IDS).map(([dir, id]) => [id, read(aicNcclPath(dir))])),
      mlEnergyRuns: read('mlenergy/llm_runs_flat.csv'),
    }, catalog);
    const close = (a: readonly number[], b: readonly number[]) => a.forEach((x, i) => expect(Math.abs(x - b[i])).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(b[i]))));
    expect(refit.pairs.length).toBe(BUILTIN_COEFFICIENTS.pairs.length);
    refit.pairs.forEach((p, i) => {
      close(p.prefill, BUILTIN_COEFFICIENTS.pairs[i].prefill);
      close(p.decode, BUILTIN_COEFFICIENTS.pairs[i].decode);
    });
    close(refit.roofline.prefill, BUILTIN_COEFFICIENTS.roofline.prefill);
    close(refit.roofline.decode, BUILTIN_COEFFICIENTS.roofline.decode);
    // The GEMM efficiency grids by shape (models/gemm-efficiency-fit.ts), B200's per-tensor fp8 estimate included.
    for (const gpu of ['h100-sxm', 'b200']) {
      const shipped = BUILTIN_COEFFICIENTS.roofline.efficiencies[gpu].gemmGrids;
      const grids = refit.roofline.efficiencies[gpu].gemmGrids;
      for (const p of ['bf16', 'fp8', 'fp4'] as const) {
        expect(grids?.[p]?.log2WeightElements).toEqual(shipped?.[p]?.log2WeightElements);
        grids?.[p]?.fraction.forEach((row, i) => close(row, shipped![p]!.fraction[i]));
      }
    }
    expect(refit.power.capSlowdownExponent).toBeCloseTo(BUILTIN_COEFFICIENTS.power.capSlowdownExponent, 9);
    expect(refit.power.decodeSharePerLnBatch).toBeCloseTo(BUILTIN_COEFFICIENTS.power.decodeSharePerLnBatch, 9);
  });
});
