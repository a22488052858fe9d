/**
 * A content hash of everything a result depends on from the catalogs: the entries in use (built-in and user
 * overrides, after validation) and the shipped model coefficients. Reports print it beside the seed and the version,
 * so two results with the same hash, seed and version came from the same inputs (vidur's cache-key idea).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catalogsDir } from './paths.js';
import { listDataFiles } from './load.js';
import type { Catalog } from './types.js';

/** JSON with object keys sorted, so equal content always hashes equal. */
function stableJson(value: unknown): string {
  if (value instanceof Map) return stableJson(Object.fromEntries([...value.entries()].sort(([a], [b]) => String(a).localeCompare(String(b)))));
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

let coefficientsText: string | undefined;

/** catalogs/coefficients/ file of the built-in serving calibration (`npm run accuracy` writes it). */
export const SERVING_CALIBRATION_FILE = 'serving-calibration.json';

/** `sha256:` + the first 16 hex digits of the hash of the catalog and the coefficient files. */
export function catalogFingerprint(catalog: Catalog, extraInputs: readonly string[] = []): string {
  // The serving calibration is read only with `--calibration builtin`, and then its own text is folded in
  // (planner/cli/provenance.ts): runs without it must not change hash when it is refitted.
  coefficientsText ??= listDataFiles(join(catalogsDir(), 'coefficients')).filter((p) => !p.endsWith(SERVING_CALIBRATION_FILE)).map((p) => readFileSync(p, 'utf8')).join('\n');
  const hash = createHash('sha256');
  hash.update(stableJson({ gpus: catalog.gpus, llms: catalog.llms, mixes: catalog.mixes, slos: catalog.slos, datacenters: catalog.datacenters }));
  hash.update(coefficientsText);
  for (const text of extraInputs) hash.update(text);
  return `sha256:${hash.digest('hex').slice(0, 16)}`;
}
