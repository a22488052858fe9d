/**
 * What the issue-11 instruments (bench/prefill-only-share.ts, bench/prefill-schedule.ts) start from: the staged silicon
 * runs the catalog can express, the built-in serving calibration (the fit on every run, as the shipped models
 * schedule), and the held-out TTFT predictions the accuracy table published for each run (docs/accuracy-rows.csv, by
 * the run's line in the silicon file).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadBuiltinCatalog, packageVersion } from '../catalogs/index.js';
import { importSiliconRuns } from '../models/importers/silicon.js';
import { readCalibrationDocument } from '../models/serving/calibration-file.js';
import { SILICON_FILE } from './accuracy-build.js';

/** A run's measured TTFT and the leave-one-model-out / leave-one-GPU-out predictions, in ms. */
export interface PublishedTtft { readonly measured: number; readonly lomo: number; readonly logo: number }

export function loadDenseAggInputs() {
  const root = resolve(new URL('..', import.meta.url).pathname);
  const catalog = loadBuiltinCatalog();
  const text = readFileSync(resolve(root, '..', 'shared', 'data', SILICON_FILE), 'utf8');
  const runs = importSiliconRuns(text, SILICON_FILE, { hasGpu: (g) => catalog.gpus.has(g), hasLlm: (l) => catalog.llms.has(l) }).runs;
  const calDoc = JSON.parse(readFileSync(resolve(root, 'catalogs', 'coefficients', 'serving-calibration.json'), 'utf8')) as Record<string, unknown>;
  const { calibration } = readCalibrationDocument(calDoc, 'builtin', packageVersion(), (g) => catalog.gpus.has(g));
  if (!calibration) throw new Error('built-in calibration unreadable');
  const csv = readFileSync(resolve(root, 'docs', 'accuracy-rows.csv'), 'utf8').trim().split('\n');
  const head = csv[0].split(',');
  const published = new Map<number, PublishedTtft>(csv.slice(1).map((l) => {
    const f = l.split(',');
    const get = (n: string) => Number(f[head.indexOf(n)]);
    return [get('line'), { measured: get('measured_ttft_ms'), lomo: get('lomo_ttft_ms'), logo: get('logo_ttft_ms') }];
  }));
  return { catalog, runs, calibration, published };
}
