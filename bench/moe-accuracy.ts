/**
 * Regenerates docs/accuracy-moe-rows.json: every expressible agg MoE run of the staged silicon CSV benchmarked through
 * runServingBenchmark for its step terms and on the uncalibrated model, each predicted leave-one-architecture-out (under a minute: 42 s on a shared 2-core machine), then prints the overall held-out errors. Run `npm run accuracy` afterwards to
 * re-render docs/accuracy.md. Run: npx tsx bench/moe-accuracy.ts
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { asHeldOut } from '../models/moe/serving-accuracy.js';
import { overallErrors } from '../models/serving/holdout.js';
import { buildMoeAccuracy, formatMoeAccuracy, moeAccuracyInputs, MOE_ROWS_FILE } from './moe-accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const t0 = performance.now();
const stored = buildMoeAccuracy(moeAccuracyInputs(root));
writeFileSync(resolve(root, MOE_ROWS_FILE), formatMoeAccuracy(stored));
const o = overallErrors(asHeldOut(stored.rows));
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const d = overallErrors(asHeldOut(stored.disagg_rows));
const line = (e: ReturnType<typeof overallErrors>) => `TTFT median ${pct(e.ttft.medianAbs)} p90 ${pct(e.ttft.p90Abs)}; TPOT median ${pct(e.tpot.medianAbs)} p90 ${pct(e.tpot.p90Abs)}`;
console.log(`disagg: ${d.tpot.n} runs; ${line(d)}; builtin calibration (dense runs only): ${line(overallErrors(asHeldOut(stored.disagg_rows, 'dense-fit')))}`);
console.log(`wrote ${MOE_ROWS_FILE}: ${o.tpot.n} agg runs in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${line(o)}; builtin calibration (dense runs only): ${line(overallErrors(asHeldOut(stored.rows, 'dense-fit')))}`);
