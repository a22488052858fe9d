/**
 * Experiment (issues #12, #11; not adopted): the dense agg held-out figures with the prompt's TTFT compute price as a
 * function of the prompt's length (models/serving/prompt-price.ts, fit option `promptPriceKnotsTokens`), run through
 * every fold's fixed point the way `npm run accuracy` does (the fits choose their client turnaround on the variant's
 * training TTFT). The kernel charges a step one duration, so a fold's benchmark prints the TTFT at the TPOT-fitted
 * prompt price; the variant's held-out TTFT is what it printed plus the price's shift of its prompt terms
 * (`promptPriceShiftSeconds`), its TPOT what it printed. Prints the stored (published) figures beside it.
 * Run: npx tsx bench/prompt-price-experiment.ts [knots, default 1024,8192] (about 5–9 min).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../models/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { isTargetRow } from '../models/serving/accuracy-doc.js';
import { calibrateServing, type CalibrateResult } from '../models/serving/calibrate.js';
import { scopeFor } from '../models/serving/fit.js';
import { summarizeErrors, type HeldOutPrediction } from '../models/serving/holdout.js';
import { promptPriceShiftSeconds } from '../models/serving/prompt-price.js';
import { measuredRunTerms } from '../planner/benchmark/index.js';
import { buildAccuracyArtifacts, SILICON_FILE } from './accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const knots = (process.argv[2] ?? '1024,8192').split(',').map(Number);
const fmt = (e: { medianAbs: number; p90Abs: number }) => `${(e.medianAbs * 100).toFixed(1)}% (p90 ${(e.p90Abs * 100).toFixed(1)}%)`;
const stored = { rowsText: readFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), 'utf8'), foldsText: readFileSync(resolve(root, 'docs', 'accuracy-folds.json'), 'utf8') };
const base = buildAccuracyArtifacts(root, stored).result;
const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
const catalog = loadBuiltinCatalog();
const imported = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) });
const started = performance.now();
const variant = calibrateServing(imported.runs, [], 'experiment', catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion(), measuredRunTerms(catalog), { promptPriceKnotsTokens: knots });
console.log(`variant fitted in ${((performance.now() - started) / 1000).toFixed(0)} s; knots ${knots.join(', ')} tokens`);
const groupKey = (p: HeldOutPrediction) => `${p.row.run.gpu} ${p.row.run.llm} ${p.row.run.precision} ${p.row.run.backend}`;

for (const [name, res] of [['published', base], ['variant', variant]] as [string, CalibrateResult][]) {
  for (const protocol of ['lomo', 'logo'] as const) {
    const folds = res.fixedPoint.folds[protocol];
    const preds = res.predictions[protocol].filter(isTargetRow);
    const scopesOf = (h: string) => folds.find((f) => f.heldOut === h)!.fit.scopes;
    const ttft = preds.map((p) => p.ttftSeconds + (name === 'variant' ? promptPriceShiftSeconds(scopeFor(scopesOf(p.heldOut), p.row.run), p.row) : 0));
    const measured = preds.map((p) => p.row.run.ttftSeconds);
    const e = summarizeErrors(ttft, measured);
    console.log(`${name} ${protocol}: n ${preds.length}, TTFT ${fmt(e)}, TPOT ${fmt(summarizeErrors(preds.map((p) => p.tpotSeconds), preds.map((p) => p.row.run.tpotSeconds)))}`);
    const groups = [...new Set(preds.map(groupKey))].sort();
    console.log(`  by group TTFT (median abs, signed): ${groups.map((g) => { const i = preds.map((p, k) => (groupKey(p) === g ? k : -1)).filter((k) => k >= 0); const s = summarizeErrors(i.map((k) => ttft[k]), i.map((k) => measured[k])); return `${g} ${(s.medianAbs * 100).toFixed(1)}% / ${(s.signedMedian * 100).toFixed(1)}%`; }).join('; ')}`);
  }
}
const all = variant.fixedPoint.all;
console.log(`all-runs fit: client gap ${(all.clientGapSeconds * 1000).toFixed(0)} ms; ${all.scopes.map((s) => `${s.scope} [${(s.promptPrice ?? []).map((q) => q.toFixed(2)).join(', ')}] oh ${s.ttft[7].toFixed(0)} ms`).join('; ')}`);
