/**
 * Experiment (A6, issue #11; not adopted): a per-scope TTFT multiplier on the prompt's compute terms, fitted after the
 * TPOT step fit (models/serving/fit.ts `promptMultiplier`). Prints dense agg held-out errors for the stored fits
 * (docs/accuracy-*) and for the variant: printed, linearised (coefficients × terms), and printed + the multiplier's
 * shift of the prompt terms. Run: npx tsx bench/prompt-multiplier-experiment.ts (about 5 min).
 */
import { readFileSync } from 'node:fs';
import { predictRun, scopeFor } from '../models/serving/fit.js';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { BUILTIN_COEFFICIENTS } from '../models/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { calibrateServing } from '../models/serving/calibrate.js';
import { summarizeErrors, type HeldOutPrediction } from '../models/serving/holdout.js';
import { measuredRunTerms } from '../planner/benchmark/index.js';
import { buildAccuracyArtifacts, SILICON_FILE } from '../bench/accuracy-build.js';
import { isTargetRow } from '../models/serving/accuracy-doc.js';
import { STEP_TERMS } from '../models/serving/step-terms.js';
const root = resolve(new URL('..', import.meta.url).pathname);
const PROMPT = [STEP_TERMS.indexOf('excess_compute'), STEP_TERMS.indexOf('prefill_attention')];
const fmt = (e: { medianAbs: number; p90Abs: number }) => `${(e.medianAbs * 100).toFixed(1)}% (p90 ${(e.p90Abs * 100).toFixed(1)}%)`;
const stored = { rowsText: readFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), 'utf8'), foldsText: readFileSync(resolve(root, 'docs', 'accuracy-folds.json'), 'utf8') };
const base = buildAccuracyArtifacts(root, stored).result;
const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
const catalog = loadBuiltinCatalog();
const imported = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) });
const variant = process.argv.includes('--base-only') ? undefined : calibrateServing(imported.runs, [], 'x', catalog, BUILTIN_COEFFICIENTS.roofline, packageVersion(), measuredRunTerms(catalog), { promptMultiplier: true });
for (const [name, res] of [['base', base], ['variant', variant]] as const) {
  if (!res) continue;
  for (const protocol of ['lomo', 'logo'] as const) {
    const folds = (res as any).fixedPoint.folds[protocol] as { heldOut: string; fit: { scopes: any[] } }[];
    const all = (res as any).predictions[protocol] as HeldOutPrediction[];
    for (const [subset, preds] of [['target', all.filter(isTargetRow)], ['trtllm-b200-70b-fp8', all.filter((p) => p.row.run.backend === 'trtllm' && p.row.run.gpu === 'b200' && p.row.run.llm.includes('70b') && p.row.run.precision === 'fp8')]] as const) {
    const scopesOf = (h: string) => folds.find((f) => f.heldOut === h)!.fit.scopes;
    const meas = preds.map((p) => p.row.run.ttftSeconds);
    const measT = preds.map((p) => p.row.run.tpotSeconds);
    const printed = summarizeErrors(preds.map((p) => p.ttftSeconds), meas);
    const lin = preds.map((p) => predictRun(scopesOf(p.heldOut), p.row));
    const adjusted = preds.map((p) => { const s = scopeFor(scopesOf(p.heldOut), p.row.run); return p.ttftSeconds + PROMPT.reduce((a, j) => a + p.row.terms.ttft[j] * (s.ttft[j] - s.tpot[j]), 0); });
    console.log(name, protocol, subset, 'n', preds.length, 'TTFT printed', fmt(printed), 'linearised', fmt(summarizeErrors(lin.map((l) => l.ttftSeconds), meas)), 'printed+prompt shift', fmt(summarizeErrors(adjusted, meas)), 'TPOT printed', fmt(summarizeErrors(preds.map((p) => p.tpotSeconds), measT)));
    }
    const ms = new Map<string, number[]>();
    for (const f of folds) for (const s of f.fit.scopes) if (s.promptMultiplier !== undefined) ms.set(s.scope, [...(ms.get(s.scope) ?? []), s.promptMultiplier]);
    if (ms.size) console.log('  prompt multipliers by scope (min..max over folds):', [...ms].map(([k, v]) => `${k} ${Math.min(...v).toFixed(2)}..${Math.max(...v).toFixed(2)}`).join('; '));
  }
}
if (variant) { const all = (variant as any).fixedPoint.all; console.log('all-runs fit: gap', all.clientGapSeconds, all.scopes.map((s: any) => `${s.scope} p=${s.promptMultiplier?.toFixed(2)} oh=${s.ttft[7].toFixed(1)}`).join('; ')); }
