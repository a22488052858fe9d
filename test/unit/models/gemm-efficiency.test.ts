/**
 * GEMM efficiency by shape (models/gemm-efficiency.ts, gemm-efficiency-fit.ts): the grid's interpolation, its fit
 * from a GEMM table, the labelled per-tensor fp8 estimate, the shipped grids against what the staged tables measured,
 * and the serving step terms priced with them.
 */
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog, type LlmSpec } from '../../../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../../../models/index.js';
import { denseWeightGemms, gemmFractionAt, stepGemmFraction, type GemmEfficiencyGrid } from '../../../models/gemm-efficiency.js';
import { estimatePerTensorFp8, fitGemmGrid, GRID_TOKENS } from '../../../models/gemm-efficiency-fit.js';
import type { GemmRow } from '../../../models/importers/aiconfigurator.js';
import { efficiencyFor } from '../../../models/roofline.js';
import { instanceUnits, stepTerms } from '../../../models/serving/step-terms.js';

const catalog = loadBuiltinCatalog();
const h100 = catalog.gpus.get('h100-sxm')!;
const b200 = catalog.gpus.get('b200')!;
const llama70 = catalog.llms.get('llama-3.1-70b')!;

const GRID: GemmEfficiencyGrid = { tokens: [1024, 4096], log2WeightElements: [20, 22], fraction: [[0.2, 0.4], [0.6, 0.8]], from: 'test' };

describe('gemmFractionAt', () => {
  it('is bilinear in log2 tokens and log2 n·k inside the grid', () => {
    expect(gemmFractionAt(GRID, 1024, 2 ** 20)).toBeCloseTo(0.2, 12);
    expect(gemmFractionAt(GRID, 4096, 2 ** 22)).toBeCloseTo(0.8, 12);
    // 2048 tokens is halfway in log2 between 1024 and 4096; 2^21 halfway between 2^20 and 2^22.
    expect(gemmFractionAt(GRID, 2048, 2 ** 20)).toBeCloseTo(0.4, 12);
    expect(gemmFractionAt(GRID, 2048, 2 ** 21)).toBeCloseTo(0.5, 12);
  });

  it('holds the grid flat beyond its ends (below 1,024 tokens: the 1,024 row)', () => {
    expect(gemmFractionAt(GRID, 8, 2 ** 21)).toBeCloseTo(0.3, 12);
    expect(gemmFractionAt(GRID, 1e6, 2 ** 30)).toBeCloseTo(0.8, 12);
    expect(gemmFractionAt(GRID, 1, 1)).toBeCloseTo(0.2, 12);
  });
});

describe('stepGemmFraction', () => {
  it('is the FLOP-weighted harmonic mean of the shapes\' fractions', () => {
    // Two GEMMs of equal FLOPs at 0.2 and 0.4: time ∝ 1/0.2 + 1/0.4 = 7.5 for 2 units of FLOPs → 0.2667.
    const gemms = [{ n: 1024, k: 1024, count: 1 }, { n: 2048, k: 2048, count: 0.25 }];
    expect(stepGemmFraction(GRID, gemms, 1024)).toBeCloseTo(2 / (1 / 0.2 + 1 / 0.4), 12);
  });

  it('covers a dense model\'s weights per GPU: Llama-3.1-70B TP1 GEMMs hold its parameters but the embedding', () => {
    const gemms = denseWeightGemms(llama70, 1)!;
    const weights = gemms.reduce((s, g) => s + g.count * g.n * g.k, 0);
    expect(weights / (llama70.parameters - llama70.vocabSize * llama70.hiddenSize)).toBeGreaterThan(0.99);
    expect(weights / (llama70.parameters - llama70.vocabSize * llama70.hiddenSize)).toBeLessThan(1.01);
    const tp4 = denseWeightGemms(llama70, 4)!;
    expect(tp4.reduce((s, g) => s + g.count * g.n * g.k, 0)).toBeCloseTo(weights / 4, 0);
    expect(denseWeightGemms({ ...llama70, moe: { experts: 8, expertsPerToken: 2, sharedExperts: 0, expertIntermediateSize: 1024, denseLayers: 0, activeParameters: 1e9 } } as LlmSpec, 1)).toBeUndefined();
  });
});

describe('fitGemmGrid', () => {
  /** A table where every shape at m runs at fraction f(m, n·k) = m / 65536 + log2(n·k) / 100. */
  const rows: GemmRow[] = [];
  const f = (m: number, n: number, k: number) => m / 65536 + Math.log2(n * k) / 100;
  for (const m of [256, ...GRID_TOKENS]) for (const [n, k] of [[1024, 1024], [2048, 512], [4096, 4096], [128, 8192]]) {
    rows.push({ dtype: 'fp8', m, n, k, latencySeconds: (2 * m * n * k) / (f(m, n, k) * 1e15) });
  }
  rows.push({ dtype: 'fp8_block', m: 1024, n: 1024, k: 1024, latencySeconds: 1 });
  const grid = fitGemmGrid(rows, 'fp8', 1e15, 'synthetic')!;

  it('bins by log2(n·k) and takes each cell\'s median achieved fraction, at the grid\'s token counts only', () => {
    expect(grid.tokens).toEqual(GRID_TOKENS);
    // 1024×1024 and 2048×512 share 2^20; 128 × 8192 is dropped (n < 256); 4096² is 2^24.
    expect(grid.log2WeightElements).toEqual([20, 24]);
    expect(grid.fraction[0][0]).toBeCloseTo(1024 / 65536 + 0.2, 12);
    expect(grid.fraction[GRID_TOKENS.length - 1][1]).toBeCloseTo(32768 / 65536 + 0.24, 12);
    expect(grid.from).toMatch(/synthetic: \d+ fp8 GEMMs/);
  });

  it('has no grid for a dtype the table lacks at every token count', () => {
    expect(fitGemmGrid(rows, 'fp8_block', 1e15, 'synthetic')).toBeUndefined();
    expect(fitGemmGrid(rows, 'nvfp4', 1e15, 'synthetic')).toBeUndefined();
  });
});

describe('estimatePerTensorFp8', () => {
  it('is the GPU\'s bf16 grid × the reference per-tensor fp8 / bf16 ratio, labelled an estimate', () => {
    const refBf16: GemmEfficiencyGrid = { ...GRID, fraction: [[0.8, 0.8], [0.8, 0.8]] };
    const refFp8: GemmEfficiencyGrid = { ...GRID, fraction: [[0.4, 0.6], [0.6, 0.8]] };
    const own: GemmEfficiencyGrid = { ...GRID, fraction: [[0.5, 0.5], [0.6, 0.7]] };
    const est = estimatePerTensorFp8(own, { bf16: refBf16, fp8: refFp8, gpu: 'ref-gpu' });
    expect(est.estimate).toBe(true);
    expect(est.from).toMatch(/estimate: .*ref-gpu/);
    expect(est.fraction[0][0]).toBeCloseTo(0.5 * 0.5, 12);
    expect(est.fraction[0][1]).toBeCloseTo(0.5 * 0.75, 12);
    expect(est.fraction[1][1]).toBeCloseTo(0.7 * 1, 12);
  });
});

describe('the shipped grids (catalogs/coefficients/roofline.json)', () => {
  const effH = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'h100-sxm');
  const effB = efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'b200');

  it('H100 per-tensor fp8 is measured; B200 per-tensor fp8 is an estimate (its table has fp8_block only); B200 nvfp4 measured', () => {
    expect(effH.gemmGrids?.fp8?.estimate).toBeUndefined();
    expect(effH.gemmGrids?.fp8?.from).toMatch(/fp8 GEMMs/);
    expect(effB.gemmGrids?.fp8?.estimate).toBe(true);
    expect(effB.gemmGrids?.fp8?.from).toMatch(/h100-sxm/);
    expect(effB.gemmGrids?.fp4?.from).toMatch(/nvfp4 GEMMs/);
    expect(efficiencyFor(BUILTIN_COEFFICIENTS.roofline, 'a100-80gb-sxm').gemmGrids?.fp8).toBeUndefined();
  });

  it('prices Llama-3.1-70B TP1 prefill on H100 fp8 where the table measured its shapes, above the single fraction', () => {
    // gemm_perf.csv, fp8 per-tensor, 8192 × 8192 / 10240 × 8192 / 51200–65536 × 8192: 0.62–0.67 of peak at m 1,024–4,096.
    const gemms = denseWeightGemms(llama70, 1)!;
    for (const m of [1024, 2048, 4096, 8192]) {
      const f = stepGemmFraction(effH.gemmGrids!.fp8!, gemms, m);
      expect(f).toBeGreaterThan(0.58);
      expect(f).toBeLessThan(0.78);
      expect(f).toBeGreaterThan(effH.precisionComputeFractions!.fp8!);
    }
    // Small matrices run lower: Llama-3.1-8B TP8 shards (n·k ≤ 2^24) at m = 1,024 sit below 70B TP1's.
    const small = stepGemmFraction(effH.gemmGrids!.fp8!, denseWeightGemms(catalog.llms.get('llama-3.1-8b')!, 8)!, 1024);
    expect(small).toBeLessThan(stepGemmFraction(effH.gemmGrids!.fp8!, gemms, 1024) - 0.1);
  });

  it('the step\'s excess compute is its GEMM FLOPs at the grid\'s rate for the step\'s tokens, beyond the weight read', () => {
    const u = instanceUnits(b200, llama70, 1, 'fp8', effB)!;
    const grid = effB.gemmGrids!.fp8!;
    const terms = stepTerms(u, { decodeSequences: 0, contextTokens: 0, prefillTokens: 8192, prefillPairs: 8192 * 8192, scheduledSequences: 1 });
    const weights = u.weightBytes / u.memoryBytesPerSecond;
    const seconds = (8192 * u.prefillGemmFlopsPerToken) / (b200.fp8FlopsPerSecond! * stepGemmFraction(grid, denseWeightGemms(llama70, 1)!, 8192));
    expect(terms[1]).toBeCloseTo(seconds - weights, 9);
    expect(u.gemmRateFrom).toMatch(/fp8 GEMM grid .*estimate/);
    // Without a grid the single fraction prices every step alike (and says so).
    const { gemmGrids: _, ...single } = effB;
    const v = instanceUnits(b200, llama70, 1, 'fp8', single)!;
    expect(v.gemmFlopsPerSecondAt(8192)).toBeCloseTo(b200.fp8FlopsPerSecond! * effB.precisionComputeFractions!.fp8!, 0);
    expect(v.gemmFlopsPerSecondAt(8192)).toBe(v.gemmFlopsPerSecondAt(1024));
    expect(v.gemmRateFrom).toMatch(/single fp8 fraction/);
    expect(u.gemmFlopsPerSecondAt(8192)).not.toBe(u.gemmFlopsPerSecondAt(2048));
  });
});
