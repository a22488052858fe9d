/**
 * Accuracy on Splitwise perf_model.csv (../shared/data): per hardware & TP hold-out MAPE, cross-GPU prediction, and
 * the power-capped rows. Figures are printed so the report can quote them.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBuiltinCatalog } from '../../catalogs/index.js';
import { BUILTIN_COEFFICIENTS, createPerfModel, fitProfile, importSplitwise, type PhaseFit } from '../../models/index.js';
import { medianOf, type ProfileRow } from '../../models/profile.js';
import { fitRooflineCalibration, predictWithRoofline } from '../../models/calibrate.js';

const data = resolve(new URL('.', import.meta.url).pathname, '..', '..', '..', 'shared', 'data');
const rows = importSplitwise(readFileSync(resolve(data, 'splitwise', 'perf_model.csv'), 'utf8')).rows.filter((r) => r.llm === 'llama-2-70b');
const catalog = loadBuiltinCatalog();
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/**
 * Splitwise's prefill time does not depend on `token_size`, so its token sweep repeats the (512 tokens, batch 1)
 * prefill 7 times: 7 of a group's 19 prefill rows are one configuration. Merging them (median) gives the distinct
 * configurations, where every held-out row is a configuration the fit never saw.
 */
function mergeReplicates(list: readonly ProfileRow[]): ProfileRow[] {
  const groups = new Map<string, ProfileRow[]>();
  for (const r of list) {
    const key = [r.gpu, r.llm, r.tp, r.powerCapWatts, r.phase, r.batch, r.inputTokens, r.contextTokens].join('/');
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => ({ ...g[0], latencySeconds: medianOf(g.map((r) => r.latencySeconds)), repeats: g.reduce((a, r) => a + r.repeats, 0) }));
}

describe('Splitwise Llama2-70B, 20% hold-out by configuration', () => {
  // Interior split (the default): held-out rows never take a group's last row at a sweep end, so the score is
  // interpolation inside the profiled range. The random split is kept beside it: it also extrapolates to end points.
  const fits = SEEDS.map((seed) => fitProfile(rows, { holdout: 0.2, seed }));
  const randomFits = SEEDS.map((seed) => fitProfile(rows, { holdout: 0.2, seed, split: 'random' }));
  const distinct = mergeReplicates(rows);
  const distinctFits = SEEDS.map((seed) => fitProfile(distinct, { holdout: 0.2, seed }));
  const keys = fits[0].instances.map((i) => `${i.gpu} tp${i.tp}${i.powerCapWatts ? ` cap${i.powerCapWatts}` : ''}`);
  // A100 TP8 batch sweep at 512 tokens: ×8 768 ms, ×16 2084 ms, ×32 3525 ms (medians; ×16's 5 runs span 1973–2114 ms,
  // so it is no fluke). ×16 sits 24% above the chord from ×8 to ×32, and 534 ms above one 8192-token prompt (1550 ms)
  // although its attention is 16× smaller; ×2, ×4, ×8 sit only 12, 18, 107 ms above their single-prompt twins. Every
  // term of the form is convex along the batch sweep, so held-out ×16 is missed by ≥ 19% (seeds 1, 3, 6), and when
  // ×2, ×4, ×8 are held out together (seed 4) ×16 alone sets the per-sequence term and they are over-predicted.
  const ROUGH = 'a100-80gb-sxm tp8';

  it('interior split: every seed 1–10 within 8% per hardware & TP (A100 TP8 prefill: mean ≤ 8%, each ≤ 20%)', () => {
    const table: string[] = [];
    keys.forEach((key, k) => {
      const p = fits.map((f) => f.instances[k].prefill.heldOutMape);
      const d = fits.map((f) => f.instances[k].decode.heldOutMape);
      const i = fits[0].instances[k];
      const size = (ph: PhaseFit) => `N ${ph.trainRows + ph.testRows} k ${ph.coefficients.length}`;
      table.push(`${key.padEnd(22)} prefill (${size(i.prefill)}) worst ${pct(Math.max(...p))} mean ${pct(mean(p))}  decode (${size(i.decode)}) worst ${pct(Math.max(...d))} mean ${pct(mean(d))}`);
      expect(Math.max(...d), `${key} decode`).toBeLessThanOrEqual(0.08);
      if (key === ROUGH) {
        expect(mean(p), `${key} prefill mean`).toBeLessThanOrEqual(0.08);
        expect(Math.max(...p), `${key} prefill worst`).toBeLessThanOrEqual(0.2);
      } else {
        expect(Math.max(...p), `${key} prefill`).toBeLessThanOrEqual(0.08);
      }
      for (const f of fits) expect(f.instances[k].prefill.testRows, key).toBe(randomFits[0].instances[k].prefill.testRows);
    });
    console.log(`interior split, seeds 1–10:\n${table.join('\n')}`);
  });

  it('A100 TP8 prefill: the one batch-16 × 512 configuration is the whole gap (without it, every seed within 8%)', () => {
    const group = rows.filter((r) => r.gpu === 'a100-80gb-sxm' && r.tp === 8 && r.powerCapWatts === undefined);
    const without = group.filter((r) => !(r.phase === 'prefill' && r.batch === 16 && r.inputTokens === 512));
    expect(without.length).toBe(group.length - 1);
    const per = SEEDS.map((seed) => fitProfile(without, { holdout: 0.2, seed }).instances[0].prefill.heldOutMape);
    console.log(`A100 TP8 prefill without 16×512 (diagnostic, not shipped): worst ${pct(Math.max(...per))} mean ${pct(mean(per))}`);
    expect(Math.max(...per)).toBeLessThanOrEqual(0.08);
  });

  it('interior split on distinct prefill configurations (replicates merged): mean ≤ 8%, every seed ≤ 13% per hardware & TP', () => {
    const table: string[] = [];
    keys.forEach((key, k) => {
      const p = distinctFits.map((f) => f.instances[k].prefill.heldOutMape);
      const i = distinctFits[0].instances[k].prefill;
      table.push(`${key.padEnd(22)} prefill (N ${i.trainRows + i.testRows}, ${i.testRows} held out) worst ${pct(Math.max(...p))} mean ${pct(mean(p))}`);
      expect(i.trainRows + i.testRows, key).toBeLessThan(fits[0].instances[k].prefill.trainRows + fits[0].instances[k].prefill.testRows);
      expect(mean(p), key).toBeLessThanOrEqual(0.08);
      expect(Math.max(...p), key).toBeLessThanOrEqual(0.13);
    });
    console.log(`interior split, distinct prefill configurations, seeds 1–10:\n${table.join('\n')}`);
  });

  it('random split: prefill and decode MAPE ≤ 8% per hardware & TP (mean over 10 seeds) and beat the plain linear fit', () => {
    const table: string[] = [];
    keys.forEach((key, k) => {
      const p = mean(randomFits.map((f) => f.instances[k].prefill.heldOutMape));
      const d = mean(randomFits.map((f) => f.instances[k].decode.heldOutMape));
      const base = mean(randomFits.map((f) => f.instances[k].prefill.baselineHeldOutMape));
      const worst = Math.max(...randomFits.map((f) => f.instances[k].prefill.heldOutMape));
      const dWorst = Math.max(...randomFits.map((f) => f.instances[k].decode.heldOutMape));
      table.push(`${key.padEnd(22)} prefill ${pct(p)} (worst seed ${pct(worst)}, linear ${pct(base)})  decode ${pct(d)} (worst seed ${pct(dWorst)})`);
      expect(p, key).toBeLessThanOrEqual(0.08);
      expect(d, key).toBeLessThanOrEqual(0.08);
    });
    const allP = mean(randomFits.flatMap((f) => f.instances.map((i) => i.prefill.heldOutMape)));
    const allBase = mean(randomFits.flatMap((f) => f.instances.map((i) => i.prefill.baselineHeldOutMape)));
    table.push(`all prefill ${pct(allP)} vs plain linear ${pct(allBase)}`);
    console.log(`random split, seeds 1–10:\n${table.join('\n')}`);
    expect(allP).toBeLessThan(allBase);
  });
});

describe('cross-GPU: roofline calibrated on A100 rows only predicts H100', () => {
  it('MAPE ≤ 20% over all uncapped H100 rows', () => {
    const uncapped = rows.filter((r) => r.powerCapWatts === undefined);
    const cal = fitRooflineCalibration(uncapped.filter((r) => r.gpu === 'a100-80gb-sxm'), { gpu: (id) => catalog.gpus.get(id), llm: (id) => catalog.llms.get(id) },
      BUILTIN_COEFFICIENTS.roofline.efficiencies, { holdout: 0, from: 'A100 only' });
    const h100 = catalog.gpus.get('h100-sxm')!;
    const llm = catalog.llms.get('llama-2-70b')!;
    const target = uncapped.filter((r) => r.gpu === 'h100-sxm');
    const err = (r: (typeof target)[number]) => Math.abs(predictWithRoofline(cal, r, h100, llm) / r.latencySeconds - 1);
    const lines = [2, 4, 8].flatMap((tp) => (['prefill', 'decode'] as const).map((ph) => `tp${tp} ${ph} ${pct(mean(target.filter((r) => r.tp === tp && r.phase === ph).map(err)))}`));
    const all = mean(target.map(err));
    console.log(`cross-GPU A100→H100: ${lines.join(', ')}; all ${pct(all)}`);
    expect(all).toBeLessThanOrEqual(0.2);
  });
});

describe('power cap as a compute ceiling', () => {
  it('uncapped H100 models with a 490 W cap predict the measured capped prefill within 12% on ≥ 2048-token rows', () => {
    const h100 = catalog.gpus.get('h100-sxm')!;
    const llm = catalog.llms.get('llama-2-70b')!;
    const errs: number[] = [];
    for (const tp of [2, 4, 8]) {
      // Built-in records include a 490 W fit; force the uncapped record through a stripped coefficient set.
      const uncappedOnly = { ...BUILTIN_COEFFICIENTS, pairs: BUILTIN_COEFFICIENTS.pairs.filter((p) => p.powerCapWatts === undefined) };
      const m = createPerfModel(h100, llm, { tp }, { powerCapWatts: 490, coefficients: uncappedOnly });
      for (const r of rows.filter((x) => x.powerCapWatts === 490 && x.tp === tp && x.phase === 'prefill' && x.batch * x.inputTokens >= 2048)) {
        errs.push(Math.abs(m.prefillSeconds(r.batch * r.inputTokens, 0, r.batch) / r.latencySeconds - 1));
      }
    }
    console.log(`capped H100 prefill (≥2048 tokens, ${errs.length} rows): MAPE ${pct(mean(errs))}`);
    expect(mean(errs)).toBeLessThanOrEqual(0.12);
  });
});
