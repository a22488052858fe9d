/**
 * Why the MoE disagg rows miss (issue #12): for every DeepSeek xPyD run of docs/accuracy-moe-rows.json `disagg_rows`,
 * the measured closed loop's request rate λ = c / (TTFT + (OSL − 1) · TPOT) against the modelled prefill set's capacity
 * μ at the run's limits (models/moe/disagg-diagnosis.ts), the modelled single-prompt prefill, the modelled decode step
 * at the occupancy the measured times imply against the measured TPOT, and, where the CSV has agg runs of the same
 * GPU, precision, backend and ISL at concurrency ≤ 4, the lowest-concurrency one's measured TTFT (a measured prompt on
 * that hardware, plus its first decode step) and its stored held-out and uncalibrated predictions. Models at the
 * held-out DeepSeek scope's coefficients (the fold that predicts these rows, rebuilt from the stored agg terms) and
 * uncalibrated, then a verdict per row (models/moe/disagg-diagnosis.ts ttftVerdict) and per group the verdict counts and the modelled decode step at the measured occupancy over the measured TPOT. Reads the stored rows; run `npx tsx bench/moe-accuracy.ts` first if the model changed. About 3 s.
 * Run: npx tsx bench/disagg-diagnosis.ts
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog } from '../catalogs/index.js';
import { disaggRunLoad, ttftVerdict, type DisaggTtftVerdict } from '../models/moe/disagg-diagnosis.js';
import type { StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { disaggSpecOf, type MoeRowPrediction } from '../models/moe/serving-accuracy.js';
import { medianOf } from '../models/profile.js';
import type { CalibrationRow } from '../models/serving/fit.js';
import { benchmarkFleet } from '../planner/benchmark/run.js';
import { heldOutDisaggScopes, moeAccuracyInputs, MOE_ROWS_FILE, requestOverheadSeconds } from './moe-accuracy-build.js';

const root = resolve(new URL('..', import.meta.url).pathname);
const inputs = moeAccuracyInputs(root);
const catalog = loadBuiltinCatalog();
const stored = JSON.parse(readFileSync(resolve(root, MOE_ROWS_FILE), 'utf8')) as StoredMoeAccuracy;

// The agg rows' calibration rows as the build made them: measured runs from the CSV, terms as stored (exact doubles).
const byLine = new Map(stored.rows.map((r) => [r.line, r]));
const aggRows: CalibrationRow[] = inputs.runs.map((r) => {
  const s = byLine.get(r.run.line);
  if (!s?.ttft_terms || !s.tpot_terms) throw new Error(`${MOE_ROWS_FILE}: no stored terms for line ${r.run.line} (run npx tsx bench/moe-accuracy.ts)`);
  return { run: r.run, terms: { ttft: [...s.ttft_terms], tpot: [...s.tpot_terms] }, fixedSeconds: { ttft: s.ttft_kernel_tables_s ?? 0, tpot: s.tpot_kernel_tables_s ?? 0 } };
});

const storedDisagg = new Map(stored.disagg_rows.map((r) => [r.line, r]));
const ms = (s: number) => (s * 1e3 < 100 ? (s * 1e3).toFixed(1) : (s * 1e3).toFixed(0));
const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(0)}%`;
const aggRef = (r: MoeRowPrediction): MoeRowPrediction | undefined => stored.rows
  .filter((a) => a.gpu === r.gpu && a.precision === r.precision && a.backend === r.backend && inputs.groups.get(a.llm) === inputs.groups.get(r.llm) && a.isl === r.isl && a.concurrency <= 4)
  .sort((a, b) => a.concurrency - b.concurrency || a.line - b.line)[0];

console.log('line gpu prec backend  P set    D set    c     ISL  | TTFT meas / held-out (signed) | λ/s   | calibrated: μ/s (k × iter ms; iter at λ) λ/μ  1-prompt+overhead ms | uncal: μ/s λ/μ 1-prompt ms | dec occ  step ms cal/uncal vs TPOT | agg ref: line c layout TTFT meas / held-out / uncal | verdict');
const groups = new Map<string, { verdicts: DisaggTtftVerdict[]; stepRatios: number[]; plainStepRatios: number[] }>();
const heldOutScope = heldOutDisaggScopes(inputs, aggRows);
for (const r of inputs.disaggRuns) {
  const { scope } = heldOutScope(r);
  const gpu = catalog.gpus.get(r.run.gpu)!;
  const spec = disaggSpecOf(r, gpu);
  const [prefillPool, decodePool] = benchmarkFleet(spec).instances;
  const cal = inputs.modelsWith(scope.tpot, r.run.backend);
  const plain = inputs.uncalibratedModels(r.run.backend);
  const measured = { concurrency: r.run.concurrency, ttftS: r.run.ttftSeconds, tpotS: r.run.tpotSeconds };
  const a = disaggRunLoad(measured, spec, cal(prefillPool), cal(decodePool));
  const u = disaggRunLoad(measured, spec, plain(prefillPool), plain(decodePool));
  const s = storedDisagg.get(r.run.line);
  const overheadS = requestOverheadSeconds(scope);
  const set = (x: { count: number; tp: number; ep: number }) => `${x.count}x${x.tp}ep${x.ep}`;
  const ref = s ? aggRef(s) : undefined;
  const verdict = ttftVerdict(a, r.run.ttftSeconds, (s?.predicted_ttft_ms ?? NaN) / 1e3, overheadS);
  console.log([
    r.run.line, r.run.gpu, r.run.precision, r.run.backend.padEnd(6), set(r.prefill).padEnd(8), set(r.decode).padEnd(8), String(r.run.concurrency).padEnd(5), r.run.inputTokens,
    `| ${ms(r.run.ttftSeconds)} / ${s ? s.predicted_ttft_ms.toFixed(0) : '?'} (${s ? pct(s.predicted_ttft_ms / (r.run.ttftSeconds * 1e3) - 1) : '?'})`,
    `| ${a.measuredRatePerS.toFixed(2)}`,
    `| ${a.prefillCapacityPerS.toFixed(2)} (${a.promptsPerIteration} × ${ms(a.fullIterationS)}; ${ms(a.iterationAtMeasuredRateS)}) ${a.prefillLoad.toFixed(2)} ${ms(a.singlePromptS)}+${ms(overheadS)}`,
    `| ${u.prefillCapacityPerS.toFixed(2)} ${u.prefillLoad.toFixed(2)} ${ms(u.singlePromptS)}`,
    `| ${a.decodeOccupancy.toFixed(0)} ${ms(a.modelDecodeStepS)}/${ms(u.modelDecodeStepS)} vs ${ms(a.measuredTpotS)}`,
    ref ? `| ${ref.line} c${ref.concurrency} tp${ref.tp}ep${ref.ep} ${ref.measured_ttft_ms} / ${ref.predicted_ttft_ms} / ${ref.uncalibrated_ttft_ms}` : '| —',
    `| ${verdict}`,
  ].join(' '));
  const key = `${r.run.gpu} ${r.run.precision} ${r.run.backend}`;
  const g = groups.get(key) ?? { verdicts: [], stepRatios: [], plainStepRatios: [] };
  g.verdicts.push(verdict);
  g.stepRatios.push(a.modelDecodeStepS / a.measuredTpotS);
  g.plainStepRatios.push(u.modelDecodeStepS / u.measuredTpotS);
  groups.set(key, g);
}

// Per group: how many rows each verdict covers, and the modelled decode step at the measured occupancy / the measured TPOT.
console.log('\ngroup | runs | TTFT verdicts (held-out) | decode step at measured occupancy / measured TPOT, median: held-out, uncalibrated');
for (const [key, g] of [...groups.entries()].sort()) {
  const counts = new Map<string, number>();
  for (const v of g.verdicts) counts.set(v, (counts.get(v) ?? 0) + 1);
  console.log(`${key} | ${g.verdicts.length} | ${[...counts.entries()].map(([v, n]) => `${v} ${n}`).join(', ')} | ${medianOf(g.stepRatios).toFixed(2)}, ${medianOf(g.plainStepRatios).toFixed(2)}`);
}
