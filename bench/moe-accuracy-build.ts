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
import { createPerfModel, type PerfModel } from '../models/index.js';
import type { StoredMoeAccuracy } from '../models/moe/accuracy-section.js';
import { predictMoeDisaggRun, predictMoeRun, type MoeRowPrediction } from '../models/moe/serving-accuracy.js';
import { moeSiliconDisaggRuns, type MoeDisaggRun } from '../models/moe/silicon-disagg-rows.js';
import { moeSiliconRuns, type MoeSiliconRun } from '../models/moe/silicon-rows.js';

export const MOE_SILICON_FILE = 'aiconfigurator/silicon/silicon_runs_h100_b200.csv';
export const MOE_ROWS_FILE = 'docs/accuracy-moe-rows.json';
export const MOE_ACCURACY_COMMAND = 'npx tsx bench/moe-accuracy.ts';

export interface MoeAccuracyInputs {
  readonly runs: readonly MoeSiliconRun[];
  readonly unexpressible: ReadonlyMap<string, number>;
  readonly sha256: string;
  readonly predict: (r: MoeSiliconRun) => MoeRowPrediction;
  readonly disaggRuns: readonly MoeDisaggRun[];
  readonly disaggUnexpressible: ReadonlyMap<string, number>;
  readonly predictDisagg: (r: MoeDisaggRun) => MoeRowPrediction;
}

/** The staged runs and a predictor with one model cache (built-in catalog and models). */
export function moeAccuracyInputs(root: string): MoeAccuracyInputs {
  const text = readFileSync(resolve(root, '..', 'shared', 'data', MOE_SILICON_FILE), 'utf8');
  const catalog = loadBuiltinCatalog();
  const { runs, unexpressible } = moeSiliconRuns(text, MOE_SILICON_FILE, catalog.gpus, catalog.llms);
  const models = new Map<string, PerfModel>();
  const perfModelFor = (pool: InstancePool): PerfModel => {
    const key = `${pool.gpu}/${pool.llm}/${layoutCacheKey(pool)}/${pool.powerCapWatts ?? ''}`;
    let m = models.get(key);
    if (m === undefined) {
      m = createPerfModel(catalog.gpus.get(pool.gpu)!, catalog.llms.get(pool.llm)!, pool, pool.powerCapWatts !== undefined ? { powerCapWatts: pool.powerCapWatts } : {});
      models.set(key, m);
    }
    return m;
  };
  const disagg = moeSiliconDisaggRuns(text, MOE_SILICON_FILE, catalog.gpus, catalog.llms);
  return {
    runs, unexpressible, sha256: createHash('sha256').update(text).digest('hex'), predict: (r) => predictMoeRun(r, perfModelFor),
    disaggRuns: disagg.runs, disaggUnexpressible: disagg.unexpressible,
    predictDisagg: (r) => predictMoeDisaggRun(r, catalog.gpus.get(r.run.gpu)!, perfModelFor),
  };
}

/** Benchmarks every run: the document stored at MOE_ROWS_FILE. */
export function buildMoeAccuracy(inputs: MoeAccuracyInputs): StoredMoeAccuracy {
  return {
    description: 'Per-run predictions of `fleetplan benchmark` (runServingBenchmark, seed 1) for the agg and disagg MoE runs of the staged aiconfigurator silicon CSV (rows and disagg_rows), with the measured means. Generated; do not edit. docs/accuracy.md renders its MoE section from this file.',
    command: MOE_ACCURACY_COMMAND,
    data_file: MOE_SILICON_FILE,
    data_sha256: inputs.sha256,
    unexpressible: counted(inputs.unexpressible),
    rows: inputs.runs.map(inputs.predict),
    disagg_unexpressible: counted(inputs.disaggUnexpressible),
    disagg_rows: inputs.disaggRuns.map(inputs.predictDisagg),
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
