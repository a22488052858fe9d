/**
 * Reading `--calibration FILE` (the shell side of models/serving/calibration-file.ts): the file's text, checked
 * against catalogs/schemas/calibration.schema.json and then against this fleetplan's version and the catalog. Every
 * problem is one line (exit 2); nothing is ignored. The text is returned too: results fold it into their input hash.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { catalogsDir, InputError, packageVersion, readTextFile, type Catalog } from '../../catalogs/index.js';
import { parseJsonText } from '../../catalogs/json-text.js';
import { readCalibrationDocument, type ServingCalibration } from '../../models/serving/calibration-file.js';
import type { Backend } from '../../models/serving/runs.js';
import type { ServingChoice } from '../demand/perf-adapter.js';

let validator: ValidateFunction | undefined;

function validate(doc: unknown): ValidateFunction['errors'] {
  validator ??= new Ajv2020({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(catalogsDir(), 'schemas', 'calibration.schema.json'), 'utf8')) as object);
  return validator(doc) ? null : validator.errors;
}

export interface LoadedCalibration {
  readonly calibration: ServingCalibration;
  /** What results record in their `inputs`. */
  readonly record: { readonly file: string; readonly sha256: string; readonly fleetplan_version: string; readonly source_hash: string };
  readonly text: string;
}

/** `--calibration builtin`: the calibration shipped with fleetplan, fitted on the staged silicon runs by `npm run accuracy`. */
export const BUILTIN_CALIBRATION = 'builtin';

export function builtinCalibrationPath(): string {
  return join(catalogsDir(), 'coefficients', 'serving-calibration.json');
}

export function loadCalibrationFile(file: string, cwd: string, catalog: Catalog): LoadedCalibration {
  const path = file === BUILTIN_CALIBRATION ? builtinCalibrationPath() : resolve(cwd, file);
  const text = readTextFile(path, { displayName: file });
  const doc = parseJsonText(text, file, 'a calibration written by fleetplan calibrate');
  const errors = validate(doc);
  if (errors) {
    throw new InputError(errors.map((e) => ({ code: 'schema' as const, file, path: e.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.'), message: `${e.message ?? 'is invalid'}${e.params && 'allowedValue' in e.params ? ` (expected ${JSON.stringify(e.params.allowedValue)})` : ''}` })));
  }
  const { calibration, issues } = readCalibrationDocument(doc as Record<string, unknown>, file, packageVersion(), (id) => catalog.gpus.has(id));
  if (!calibration) throw new InputError(issues);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { calibration, text, record: { file, sha256, fleetplan_version: calibration.fleetplanVersion, source_hash: calibration.sourceHash } };
}

/**
 * `--calibration FILE` and `--backend B` of a command: the choice for the models (undefined with neither; a backend
 * alone still sizes every pool's KV by its memory rule, models/create.ts) and what provenance records.
 */
export function servingFromFlags(file: string | undefined, backend: Backend | undefined, cwd: string, catalog: Catalog): { serving?: ServingChoice; loaded?: LoadedCalibration } {
  const b = backend ? { backend } : {};
  if (file === undefined) return backend ? { serving: b } : {};
  const loaded = loadCalibrationFile(file, cwd, catalog);
  return { loaded, serving: { calibration: loaded.calibration, ...b } };
}
