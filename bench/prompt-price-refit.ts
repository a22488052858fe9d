/**
 * Experiment (issues #12, #11): the prompt's TTFT compute price as a function of the prompt's length
 * (models/serving/prompt-price.ts, fit option `promptPriceKnotsTokens`), refitted from the stored term vectors without
 * re-running a benchmark (with a fixed request count the schedule does not depend on the coefficients, so the fit is
 * linear in them; the baseline reproduces the published MoE figures). MoE agg rows leave-one-architecture-out
 * (docs/accuracy-moe-rows.json with every dense row of docs/accuracy-rows.csv in each fit), and the dense bf16 + fp8
 * rows leave-one-model-out and leave-one-GPU-out on their stored terms (a linearisation: the published dense figures
 * are what each fold's benchmark printed; bench/prompt-price-experiment.ts runs those). TPOT is untouched by
 * construction (the price is fitted after the TPOT step fit and applies to the TTFT prediction only).
 * Run: npx tsx bench/prompt-price-refit.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { architectureGroups, moeHeldOutScopes, moeHoldOutPredictions } from '../models/serving/moe-holdout.js';
import { holdOutPredictions, type HeldOutPrediction } from '../models/serving/holdout.js';
import { isTargetRow } from '../models/serving/accuracy-doc.js';
import type { CalibrationRow, ServingFitOptions } from '../models/serving/fit.js';
import type { MeasuredRun } from '../models/serving/runs.js';
import { promptPriceAt, PROMPT_PRICE_TERMS } from '../models/serving/prompt-price.js';
import { denseRowsOf, DENSE_ROWS_FILE, MOE_ROWS_FILE } from './moe-accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as { rows: Record<string, any>[] };
const catalog = loadBuiltinCatalog();
const dense = denseRowsOf(readFileSync(resolve(root, DENSE_ROWS_FILE), 'utf8'));
const moe: CalibrationRow[] = stored.rows.map((r) => ({
  run: { source: MOE_ROWS_FILE, line: r.line, backend: r.backend, gpu: r.gpu, llm: r.llm, modelName: r.llm, precision: r.precision, mode: 'agg', tp: r.tp, concurrency: r.concurrency, inputTokens: r.isl, outputTokens: r.osl, ttftSeconds: r.measured_ttft_ms / 1e3, tpotSeconds: r.measured_tpot_ms / 1e3 } as MeasuredRun,
  terms: { ttft: r.ttft_terms, tpot: r.tpot_terms }, fixedSeconds: { ttft: r.ttft_kernel_tables_s, tpot: r.tpot_kernel_tables_s },
}));
const groups = architectureGroups([...new Set(moe.map((r) => r.run.llm))].sort().map((id) => catalog.llms.get(id)!));
const median = (a: readonly number[]) => { const s = [...a].sort((x, y) => x - y); const n = s.length; return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const p90 = (a: readonly number[]) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.ceil(0.9 * s.length) - 1)]; };
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const abs = (p: HeldOutPrediction, m: 'ttft' | 'tpot') => Math.abs((m === 'ttft' ? p.ttftSeconds / p.row.run.ttftSeconds : p.tpotSeconds / p.row.run.tpotSeconds) - 1);
const summary = (ps: readonly HeldOutPrediction[]) => {
  const t = ps.map((p) => abs(p, 'ttft'));
  const u = ps.map((p) => abs(p, 'tpot'));
  return `TTFT ${pct(median(t))} (p90 ${pct(p90(t))}, ${t.filter((e) => e > 0.3).length} of ${t.length} above 30%), TPOT ${pct(median(u))} (p90 ${pct(p90(u))})`;
};

function report(name: string, options: ServingFitOptions) {
  const p = moeHoldOutPredictions(dense, moe, groups, options);
  const signed = (x: HeldOutPrediction) => x.ttftSeconds / x.row.run.ttftSeconds - 1;
  const by = [...new Set(p.map((x) => x.heldOut))].sort().map((h) => { const mine = p.filter((x) => x.heldOut === h); return `${h} ${pct(median(mine.map((x) => abs(x, 'ttft'))))} (signed ${pct(median(mine.map(signed)))})`; });
  console.log(`${name}\n  MoE agg held out: ${summary(p)}; ${by.join(', ')}`);
  if (options.promptPriceKnotsTokens) {
    // Were the price charged inside the step (one duration per step), the steps carrying prompt chunks would change
    // TPOT too: linearised, the TPOT equations' prompt compute terms at the same m(ISL) (decode-only steps of these
    // sizes have no excess compute, so those terms are the prompt chunks').
    const knots = options.promptPriceKnotsTokens;
    const scopesOf = new Map([...new Set(p.map((x) => x.heldOut))].map((h) => [h, moeHeldOutScopes(dense, moe, groups, h, options)]));
    const inStep = p.map((x) => {
      const s = scopesOf.get(x.heldOut)!.find((c) => c.scope === x.scope)!;
      const shift = (promptPriceAt(knots, s.promptPrice!, x.row.run.inputTokens) - 1) * PROMPT_PRICE_TERMS.reduce((a, j) => a + x.row.terms.tpot[j] * s.tpot[j], 0);
      return { ...x, tpotSeconds: x.tpotSeconds + shift };
    });
    console.log(`  the same price charged in every step (TPOT linearised): ${summary(inStep)}`);
  }
  for (const protocol of ['lomo', 'logo'] as const) console.log(`  dense ${protocol} (stored terms): ${summary(holdOutPredictions(dense, protocol, options).filter(isTargetRow))}`);
  const knots = options.promptPriceKnotsTokens;
  if (!knots) return;
  for (const held of [...new Set(groups.values())].sort()) {
    const scopes = moeHeldOutScopes(dense, moe, groups, held, options).filter((s) => s.scope.split('/').length <= 3);
    console.log(`  without ${held}: ${scopes.map((s) => `${s.scope} [${s.promptPrice!.map((q) => q.toFixed(2)).join(', ')}] oh ${s.ttft[7].toFixed(0)} ms`).join('; ')}`);
  }
}

const variants: [string, ServingFitOptions][] = [
  ['published (TTFT pays the TPOT-fitted prompt price)', {}],
  ['one TTFT multiplier per scope (knot 1,024; the single-multiplier variant of commit c282c2b)', { promptPriceKnotsTokens: [1024] }],
  ['price piecewise linear in log2 ISL, knots 1,024 and 8,192 (chosen before any run)', { promptPriceKnotsTokens: [1024, 8192] }],
  ['published, TTFT stage near least-absolute (Huber 0.02)', { ttftHuberRelativeError: 0.02 }],
  ['knots 1,024 and 8,192, TTFT stage near least-absolute (Huber 0.02)', { promptPriceKnotsTokens: [1024, 8192], ttftHuberRelativeError: 0.02 }],
  ['knots 1,024 and 8,192, one price fitted on the root scope (every scope keeps it)', { promptPriceKnotsTokens: [1024, 8192], promptPriceRootOnly: true }],
  ['knots 1,024 and 8,192, fitted after the request overhead (the overhead as published)', { promptPriceKnotsTokens: [1024, 8192], promptPriceAfterOverhead: true }],
  ['knots 512 and 8,192', { promptPriceKnotsTokens: [512, 8192] }],
  ['knots 1,024, 4,096 and 8,192', { promptPriceKnotsTokens: [1024, 4096, 8192] }],
];
const only = process.argv[2];
for (const [name, options] of variants) if (!only || name.startsWith(only)) report(name, options);
