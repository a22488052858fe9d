/**
 * The MoE rows of docs/accuracy.md: reads the staged silicon runs, benchmarks each expressible agg MoE run through
 * runServingBenchmark (models/moe/serving-accuracy.ts) and returns the stored document. Shared by bench/moe-accuracy.ts
 * (all runs) and test/data/accuracy-moe.test.ts (a deterministic subset).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { layoutCacheKey, loadBuiltinCatalog } from '../catalogs/index.js';
import type { InstancePool } from '../catalogs/types.js';
import { BUILTIN_COEFFICIENTS, createPerfModel, type PerfModel } from '../models/index.js';
import { resolveLayout } from '../catalogs/precision.js';
import type { StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { BUILTIN_MOE_CALIBRATION } from '../models/moe/builtin.js';
import { moeCalibrationRow, moeHeldOutDisaggRow, moeHeldOutRow, predictMoeDisaggRun, predictMoeRun, type MoeRowPrediction } from '../models/moe/serving-accuracy.js';
import { predictRun, REQUEST_OVERHEAD_TERM, scopeFor, type CalibrationRow, type FittedScope } from '../models/serving/fit.js';
import { buildMoeCalibratedPerfModel } from '../models/serving/moe-calibrated-model.js';
import { architectureGroups, moeHeldOutScopes, moeHoldOutPredictions } from '../models/serving/moe-holdout.js';
import type { Backend, MeasuredRun } from '../models/serving/runs.js';
import { REQUEST_OVERHEAD_UNIT_SECONDS, STEP_TERMS } from '../models/serving/step-terms.js';
import { moeDispatchOf } from '../models/moe/dispatch.js';
import { moeSiliconDisaggRuns, type MoeDisaggRun } from '../models/moe/silicon-disagg-rows.js';
import { moeSiliconRuns, type MoeSiliconRun } from '../models/moe/silicon-rows.js';
import { loadCalibrationFile } from '../planner/cli/calibration.js';

export const MOE_SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';
export const MOE_ROWS_FILE = 'docs/accuracy-moe-rows.json';
export const MOE_ACCURACY_COMMAND = 'npx tsx bench/moe-accuracy.ts';

export interface MoeAccuracyInputs {
  readonly runs: readonly MoeSiliconRun[];
  readonly unexpressible: ReadonlyMap<string, number>;
  readonly sha256: string;
  /** The uncalibrated kernel-table models of a backend's pools (what plan and predict use for MoE pools, with its stack's token dispatch). */
  readonly uncalibratedModels: (backend: Backend) => (pool: InstancePool) => PerfModel;
  /** The run's benchmark on the uncalibrated kernel-table model (what plan and predict use for MoE pools). */
  readonly predictUncalibrated: (r: MoeSiliconRun) => MoeRowPrediction;
  /** The run's benchmark as a calibration row (its TTFT and TPOT as MoE step-term vectors). */
  readonly termsOf: (r: MoeSiliconRun) => CalibrationRow;
  /** A perfModelFor whose MoE models charge these coefficients (MOE_STEP_TERMS order) under a backend's memory rule. */
  readonly modelsWith: (coefficients: readonly number[], backend: Backend) => (pool: InstancePool) => PerfModel;
  /** LLM id → its architecture group (the unit held out together). */
  readonly groups: ReadonlyMap<string, string>;
  /** The dense agg runs' calibration rows (docs/accuracy-rows.csv, `npm run accuracy`): in every MoE fit. */
  readonly dense: readonly CalibrationRow[];
  /**
   * The shipped calibration's scopes (`--calibration builtin`: catalogs/coefficients/serving-calibration.json, written
   * by `npm run accuracy`), fitted on the dense agg runs alone: no MoE run is in it, so it is held out for every MoE row.
   */
  readonly builtin: readonly FittedScope[];
  readonly disaggRuns: readonly MoeDisaggRun[];
  readonly disaggUnexpressible: ReadonlyMap<string, number>;
  /** The disagg run's benchmark on the uncalibrated kernel-table model. */
  readonly predictDisagg: (r: MoeDisaggRun) => MoeRowPrediction;
  /** The disagg run's benchmark at a scope's coefficients and per-request overhead (`benchmark --mode disagg --calibration`). */
  readonly predictDisaggWith: (r: MoeDisaggRun, coefficients: readonly number[], requestOverheadSeconds: number) => MoeRowPrediction;
}

/** The staged runs and a predictor with one model cache (built-in catalog and models). */
export function moeAccuracyInputs(root: string): MoeAccuracyInputs {
  const text = readFileSync(resolve(root, '..', 'shared', 'data', MOE_SILICON_FILE), 'utf8');
  const catalog = loadBuiltinCatalog();
  const { runs, unexpressible } = moeSiliconRuns(text, MOE_SILICON_FILE, catalog.gpus, catalog.llms);
  const models = new Map<string, PerfModel>();
  // The uncalibrated model as plan and predict use it (the default KV rule), with the run's stack's token dispatch.
  const perfModelFor = (backend: Backend) => (pool: InstancePool): PerfModel => {
    const llm = catalog.llms.get(pool.llm)!;
    const gpu = catalog.gpus.get(pool.gpu)!;
    const dispatch = moeDispatchOf(backend, gpu, llm, resolveLayout(llm, pool));
    const key = `${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}/${pool.powerCapWatts ?? ''}/${dispatch}`;
    let m = models.get(key);
    if (m === undefined) {
      m = createPerfModel(gpu, llm, pool, { moeDispatch: dispatch, ...(pool.powerCapWatts !== undefined ? { powerCapWatts: pool.powerCapWatts } : {}) });
      models.set(key, m);
    }
    return m;
  };
  const disagg = moeSiliconDisaggRuns(text, MOE_SILICON_FILE, catalog.gpus, catalog.llms);
  const modelsWith = (coefficients: readonly number[], backend: Backend) => {
    const cache = new Map<string, PerfModel>();
    return (pool: InstancePool): PerfModel => {
      const key = `${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}`;
      let m = cache.get(key);
      if (m === undefined) {
        const llm = catalog.llms.get(pool.llm)!;
        m = buildMoeCalibratedPerfModel(catalog.gpus.get(pool.gpu)!, llm, resolveLayout(llm, pool), BUILTIN_COEFFICIENTS, BUILTIN_MOE_CALIBRATION, { coefficients, backend, from: 'MoE serving fit' });
        cache.set(key, m);
      }
      return m;
    };
  };
  const termModels = new Map<Backend, (pool: InstancePool) => PerfModel>();
  const termModelFor = (backend: Backend) => {
    let f = termModels.get(backend);
    if (f === undefined) termModels.set(backend, (f = modelsWith(TERM_RUN_COEFFICIENTS, backend)));
    return f;
  };
  const llmIds = [...new Set(runs.map((r) => r.run.llm))].sort();
  const builtin = loadCalibrationFile('builtin', root, catalog).calibration;
  // The MoE rows are benchmarked with clients starting together (no turnaround), as the CLI runs this calibration today.
  if (builtin.clientGapSeconds !== 0) throw new Error(`the builtin calibration has a ${builtin.clientGapSeconds} s client turnaround; predictMoeRun/predictMoeDisaggRun benchmark without one: pass it through before scoring with it`);
  return {
    runs, unexpressible, sha256: createHash('sha256').update(text).digest('hex'),
    uncalibratedModels: perfModelFor,
    predictUncalibrated: (r) => predictMoeRun(r, perfModelFor(r.run.backend)),
    termsOf: (r) => moeCalibrationRow(r, termModelFor(r.run.backend)),
    modelsWith,
    groups: architectureGroups(llmIds.map((id) => catalog.llms.get(id)!)),
    dense: denseRowsOf(readFileSync(resolve(root, DENSE_ROWS_FILE), 'utf8')),
    builtin: builtin.scopes,
    disaggRuns: disagg.runs, disaggUnexpressible: disagg.unexpressible,
    predictDisagg: (r) => predictMoeDisaggRun(r, catalog.gpus.get(r.run.gpu)!, perfModelFor(r.run.backend)),
    predictDisaggWith: (r, coefficients, overhead) => predictMoeDisaggRun(r, catalog.gpus.get(r.run.gpu)!, modelsWith(coefficients, r.run.backend), overhead),
  };
}

/**
 * Coefficients of the term runs (MOE_STEP_TERMS order): the kernel-table model as is, 1 ms per step and 10 µs per scheduled sequence.
 * With a fixed request count the schedule does not depend on them (any positive coefficients give the same terms).
 */
export const TERM_RUN_COEFFICIENTS: readonly number[] = [1, 1, 1, 1, 1, 1, 10, 0];

export const DENSE_ROWS_FILE = 'docs/accuracy-rows.csv';

/**
 * The dense calibration rows stored in docs/accuracy-rows.csv (every scored dense agg run, its measured means and its
 * kernel terms, TTFT's with one request-overhead unit), as fit.ts rows.
 */
export function denseRowsOf(text: string): CalibrationRow[] {
  const [header, ...body] = text.trimEnd().split('\n');
  const columns = header.split(',');
  const at = (name: string) => {
    const i = columns.indexOf(name);
    if (i < 0) throw new Error(`${DENSE_ROWS_FILE}: no column ${name} (regenerate it: npm run accuracy)`);
    return i;
  };
  return body.map((line) => {
    const c = line.split(',');
    const run: MeasuredRun = {
      source: DENSE_ROWS_FILE, line: Number(c[at('line')]), backend: c[at('backend')] as Backend, gpu: c[at('gpu')], llm: c[at('llm')], modelName: c[at('llm')],
      precision: c[at('precision')] as MeasuredRun['precision'], mode: 'agg', tp: Number(c[at('tp')]), concurrency: Number(c[at('concurrency')]),
      inputTokens: Number(c[at('isl')]), outputTokens: Number(c[at('osl')]),
      ttftSeconds: Number(c[at('measured_ttft_ms')]) / 1e3, tpotSeconds: Number(c[at('measured_tpot_ms')]) / 1e3,
    };
    return { run, terms: { ttft: STEP_TERMS.map((t) => Number(c[at(`ttft_${t}`)])), tpot: STEP_TERMS.map((t) => Number(c[at(`tpot_${t}`)])) } };
  });
}

/**
 * Every agg run's terms, its leave-one-architecture-out prediction and the builtin calibration's (`builtin`: the shipped
 * scopes, fitted on the dense runs alone; coefficients × terms, which is what the benchmark prints: the schedule of an
 * agg run with a fixed request count does not depend on them), in run order.
 */
export function moeHeldOutRows(runs: readonly MoeSiliconRun[], dense: readonly CalibrationRow[], rows: readonly CalibrationRow[], groups: ReadonlyMap<string, string>, uncalibrated: readonly MoeRowPrediction[], builtin: readonly FittedScope[]): MoeRowPrediction[] {
  const predictions = new Map(moeHoldOutPredictions(dense, rows, groups).map((p) => [p.row, p]));
  return runs.map((r, i) => {
    const p = predictions.get(rows[i]);
    if (!p) throw new Error(`${r.id}: no held-out prediction (its architecture is the only one with runs)`);
    return moeHeldOutRow(r, p, uncalibrated[i], predictRun(builtin, rows[i]));
  });
}

/**
 * Every disagg run benchmarked through the held-out calibration of its architecture — the scopes fitted on the dense
 * agg runs and the other MoE architectures' agg runs (moeHeldOutScopes, the fold that predicts the same architecture's
 * agg rows; no disagg run is in any fit) —, through the builtin calibration (fitted on the dense agg runs alone), and on
 * the uncalibrated model, in run order. Each calibration is its own kernel run: which requests share a disagg
 * iteration depends on the coefficients, so its figures are not coefficients × one run's terms.
 */
export function moeHeldOutDisaggRows(inputs: Pick<MoeAccuracyInputs, 'disaggRuns' | 'dense' | 'builtin' | 'groups' | 'predictDisagg' | 'predictDisaggWith'>, rows: readonly CalibrationRow[]): MoeRowPrediction[] {
  const heldOutScope = heldOutDisaggScopes(inputs, rows);
  return inputs.disaggRuns.map((r) => {
    const { scope, held } = heldOutScope(r);
    const fitted = inputs.predictDisaggWith(r, scope.tpot, requestOverheadSeconds(scope));
    // What `fleetplan benchmark --mode disagg --calibration builtin` prints (createPerfModel → buildMoeServingModel).
    const shipped = scopeFor(inputs.builtin, r.run);
    const builtin = inputs.predictDisaggWith(r, shipped.tpot, requestOverheadSeconds(shipped));
    return moeHeldOutDisaggRow(fitted, inputs.predictDisagg(r), scope.scope, held, builtin);
  });
}

/**
 * The held-out scope a disagg run is predicted with: its architecture's fold (moeHeldOutScopes on the dense rows and the
 * agg `rows`, one fit per architecture, cached), the scope the run falls in. Shared by the build and the diagnosis.
 */
export function heldOutDisaggScopes(inputs: Pick<MoeAccuracyInputs, 'dense' | 'groups'>, rows: readonly CalibrationRow[]): (r: MoeDisaggRun) => { scope: FittedScope; held: string } {
  const folds = new Map<string, FittedScope[]>();
  return (r) => {
    const held = inputs.groups.get(r.run.llm) ?? r.run.llm;
    let scopes = folds.get(held);
    if (scopes === undefined) folds.set(held, (scopes = moeHeldOutScopes(inputs.dense, rows, inputs.groups, held)));
    return { scope: scopeFor(scopes, r.run), held };
  };
}

/** A scope's per-request overhead (the benchmark client's, fitted on TTFT), in seconds. */
export function requestOverheadSeconds(scope: FittedScope): number {
  return scope.ttft[REQUEST_OVERHEAD_TERM] * REQUEST_OVERHEAD_UNIT_SECONDS;
}

/** Benchmarks every run: the document stored at MOE_ROWS_FILE. */
export function buildMoeAccuracy(inputs: MoeAccuracyInputs): StoredMoeAccuracy {
  const rows = inputs.runs.map(inputs.termsOf);
  return {
    description: 'Per-run predictions of `fleetplan benchmark` (runServingBenchmark, seed 1) for the agg and disagg MoE runs of the staged aiconfigurator silicon CSV (rows and disagg_rows), with the measured means. Agg rows: the benchmark\'s MoE step terms (ttft_terms, tpot_terms, fitted; ttft_kernel_tables_s, tpot_kernel_tables_s, the kernel tables\' seconds charged as measured; models/serving/moe-step-terms.ts), the prediction of the scope fitted on the dense runs (docs/accuracy-rows.csv) and the other MoE architectures (held_out names the architecture left out), the builtin calibration\'s (dense_fit_*: `--calibration builtin`, catalogs/coefficients/serving-calibration.json, fitted on the dense agg runs alone) and the uncalibrated kernel-table model\'s. Disagg rows: the benchmark of the xPyD set through the same held-out scope its architecture\'s agg rows are predicted with (fitted on agg runs only), through the builtin calibration (dense_fit_*, its own kernel run) and on the uncalibrated model. Generated; do not edit. docs/accuracy.md renders its MoE section from this file.',
    command: MOE_ACCURACY_COMMAND,
    data_file: MOE_SILICON_FILE,
    data_sha256: inputs.sha256,
    unexpressible: counted(inputs.unexpressible),
    rows: moeHeldOutRows(inputs.runs, inputs.dense, rows, inputs.groups, inputs.runs.map(inputs.predictUncalibrated), inputs.builtin),
    disagg_unexpressible: counted(inputs.disaggUnexpressible),
    disagg_rows: moeHeldOutDisaggRows(inputs, rows),
  };
}

/** Counts by reason, sorted (the stored form). */
export function counted(m: ReadonlyMap<string, number>): { reason: string; count: number }[] {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([reason, count]) => ({ reason, count }));
}

/** The stored document as text: one run per line, so a regenerated file diffs run by run. */
export function formatMoeAccuracy(stored: StoredMoeAccuracy): string {
  const { rows, disagg_rows: disagg, ...head } = stored;
  const list = (xs: readonly MoeRowPrediction[]) => (xs.length === 0 ? '[]' : `[\n${xs.map((r) => `  ${JSON.stringify(r)}`).join(',\n')}\n ]`);
  const fields = Object.entries(head).map(([k, v]) => ` ${JSON.stringify(k)}: ${JSON.stringify(v)}`);
  return `{\n${[...fields, ` "rows": ${list(rows)}`, ` "disagg_rows": ${list(disagg)}`].join(',\n')}\n}\n`;
}
